// Package httpprobe sends one HTTP/1.x request to an upstream exactly as nginx's
// proxy_pass would (its request line and header lines in nginx's order, a fresh
// connection, no SNI and no verification by default) over a raw client of its own, and
// reports where it failed, how long each phase took, and which of nginx's timers
// would have fired.
package httpprobe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"
)

// Limits of one probe: nginx reads the header into one proxy_buffer_size buffer and
// fails beyond it, but the probe wants to see the whole header to say how big it is.
const (
	maxHeaderBytes = 1 << 20
	maxBodyBytes   = 64 << 10
)

// Phase names, in the order a request passes through them.
const (
	PhaseDNS     = "dns"
	PhaseConnect = "connect"
	PhaseTLS     = "tls"
	PhaseWrite   = "write"
	PhaseHeader  = "header"
	PhaseBody    = "body"
	PhaseIdle    = "idle" // IdleClose only: waiting on the idle keep-alive connection
)

// Timers of nginx's that Result.Exceeded names.
const (
	ExceededConnect = "connect" // proxy_connect_timeout
	ExceededRead    = "read"    // proxy_read_timeout
)

// Timing is the duration of each phase. DNS, Connect and TLS are the phases' own
// lengths; FirstByte and Total count from the start (curl's time_starttransfer and
// time_total); ReadGap is the longest wait between two reads that brought data, the
// first counted from when the request was sent (what proxy_read_timeout bounds).
type Timing struct {
	DNS, Connect, TLS, FirstByte, Total time.Duration
	ReadGap                             time.Duration
}

// Result is what one probe saw.
type Result struct {
	Target      Target        // the target with defaults filled in
	Request     []byte        // the request head exactly as written (RequestHead)
	Status      int           // HTTP status; 0 when no header arrived
	Proto       string        // e.g. "HTTP/1.1"
	HeaderBytes int           // status line + headers + blank line as received (all received bytes when the header never ended)
	BodyBytes   int           // body bytes read (at most 64 KiB)
	Received    []byte        // the first bytes the backend sent (up to 64), for "not HTTP" diagnosis
	Phase       string        // "" on success, else the phase that failed (Phase* constants)
	Err         error         // the failure, nil on success
	Timeout     time.Duration // the bound the probe ran under
	Timing      Timing        // phase durations
	Command     string        // the curl command a person would type for the same request
	// Exceeded names the nginx timer that would have fired first ("" | "connect" |
	// "read"), from Target.ConnectTimeout and ReadTimeout.
	Exceeded string
	// Waited is how long nginx would have had to wait: the longest connection attempt
	// (TLS handshake included, as nginx's connect timer covers it) or the longest gap
	// between reads that broke its timer; when the overall timeout cut the wait short,
	// the wait until then.
	Waited time.Duration
}

// Probe sends one GET to t and reads at most 64 KiB of the body, all within timeout.
func Probe(ctx context.Context, t Target, timeout time.Duration) Result {
	t = withDefaults(t)
	res := Result{Target: t, Request: RequestHead(t), Timeout: timeout, Command: Command(t, timeout)}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	var w *wire
	finish := func(phase string, err error) Result {
		res.Timing.Total = time.Since(start)
		if err != nil {
			res.Phase, res.Err = phase, contextError(ctx, err)
		}
		if w != nil {
			readTimer(t, w, &res)
		}
		return res
	}

	s, err := open(ctx, t)
	res.Timing.DNS, res.Timing.Connect, res.Timing.TLS = s.dns, s.connect, s.tls
	res.Exceeded, res.Waited = connectTimer(t, s, err)
	if err != nil {
		return finish(s.phase, err)
	}
	defer s.conn.Close()
	stop := watch(ctx, s.conn)
	defer stop()

	if w, err = send(s.conn, res.Request); err != nil {
		return finish(PhaseWrite, err)
	}
	h, n, err := readHeader(w)
	res.HeaderBytes, res.Received = n, w.head
	res.Timing.FirstByte = since(start, w.firstByte)
	if err != nil {
		return finish(PhaseHeader, headerError(err, n))
	}
	res.Status, res.Proto = h.status, h.proto
	res.BodyBytes, _, err = readBody(w, h, maxBodyBytes)
	return finish(PhaseBody, err)
}

// send writes the request head and returns the reader of the answer, its read timer
// started now, as nginx's is once the request is sent.
func send(c net.Conn, head []byte) (*wire, error) {
	if _, err := c.Write(head); err != nil {
		return nil, err
	}
	return newWire(c, time.Now()), nil
}

// headerError keeps a close before the end of the header apart from one before any byte.
func headerError(err error, received int) error {
	if errors.Is(err, io.EOF) && received > 0 {
		return fmt.Errorf("%w after %d bytes of the header", io.ErrUnexpectedEOF, received)
	}
	return err
}

// watch ends every blocked read or write on c when ctx ends (timeout or cancel); the
// returned func stops watching.
func watch(ctx context.Context, c net.Conn) func() bool {
	if d, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(d)
	}
	return context.AfterFunc(ctx, func() { _ = c.SetDeadline(time.Unix(1, 0)) })
}

// contextError names the context's end (cancelled, out of time) when that is what
// stopped an I/O call; other errors pass through.
func contextError(ctx context.Context, err error) error {
	cerr := ctx.Err()
	if cerr == nil && errors.Is(err, os.ErrDeadlineExceeded) {
		// The socket's deadline is the context's, and may fire a moment before it.
		cerr = context.DeadlineExceeded
	}
	if cerr == nil || errors.Is(err, cerr) {
		return err
	}
	var ne net.Error
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Errorf("%w (%w)", cerr, err)
	}
	return err
}

// connectTimer reports whether proxy_connect_timeout would have fired, and how long
// opening lasted when the overall timeout cut it short.
func connectTimer(t Target, s session, err error) (string, time.Duration) {
	took := s.attempt + s.tls
	switch {
	case t.ConnectTimeout > 0 && took > t.ConnectTimeout:
		return ExceededConnect, took
	case outOfTime(err):
		return "", took
	}
	return "", 0
}

// outOfTime reports an error from the probe's overall deadline.
func outOfTime(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded)
}

// readTimer reports the longest gap between reads and whether proxy_read_timeout
// would have fired; a wait cut off by the overall timeout counts up to then.
func readTimer(t Target, w *wire, res *Result) {
	gap := w.maxGap
	cut := outOfTime(res.Err)
	if cut {
		gap = max(gap, w.gap())
	}
	res.Timing.ReadGap = gap
	if res.Exceeded != "" {
		return
	}
	if t.ReadTimeout > 0 && gap > t.ReadTimeout {
		res.Exceeded, res.Waited = ExceededRead, gap
	} else if cut {
		res.Waited = gap
	}
}

// since is the time from start to at, 0 when at never happened.
func since(start, at time.Time) time.Duration {
	if at.IsZero() {
		return 0
	}
	return at.Sub(start)
}
