package cgiwire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"syscall"

	"ngx502/probes/explain"
)

// Dialect is what Explain says differently for each protocol. ClosedHint names the
// application server's own setting and is "" or starts with a space.
type Dialect struct {
	Peer        explain.Peer // Module "uwsgi" as in uwsgi_read_timeout, Name "the application", the hints
	Application string       // what answers properly: "a uwsgi application"
	BusyReason  string       // why no header came in time: "all workers busy, or a request longer than that"
	ClosedHint  string       // after "closed the connection without answering"
}

// Explain says in plain words what the exchange with t saw, e.g. "connection refused
// (ECONNREFUSED): nothing listens on 127.0.0.1:3031" or "unix:/run/uwsgi/app.sock
// answered 200 OK in 3ms", and what nginx's timers would have done.
func (d Dialect) Explain(t Target, ex Exchange) string {
	return d.outcome(t, ex, explain.Where(t.Network, t.Address)) + d.timer(t, ex)
}

func (d Dialect) outcome(t Target, r Exchange, where string) string {
	if r.Err == nil {
		return explain.Answered(where, r.Status, r.Timing.Total) + d.Peer.BigHeader(r.HeaderBytes)
	}
	err := r.Err
	var he *HeaderError
	var se *StatusError
	switch {
	case errors.Is(err, context.Canceled):
		return explain.Cancelled(where, r.Phase)
	case r.Phase == PhaseConnect:
		return d.Peer.Connect(t.Network, t.Address, r.Timeout, err)
	case r.Phase == PhaseWrite:
		return explain.NotSent(where, err)
	case errors.As(err, &he):
		return fmt.Sprintf("%s does not answer like %s: nginx logs %s and answers 502%s", where, d.Application, he, otherProtocol(r.Received))
	case errors.As(err, &se):
		return fmt.Sprintf("%s sent a Status header nginx cannot read: %v (502)", where, se)
	case r.Phase == PhaseBody:
		return explain.CutOff(where, r.Status, r.BodyBytes, err)
	case explain.IsTimeout(err):
		return fmt.Sprintf("%s sent no complete response header within %s (%s)", where, explain.Round(r.Timeout), d.BusyReason)
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

// timer adds what nginx's own timer would have done with this exchange.
func (d Dialect) timer(t Target, r Exchange) string {
	switch r.Exceeded {
	case TimerConnect:
		return d.Peer.ConnectTimer(r.Waited, t.ConnectTimeout)
	case TimerRead:
		return d.Peer.ReadTimer(r.Waited, t.ReadTimeout)
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
		return fmt.Sprintf(" (it sent %q)", explain.Printable(head))
	}
	return ""
}
