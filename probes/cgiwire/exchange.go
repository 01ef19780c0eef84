package cgiwire

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

// Limits of one exchange: nginx fails a header beyond *_buffer_size, but the probe
// wants to see the whole header to say how big it is.
const (
	maxHeaderBytes = 1 << 20
	maxBodyBytes   = 64 << 10
	keepReceived   = 64 // first bytes kept to recognise a peer that speaks another protocol
)

// Phase names, in the order a request passes through them.
const (
	PhaseConnect = "connect"
	PhaseWrite   = "write"
	PhaseHeader  = "header"
	PhaseBody    = "body"
)

// Target is where the request goes and nginx's timers for it.
type Target struct {
	Network        string        // "tcp" or "unix"
	Address        string        // host:port, or the socket path for unix
	ConnectTimeout time.Duration // *_connect_timeout; 0 = not compared
	ReadTimeout    time.Duration // *_read_timeout; 0 = not compared
}

// Timing is how long the exchange took: Connect is the dial; FirstByte and Total count
// from the start.
type Timing struct {
	Connect, FirstByte, Total time.Duration
}

// Exchange is what one request and its answer showed.
type Exchange struct {
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
}

// RoundTrip connects to t, writes request, and reads the header and at most 64 KiB of
// the body, all within timeout. Past t's connect or read timeout it keeps going, noting
// the timer in Exceeded.
func RoundTrip(ctx context.Context, t Target, request []byte, timeout time.Duration) (ex Exchange) {
	ex.Timeout = timeout
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	w := NewWatch(t.ConnectTimeout, t.ReadTimeout)
	defer func() {
		ex.Timing.Total = w.Elapsed()
		ex.Timing.FirstByte = w.FirstByte()
		ex.Exceeded, ex.Waited = w.Exceeded()
	}()

	conn, err := (&net.Dialer{}).DialContext(ctx, t.Network, t.Address)
	if d := w.Connected(); err == nil {
		ex.Timing.Connect = d
	}
	if err != nil {
		ex.Phase, ex.Err = PhaseConnect, err
		return ex
	}
	defer conn.Close()
	// Cancelling the context must unblock reads and writes at once.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	if _, err := conn.Write(request); err != nil {
		ex.Phase, ex.Err = PhaseWrite, ctxErr(ctx, err)
		return ex
	}
	w.Sent()
	if err := readResponse(w.Reader(conn), &ex); err != nil {
		ex.Err = ctxErr(ctx, err)
	}
	return ex
}

// readResponse reads the header, then the body up to its Content-Length, the close, or
// 64 KiB, filling ex; on failure ex.Phase says where.
func readResponse(rd io.Reader, ex *Exchange) error {
	var p HeadParser
	buf := make([]byte, 0, 16<<10)
	chunk := make([]byte, 16<<10)
	ex.Phase = PhaseHeader
	for {
		n, err := rd.Read(chunk[:min(len(chunk), maxHeaderBytes-len(buf))])
		buf = append(buf, chunk[:n]...)
		if len(ex.Received) < keepReceived {
			ex.Received = append([]byte(nil), buf[:min(len(buf), keepReceived)]...)
		}
		ex.HeaderBytes = len(buf)
		done, perr := p.Parse(buf)
		switch {
		case perr != nil:
			return perr
		case done:
			return readBody(rd, buf[p.Len():], &p, ex)
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
func readBody(rd io.Reader, early []byte, p *HeadParser, ex *Exchange) error {
	ex.Status, ex.Header, ex.HeaderBytes = p.Status(), p.Header(), p.Len()
	ex.Phase = PhaseBody
	want := int64(-1)
	if cl, err := strconv.ParseInt(p.Header().Get("Content-Length"), 10, 64); err == nil && cl >= 0 {
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
			ex.BodyBytes = int(min(got, maxBodyBytes))
			return err
		}
	}
	ex.BodyBytes = int(min(got, limit()))
	if want >= 0 && got < limit() {
		return fmt.Errorf("upstream prematurely closed connection while reading upstream (%d of %d body bytes): %w", got, want, io.ErrUnexpectedEOF)
	}
	ex.Phase = ""
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
