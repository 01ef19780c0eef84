package uwsgi

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

// defaultBufferSize is nginx's uwsgi_buffer_size on x86 (one page): a larger response
// header makes nginx log "upstream sent too big header".
const defaultBufferSize = 4 << 10

// Explain says in plain words what the probe saw, e.g. "connection refused: nothing
// listens on 127.0.0.1:3031" or "unix:/run/uwsgi/app.sock answered 200 OK in 3ms".
func Explain(r Result) string {
	where := r.Request.Address
	if r.Request.Network == "unix" {
		where = "unix:" + where
	}
	return explainOutcome(r, where) + explainTimer(r)
}

func explainOutcome(r Result, where string) string {
	if r.Err == nil {
		s := fmt.Sprintf("%s answered %d %s in %s", where, r.Status, http.StatusText(r.Status), round(r.Timing.Total))
		if r.HeaderBytes > defaultBufferSize {
			s += fmt.Sprintf("; its response header is %d bytes, more than nginx's default uwsgi_buffer_size of 4 KiB (\"upstream sent too big header\")", r.HeaderBytes)
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
		return explainConnect(r, where)
	case r.Phase == PhaseWrite && strings.HasPrefix(err.Error(), "uwsgi request is too big"):
		return fmt.Sprintf("the request does not fit in one uwsgi packet (%v): nginx refuses it with a 500", err)
	case r.Phase == PhaseWrite:
		return fmt.Sprintf("%s accepted the connection but the request could not be sent: %v", where, err)
	case errors.As(err, &he):
		return fmt.Sprintf("%s does not answer like a uwsgi application: nginx logs %s and answers 502%s", where, he, notUWSGI(r.Received))
	case errors.As(err, &se):
		return fmt.Sprintf("%s sent a Status header nginx cannot read: %v (502)", where, se)
	case r.Phase == PhaseBody:
		return fmt.Sprintf("%s answered %d but the body was cut off after %d bytes: %v", where, r.Status, r.BodyBytes, err)
	case isTimeout(err):
		return fmt.Sprintf("%s sent no complete response header within %s (all uWSGI workers busy, or a harakiri-length request)", where, round(r.Timeout))
	case strings.Contains(err.Error(), "too big header"):
		return fmt.Sprintf("%s sent a response header of more than 1 MiB", where)
	case errors.Is(err, syscall.ECONNRESET):
		return fmt.Sprintf("%s reset the connection (RST) after %d bytes of the response header: nginx logs \"recv() failed (104: Connection reset by peer)\" and answers 502", where, r.HeaderBytes)
	case errors.Is(err, io.ErrUnexpectedEOF) && r.HeaderBytes == 0:
		return fmt.Sprintf("%s closed the connection without answering: nginx logs \"upstream prematurely closed connection\" (uWSGI does this when the request is larger than its buffer-size: \"invalid request block size\" in its log)", where)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Sprintf("%s closed the connection in the middle of the response header (%d bytes received): nginx logs \"upstream prematurely closed connection\"", where, r.HeaderBytes)
	}
	return fmt.Sprintf("%s: reading the response header failed: %v", where, err)
}

// explainConnect names the errno the way nginx's "connect() failed (111: …)" does.
// EAGAIN first: syscall.EAGAIN reports itself as a timeout.
func explainConnect(r Result, where string) string {
	err := r.Err
	unix := r.Request.Network == "unix"
	switch {
	case errors.Is(err, syscall.EAGAIN) && unix:
		return fmt.Sprintf("the socket %s refuses new connections (EAGAIN): its accept queue is full, the application does not accept fast enough (uWSGI listen queue)", r.Request.Address)
	case errors.Is(err, syscall.ECONNREFUSED) && unix:
		return fmt.Sprintf("connection refused (ECONNREFUSED): the socket %s exists but no process accepts on it", r.Request.Address)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("connection refused (ECONNREFUSED): nothing listens on %s", r.Request.Address)
	case errors.Is(err, syscall.ENOENT):
		return fmt.Sprintf("no socket at %s (ENOENT): the application is not running or listens elsewhere", r.Request.Address)
	case errors.Is(err, syscall.EACCES) || errors.Is(err, os.ErrPermission):
		return fmt.Sprintf("permission denied (EACCES) connecting to %s: check the socket's mode/owner (uWSGI chmod-socket) and its directories", where)
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return fmt.Sprintf("no route to %s: %v", where, err)
	case errors.Is(err, syscall.EAGAIN):
		return fmt.Sprintf("cannot connect to %s (EAGAIN): %v", where, err)
	case isTimeout(err):
		return fmt.Sprintf("no answer to the connection attempt to %s within %s (host down, a firewall drops packets, or its listen queue is full)", where, round(r.Timeout))
	}
	return fmt.Sprintf("cannot connect to %s: %v", where, err)
}

// explainTimer adds what nginx's own timer would have done with this exchange.
func explainTimer(r Result) string {
	switch r.Exceeded {
	case TimerConnect:
		return fmt.Sprintf("; the connect took %s, longer than uwsgi_connect_timeout %s: nginx gives up first (\"upstream timed out\", 504)", round(r.Waited), round(r.Request.ConnectTimeout))
	case TimerRead:
		return fmt.Sprintf("; the application went silent for %s, longer than uwsgi_read_timeout %s: nginx gives up first (\"upstream timed out\", 504 before the header)", round(r.Waited), round(r.Request.ReadTimeout))
	}
	return ""
}

// notUWSGI recognises a peer that speaks another protocol from its first bytes.
func notUWSGI(head []byte) string {
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

// isTimeout reports a deadline, from the context or the socket.
func isTimeout(err error) bool {
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
