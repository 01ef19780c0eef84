package steps

import (
	"context"
	"fmt"
	"strings"
	"time"

	"ngx502/probes/httpprobe"
	"ngx502/probes/nginx"
)

// Bounds of the keep-alive measurement: it waits for the backend to close
// an idle connection, at most this long and for at most this many groups.
const (
	maxIdleWait   = 15 * time.Second
	maxIdleGroups = 8
)

// idleTarget is one upstream{} whose connections nginx keeps: the group's
// first server, asked as nginx asks it, and nginx's own idle limit.
type idleTarget struct {
	ep    nginx.Endpoint
	block nginx.UpstreamBlock
	limit limit // the group's keepalive_timeout
}

// idleTargets are the upstream{} blocks with keepalive whose locations
// really reuse connections (HTTP/1.1 and no Connection: close).
func idleTargets(c *Case) []idleTarget {
	if c.Config == nil {
		return nil
	}
	var out []idleTarget
	done := map[string]bool{}
	for _, ep := range c.Endpoints {
		if ep.Group == "" || done[ep.Group] || ep.Backup || (ep.Protocol != "http" && ep.Protocol != "https") || len(out) == maxIdleGroups {
			continue
		}
		u := c.Config.Upstream(ep.Group)
		if u == nil || u.Keepalive == 0 {
			continue
		}
		req := requestOf(c, ep, nil)
		if req.proto != "HTTP/1.1" || hasHeader(req.headers, "Connection") {
			continue // nginx closes every connection: nothing idles
		}
		done[ep.Group] = true
		l := limit{name: "keepalive_timeout", raw: "60s", dur: time.Minute}
		if t, ok := nginxTime(u.KeepaliveTimeout); ok && u.KeepaliveTimeout != "" {
			l.raw, l.dur, l.where = u.KeepaliveTimeout, t, u.KeepaliveTimeoutWhere
		}
		out = append(out, idleTarget{ep: ep, block: *u, limit: l})
	}
	return out
}

func hasHeader(hs []httpprobe.Header, name string) bool {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return true
		}
	}
	return false
}

// measureIdle asks each kept-alive group once and waits to see when the
// backend closes the idle connection. A backend that closes sooner than
// nginx stops reusing it races nginx: a request sent on a connection the
// backend is closing fails ("upstream prematurely closed connection").
func measureIdle(ctx context.Context, c *Case) Outcome {
	var o Outcome
	targets := idleTargets(c)
	res := make([]httpprobe.Idle, len(targets))
	ran := forEach(ctx, len(targets), maxIdleGroups, func(i int) {
		tg := targets[i]
		req := requestOf(c, tg.ep, nil)
		wait := min(maxIdleWait, tg.limit.dur+500*time.Millisecond)
		if dl, ok := ctx.Deadline(); ok {
			wait = min(wait, time.Until(dl)-200*time.Millisecond)
		}
		res[i] = httpprobe.IdleClose(ctx, req.target(tg.ep), max(wait, 0))
	})
	for i, tg := range targets {
		name := "keep-alive idle " + subjectOf(tg.ep) + " (upstream " + tg.block.Name + ")"
		cmd := idleCommand(tg.ep)
		if !ran[i] {
			o.add(notRunCheck(ctx, c, name, cmd))
			continue
		}
		ch, f := idleVerdict(tg, res[i])
		ch.Name, ch.Command = name, cmd
		o.add(ch)
		if f != nil {
			o.Findings = append(o.Findings, *f)
		}
	}
	return o
}

// idleVerdict compares how long the backend keeps an idle connection with
// how long nginx does.
func idleVerdict(tg idleTarget, r httpprobe.Idle) (Check, *Finding) {
	ch := Check{Status: Pass}
	backend := time.Duration(0)
	switch {
	case r.Err != nil && !r.Closed:
		ch.Status, ch.Result = Warn, "could not measure: "+r.Err.Error()
		return ch, nil
	case r.ConnectionClose:
		ch.Result = fmt.Sprintf("the backend answers %d with Connection: close: nginx cannot reuse its connections, so no idle race (keepalive in upstream %s has no effect)", r.Status, tg.block.Name)
		return ch, nil
	case r.Closed:
		backend = r.After
		ch.Result = fmt.Sprintf("the backend closed the idle connection after %s", ms(r.After))
	case r.KeepAliveTimeout > 0:
		backend = r.KeepAliveTimeout
		ch.Result = fmt.Sprintf("still open after %s; the backend announces Keep-Alive: timeout=%s", ms(r.After), humanDuration(r.KeepAliveTimeout))
	default:
		ch.Result = fmt.Sprintf("still open after %s of idling", ms(r.After))
		return ch, nil
	}
	ch.Result += fmt.Sprintf("; nginx keeps idle connections for %s", tg.limit)
	if backend >= tg.limit.dur {
		return ch, nil
	}
	ch.Status = Fail
	at := "inside upstream " + tg.block.Name + " {} at " + where(tg.block.Where)
	if !tg.limit.where.IsZero() {
		at = "at " + where(tg.limit.where)
	}
	return ch, &Finding{Cause: CauseKeepalive, Title: CauseOf(CauseKeepalive).Title, Subject: subjectOf(tg.ep),
		Where: where(tg.block.Where), Kind: Measured,
		Evidence: []string{"network: " + ch.Result},
		Fix: fmt.Sprintf("set keepalive_timeout %s; %s (below the backend's %s), or make the backend keep idle connections longer than %s",
			below(backend), at, ms(backend), tg.limit.raw),
		Explains: []CauseID{CauseClosed, CauseReset}}
}

// below is a keepalive_timeout safely under the backend's idle timeout.
func below(d time.Duration) string {
	switch {
	case d >= 4*time.Second:
		return fmt.Sprintf("%ds", int(d/time.Second)-1)
	case d >= 400*time.Millisecond:
		return fmt.Sprintf("%dms", int(d/2/(100*time.Millisecond))*100) // half, in round 100 ms
	}
	return "100ms"
}

// idleCommand times by hand how long the backend keeps a connection
// after answering: cat returns when the backend closes it.
func idleCommand(ep nginx.Endpoint) string {
	return fmt.Sprintf(`bash -c 'exec 3<>/dev/tcp/%s/%d; printf "GET / HTTP/1.1\r\nHost: %s\r\n\r\n" >&3; time timeout 20 cat <&3 >/dev/null'`,
		ep.Host, ep.Port, proxyHost(ep))
}
