package cgiwire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"time"
)

// defaultBufferSize is nginx's *_buffer_size on x86 (one page): a larger response
// header makes nginx log "upstream sent too big header".
const defaultBufferSize = 4 << 10

// Dialect is what Explain says differently for each protocol. The hints name the
// application server's own setting and are "" or start with a space.
type Dialect struct {
	Module      string // nginx's directive prefix: "uwsgi" as in uwsgi_read_timeout
	Application string // what answers properly: "a uwsgi application"
	BusyReason  string // why no header came in time: "all workers busy, or a request longer than that"
	ClosedHint  string // after "closed the connection without answering"
	QueueHint   string // after "the application does not accept fast enough"
	ModeHint    string // after "check the socket's mode/owner"
}

// Explain says in plain words what the exchange with t saw, e.g. "connection refused
// (ECONNREFUSED): nothing listens on 127.0.0.1:3031" or "unix:/run/uwsgi/app.sock
// answered 200 OK in 3ms", and what nginx's timers would have done.
func (d Dialect) Explain(t Target, ex Exchange) string {
	where := t.Address
	if t.Network == "unix" {
		where = "unix:" + where
	}
	return d.outcome(t, ex, where) + d.timer(t, ex)
}

func (d Dialect) outcome(t Target, r Exchange, where string) string {
	if r.Err == nil {
		s := fmt.Sprintf("%s answered %d %s in %s", where, r.Status, http.StatusText(r.Status), round(r.Timing.Total))
		if r.HeaderBytes > defaultBufferSize {
			s += fmt.Sprintf("; its response header is %d bytes, more than nginx's default %s_buffer_size of 4 KiB (\"upstream sent too big header\")", r.HeaderBytes, d.Module)
		}
		return s
	}
	err := r.Err
	var he *HeaderError
	var se *StatusError
	switch {
	case errors.Is(err, context.Canceled):
		return fmt.Sprintf("probe of %s cancelled during %s", where, r.Phase)
	case r.Phase == PhaseConnect:
		return d.connect(t, r, where)
	case r.Phase == PhaseWrite:
		return fmt.Sprintf("%s accepted the connection but the request could not be sent: %v", where, err)
	case errors.As(err, &he):
		return fmt.Sprintf("%s does not answer like %s: nginx logs %s and answers 502%s", where, d.Application, he, otherProtocol(r.Received))
	case errors.As(err, &se):
		return fmt.Sprintf("%s sent a Status header nginx cannot read: %v (502)", where, se)
	case r.Phase == PhaseBody:
		return fmt.Sprintf("%s answered %d but the body was cut off after %d bytes: %v", where, r.Status, r.BodyBytes, err)
	case IsTimeout(err):
		return fmt.Sprintf("%s sent no complete response header within %s (%s)", where, round(r.Timeout), d.BusyReason)
	case strings.Contains(err.Error(), "too big header"):
		return fmt.Sprintf("%s sent a response header of more than 1 MiB", where)
	case errors.Is(err, syscall.ECONNRESET):
		return fmt.Sprintf("%s reset the connection (RST) after %d bytes of the response header: nginx logs \"recv() failed (104: Connection reset by peer)\" and answers 502", where, r.HeaderBytes)
	case errors.Is(err, io.ErrUnexpectedEOF) && r.HeaderBytes == 0:
		return fmt.Sprintf("%s closed the connection without answering: nginx logs \"upstream prematurely closed connection\"%s", where, d.ClosedHint)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Sprintf("%s closed the connection in the middle of the response header (%d bytes received): nginx logs \"upstream prematurely closed connection\"", where, r.HeaderBytes)
	}
	return fmt.Sprintf("%s: reading the response header failed: %v", where, err)
}

// connect names the errno the way nginx's "connect() failed (111: …)" does.
// EAGAIN first: syscall.EAGAIN reports itself as a timeout.
func (d Dialect) connect(t Target, r Exchange, where string) string {
	err := r.Err
	unix := t.Network == "unix"
	switch {
	case errors.Is(err, syscall.EAGAIN) && unix:
		return fmt.Sprintf("the socket %s refuses new connections (EAGAIN): its accept queue is full, the application does not accept fast enough%s", t.Address, d.QueueHint)
	case errors.Is(err, syscall.ECONNREFUSED) && unix:
		return fmt.Sprintf("connection refused (ECONNREFUSED): the socket %s exists but no process accepts on it", t.Address)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("connection refused (ECONNREFUSED): nothing listens on %s", t.Address)
	case errors.Is(err, syscall.ENOENT):
		return fmt.Sprintf("no socket at %s (ENOENT): the application is not running or listens elsewhere", t.Address)
	case errors.Is(err, syscall.EACCES) || errors.Is(err, os.ErrPermission):
		return fmt.Sprintf("permission denied (EACCES) connecting to %s: check the socket's mode/owner%s and its directories", where, d.ModeHint)
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return fmt.Sprintf("no route to %s: %v", where, err)
	case errors.Is(err, syscall.EAGAIN):
		return fmt.Sprintf("cannot connect to %s (EAGAIN): %v", where, err)
	case IsTimeout(err):
		return fmt.Sprintf("no answer to the connection attempt to %s within %s (host down, a firewall drops packets, or its listen queue is full)", where, round(r.Timeout))
	}
	return fmt.Sprintf("cannot connect to %s: %v", where, err)
}

// timer adds what nginx's own timer would have done with this exchange.
func (d Dialect) timer(t Target, r Exchange) string {
	switch r.Exceeded {
	case TimerConnect:
		return fmt.Sprintf("; the connect took %s, longer than %s_connect_timeout %s: nginx gives up first (\"upstream timed out\", 504)", round(r.Waited), d.Module, round(t.ConnectTimeout))
	case TimerRead:
		return fmt.Sprintf("; the application went silent for %s, longer than %s_read_timeout %s: nginx gives up first (\"upstream timed out\", 504 before the header)", round(r.Waited), d.Module, round(t.ReadTimeout))
	}
	return ""
}

// otherProtocol recognises a peer that speaks another protocol from its first bytes.
func otherProtocol(head []byte) string {
	switch {
	case len(head) > 0 && (head[0] == 0x15 || head[0] == 0x16):
		return " (it answered with a TLS record: a TLS port)"
	case len(head) > 0 && head[0] == 1:
		return " (it answered with a FastCGI record: use fastcgi_pass)"
	case len(head) > 0:
		return fmt.Sprintf(" (it sent %q)", head[:min(len(head), 40)])
	}
	return ""
}

// IsTimeout reports a deadline, from the context or the socket.
func IsTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
}

// round keeps durations readable: 3ms, 1.2s.
func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(100 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(time.Millisecond)
	}
	return d.Round(time.Microsecond)
}
