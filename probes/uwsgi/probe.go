// Package uwsgi sends one request the way nginx's uwsgi_pass does (a uwsgi packet of
// the variables /etc/nginx/uwsgi_params defines) and reports the status the application
// answered, where the exchange failed, how long each phase took, and whether nginx's
// uwsgi_connect_timeout or uwsgi_read_timeout would have run out first.
package uwsgi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Limits of one probe: nginx fails a header beyond uwsgi_buffer_size, but the probe
// wants to see the whole header to say how big it is.
const (
	maxHeaderBytes = 1 << 20
	maxBodyBytes   = 64 << 10
	keepReceived   = 64 // first bytes kept for a "not uwsgi" diagnosis
)

// Phase names, in the order a request passes through them.
const (
	PhaseConnect = "connect"
	PhaseWrite   = "write"
	PhaseHeader  = "header"
	PhaseBody    = "body"
)

// Timer names for Result.Exceeded: nginx's uwsgi_connect_timeout and uwsgi_read_timeout.
const (
	TimerConnect = "connect"
	TimerRead    = "read"
)

// Param is one uwsgi variable (an uwsgi_param line): a name and its value.
type Param struct {
	Name, Value string
}

// Request is what to ask and nginx's limits for it.
type Request struct {
	Network        string        // "tcp" (default) or "unix"
	Address        string        // host:port, or the socket path for unix
	Path           string        // REQUEST_URI, query included; default "/"
	Host           string        // HTTP_HOST; default "localhost" (Debian's uwsgi_params sends $host)
	Params         []Param       // the location's extra uwsgi_param pairs, in order; a default of the same name takes the value
	ConnectTimeout time.Duration // uwsgi_connect_timeout; 0 = not compared
	ReadTimeout    time.Duration // uwsgi_read_timeout; 0 = not compared
}

// Timing is how long the probe took: Connect is the dial; FirstByte and Total count
// from the start.
type Timing struct {
	Connect, FirstByte, Total time.Duration
}

// Result is what one probe saw.
type Result struct {
	Request     Request       // the request with defaults filled in
	Vars        []Param       // the variables sent, in order
	Status      int           // the status nginx would pass on; 0 when no header arrived
	Header      http.Header   // the response header fields
	HeaderBytes int           // status line + header as received (all received bytes when it never ended)
	BodyBytes   int           // body bytes read (at most 64 KiB)
	Received    []byte        // the first bytes the backend sent (up to 64)
	Phase       string        // "" on success, else the phase that failed (Phase* constants)
	Err         error         // the failure, nil on success
	Timing      Timing        // phase durations
	Exceeded    string        // the nginx timer (Timer*) this exchange ran past, "" if none
	Waited      time.Duration // how long the probe waited at that timer (the longest wait)
	Timeout     time.Duration // the bound the probe ran under
	Command     string        // a shell line that sends the same bytes
}

// Probe sends one GET to r's address and reads the header and at most 64 KiB of the
// body, all within timeout. Past ConnectTimeout or ReadTimeout it keeps going, noting
// the timer in Exceeded.
func Probe(ctx context.Context, r Request, timeout time.Duration) (res Result) {
	r = withDefaults(r)
	vars := buildVars(r)
	res = Result{Request: r, Vars: vars, Timeout: timeout, Command: Command(r, timeout)}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	w := newWatch(r.ConnectTimeout, r.ReadTimeout)
	defer func() {
		res.Timing.Total = time.Since(w.start)
		res.Timing.FirstByte = w.firstByte
		res.Exceeded, res.Waited = w.exceeded, w.waited
	}()

	packet, err := encodePacket(vars)
	if err != nil {
		res.Phase, res.Err = PhaseWrite, err
		return res
	}
	conn, err := (&net.Dialer{}).DialContext(ctx, r.Network, r.Address)
	if d := w.connected(); err == nil {
		res.Timing.Connect = d
	}
	if err != nil {
		res.Phase, res.Err = PhaseConnect, err
		return res
	}
	defer conn.Close()
	// Cancelling the context must unblock reads and writes at once.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	if _, err := conn.Write(packet); err != nil {
		res.Phase, res.Err = PhaseWrite, ctxErr(ctx, err)
		return res
	}
	w.sent()
	if err := readResponse(w.reader(conn), &res); err != nil {
		res.Err = ctxErr(ctx, err)
	}
	return res
}

// readResponse reads the header, then the body up to its Content-Length, the close, or
// 64 KiB, filling res; on failure res.Phase says where.
func readResponse(rd io.Reader, res *Result) error {
	var p headParser
	buf := make([]byte, 0, 16<<10)
	chunk := make([]byte, 16<<10)
	res.Phase = PhaseHeader
	for {
		n, err := rd.Read(chunk[:min(len(chunk), maxHeaderBytes-len(buf))])
		buf = append(buf, chunk[:n]...)
		if len(res.Received) < keepReceived {
			res.Received = append([]byte(nil), buf[:min(len(buf), keepReceived)]...)
		}
		res.HeaderBytes = len(buf)
		done, perr := p.parse(buf)
		switch {
		case perr != nil:
			return perr
		case done:
			return readBody(rd, buf[p.end:], &p, res)
		case len(buf) >= maxHeaderBytes:
			return fmt.Errorf("upstream sent too big header: more than %d bytes without its end", maxHeaderBytes)
		case errors.Is(err, io.EOF):
			return fmt.Errorf("upstream prematurely closed connection while reading response header: %w", io.ErrUnexpectedEOF)
		case err != nil:
			return err
		}
	}
}

// readBody counts the body after a complete header.
func readBody(rd io.Reader, early []byte, p *headParser, res *Result) error {
	res.Status, res.Header, res.HeaderBytes = p.status, p.header, p.end
	res.Phase = PhaseBody
	want := int64(-1)
	if cl, err := strconv.ParseInt(p.header.Get("Content-Length"), 10, 64); err == nil && cl >= 0 {
		want = cl
	}
	got := int64(len(early))
	limit := func() int64 {
		if want >= 0 {
			return min(want, maxBodyBytes)
		}
		return maxBodyBytes
	}
	if got < limit() {
		n, err := io.Copy(io.Discard, io.LimitReader(rd, limit()-got))
		got += n
		if err != nil {
			res.BodyBytes = int(min(got, maxBodyBytes))
			return err
		}
	}
	res.BodyBytes = int(min(got, limit()))
	if want >= 0 && got < limit() {
		return fmt.Errorf("upstream prematurely closed connection while reading upstream (%d of %d body bytes): %w", got, want, io.ErrUnexpectedEOF)
	}
	res.Phase = ""
	return nil
}

// ctxErr prefers the context's reason (deadline, cancel) over the socket's timeout
// that AfterFunc provoked.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	return err
}
