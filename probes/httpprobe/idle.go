package httpprobe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"syscall"
	"time"

	"ngx502/probes/explain"
)

// maxIdleBody bounds the response read before the connection counts as idle.
const maxIdleBody = 1 << 20

// Idle is what one keep-alive connection did once its response was read.
type Idle struct {
	Status           int
	Reusable         bool          // the response left the connection open for another request
	Why              string        // why it cannot be reused, when Reusable is false and Err is nil
	Closed           bool          // the backend closed the idle connection within the wait (FIN or RST)
	Reset            bool          // it closed it with an RST
	After            time.Duration // idle time until the close
	KeepAliveTimeout time.Duration // from "Keep-Alive: timeout=N", 0 if absent
	ConnectionClose  bool          // the backend sent Connection: close
	Err              error
	Phase            string // the phase that failed (Phase* constants, PhaseIdle while waiting)
}

// IdleClose sends t's request on a fresh connection, reads the whole response, then
// waits up to wait for the backend to close the idle connection: how long a backend
// keeps a keep-alive connection is what nginx's upstream keepalive must stay under.
// The caller sets Proto "HTTP/1.1" and the Connection header nginx would send (for
// upstream keepalive, none at all). Everything is bounded by ctx and wait.
func IdleClose(ctx context.Context, t Target, wait time.Duration) Idle {
	t = withDefaults(t)
	var idle Idle
	fail := func(phase string, err error) Idle {
		idle.Phase, idle.Err = phase, contextError(ctx, err)
		return idle
	}
	s, err := open(ctx, t)
	if err != nil {
		return fail(s.phase, err)
	}
	defer s.conn.Close()
	stop := watch(ctx, s.conn)
	defer stop()

	w, err := send(s.conn, RequestHead(t))
	if err != nil {
		return fail(PhaseWrite, err)
	}
	h, n, err := readHeader(w)
	if err != nil {
		return fail(PhaseHeader, headerError(err, n))
	}
	idle.Status, idle.ConnectionClose, idle.KeepAliveTimeout = h.status, h.close, h.keepAlive
	if idle.Why = notReusable(h); idle.Why != "" {
		return idle
	}
	if _, complete, err := readBody(w, h, maxIdleBody); err != nil {
		return fail(PhaseBody, err)
	} else if !complete {
		idle.Why = fmt.Sprintf("the body is longer than %d KiB, more than this probe reads", maxIdleBody>>10)
		return idle
	}
	idle.Reusable = true
	return waitClose(ctx, s, w, wait, idle)
}

// waitClose reads the idle connection until the backend closes it or wait passes.
func waitClose(ctx context.Context, s session, w *wire, wait time.Duration, idle Idle) Idle {
	idleFrom := w.last
	deadline := idleFrom.Add(wait)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = s.conn.SetReadDeadline(deadline)
	if err := ctx.Err(); err != nil {
		// Cancelled before the deadline was set: watch's past deadline was overwritten.
		idle.Phase, idle.Err = PhaseIdle, err
		return idle
	}
	// Bytes on an idle connection are unexpected: skip them, up to a bound.
	for i, extra := 0, 0; i < 4096 && extra <= maxIdleBody; i++ {
		w.consume(len(w.pending()))
		before := w.received
		err := w.fill()
		extra += w.received - before
		switch {
		case err == nil:
			continue
		case errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET):
			idle.Closed, idle.Reset, idle.After = true, errors.Is(err, syscall.ECONNRESET), time.Since(idleFrom)
			return idle
		case ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded):
			idle.Phase, idle.Err = PhaseIdle, contextError(ctx, err)
			return idle
		case explain.IsTimeout(err):
			return idle // still open after the wait
		default:
			idle.Phase, idle.Err = PhaseIdle, err
			return idle
		}
	}
	idle.Phase, idle.Err = PhaseIdle, errors.New("the backend kept sending data on the idle connection")
	return idle
}

// notReusable says why nginx could not keep the connection after this response: it
// keeps one only when the response is HTTP/1.1, not "Connection: close", and framed
// by Content-Length or chunks.
func notReusable(h responseHead) string {
	switch {
	case h.close:
		return "the backend answered with Connection: close"
	case h.proto == HTTP10:
		return "the backend answered in HTTP/1.0, which nginx never keeps alive"
	case !h.hasBodyLen:
		return "the response has neither Content-Length nor chunked encoding: its end is the close"
	}
	return ""
}

// ExplainIdle says in plain words what the idle connection did.
func ExplainIdle(i Idle, wait time.Duration) string {
	switch {
	case i.Err != nil:
		return fmt.Sprintf("keep-alive probe failed during %s: %v", i.Phase, i.Err)
	case !i.Reusable:
		return fmt.Sprintf("answered %d but the connection cannot be reused: %s", i.Status, i.Why)
	case i.Closed && i.Reset:
		return fmt.Sprintf("the backend reset the idle keep-alive connection after %s", explain.Round(i.After))
	case i.Closed:
		return fmt.Sprintf("the backend closed the idle keep-alive connection after %s", explain.Round(i.After))
	case i.KeepAliveTimeout > 0:
		return fmt.Sprintf("the idle connection stayed open for %s (the backend announces Keep-Alive: timeout=%s)", explain.Round(wait), i.KeepAliveTimeout)
	}
	return fmt.Sprintf("the idle connection stayed open for %s", explain.Round(wait))
}
