package steps

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"ngx502/probes/httpprobe"
	"ngx502/probes/logfile"
	"ngx502/probes/nginx"
)

// maxViaNginx bounds the requests sent through nginx itself.
const maxViaNginx = 8

// routeLocations returns the locations whose *_pass leads to ep.
func routeLocations(cfg *nginx.Config, ep nginx.Endpoint) []routed {
	if cfg == nil {
		return nil
	}
	var out []routed
	for _, s := range cfg.Servers {
		for _, l := range s.Locations {
			if l.Pass != nil && routesTo(ep, l.Where) {
				out = append(out, routed{server: s, loc: l})
			}
		}
	}
	return out
}

// routesTo reports whether the location at w is one of ep's routes. An
// endpoint has few routes, so a scan (line first, the cheap compare)
// beats hashing every location of a config with thousands.
func routesTo(ep nginx.Endpoint, w nginx.Where) bool {
	for _, r := range ep.Routes {
		if r.Where.Line == w.Line && r.Where.File == w.File {
			return true
		}
	}
	return false
}

type routed struct {
	server nginx.Server
	loc    nginx.Location
}

// parseSize reads nginx sizes: "4096", "4k", "8K", "1m".
func parseSize(s string) (int, error) {
	if s == "" {
		return 0, fmt.Errorf("empty size")
	}
	orig, mult := s, 1
	switch strings.ToLower(s[len(s)-1:]) {
	case "k":
		mult, s = 1<<10, s[:len(s)-1]
	case "m":
		mult, s = 1<<20, s[:len(s)-1]
	case "g":
		mult, s = 1<<30, s[:len(s)-1]
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("size %q: %w", orig, err)
	}
	return n * mult, nil
}

// viaTarget is one request to send through nginx: a location and the
// address, scheme and path that reach it.
type viaTarget struct {
	r                  routed
	addr, scheme, path string
	subject            string
}

// viaAnswer is what nginx answered for one location; silent means nginx
// did not accept the request at all (as opposed to slow or 502).
type viaAnswer struct {
	Check
	silent  bool
	subject string // the backend of the route, as subjectOf names it
}

// viaTargets picks at most maxViaNginx distinct locations that use eps,
// in eps's order.
func viaTargets(cfg *nginx.Config, eps []nginx.Endpoint) []viaTarget {
	var out []viaTarget
	seen := map[string]bool{}
	for _, ep := range eps {
		for _, r := range routeLocations(cfg, ep) {
			if len(out) == maxViaNginx {
				return out
			}
			addr, scheme, ok := listenTarget(r.server)
			path, pok := locationPath(r.loc.Match)
			if !ok || !pok || seen[addr+path] {
				continue
			}
			seen[addr+path] = true
			out = append(out, viaTarget{r: r, addr: addr, scheme: scheme, path: path, subject: subjectOf(ep)})
		}
	}
	return out
}

// throughNginx requests each location that uses the endpoints from nginx
// itself, which is the only way to see the 502 the user sees; the
// requests run concurrently and come back in viaTargets's order.
func throughNginx(ctx context.Context, c *Case, eps []nginx.Endpoint) []viaAnswer {
	ts := viaTargets(c.Config, eps)
	out := make([]viaAnswer, len(ts))
	ran := forEach(ctx, len(ts), viaLimit, func(i int) { out[i] = viaNginx(ctx, c, ts[i]) })
	for i, ok := range ran {
		if !ok {
			t := ts[i].target(c.RunID)
			out[i] = viaAnswer{Check: notRunCheck(ctx, c, "via nginx "+t.Host+ts[i].path, httpprobe.Command(t, c.Opts.Timeout))}
		}
	}
	return out
}

// target is the request that reaches v through nginx.
// It carries the run's marker in its query and User-Agent, so that neither
// log reader counts ngx502's own requests (this run's or an earlier one's).
func (v viaTarget) target(runID string) httpprobe.Target {
	return httpprobe.Target{Network: "tcp", Address: v.addr, Scheme: v.scheme,
		Host: serverName(v.r.server), Path: v.path + "?" + logfile.ProbeMarker + runID, Insecure: true,
		UserAgent: logfile.ProbeUserAgent + runID}
}

func viaNginx(ctx context.Context, c *Case, v viaTarget) viaAnswer {
	if v.scheme == "h2c" {
		return viaNginxH2C(ctx, c, v)
	}
	t := v.target(c.RunID)
	res := httpprobe.Probe(ctx, t, c.Opts.Timeout)
	ch := Check{Name: "via nginx " + t.Host + v.path, Command: res.Command, Status: Pass}
	if interrupted(ctx, res.Err != nil) {
		return viaAnswer{Check: notRunCheck(ctx, c, ch.Name, ch.Command)}
	}
	switch {
	case res.Err != nil && res.Phase == httpprobe.PhaseHeader && isTimeout(res.Err):
		// nginx took the request and is still waiting for its upstream
		// (proxy_read_timeout is 60s by default): up, but no answer.
		ch.Status = Warn
		ch.Result = fmt.Sprintf("nginx accepted the request but sent no answer within %s: it is still waiting for the upstream", humanDuration(res.Timeout))
	case res.Err != nil:
		ch.Status, ch.Result = Warn, "nginx itself does not answer: "+httpprobe.Explain(res)
		return viaAnswer{Check: ch, silent: true}
	case res.Status == 502 || res.Status == 504:
		ch.Status, ch.Result = Fail, fmt.Sprintf("nginx answers %d for %s (server %s)", res.Status, v.path, t.Host)
	default:
		ch.Result = fmt.Sprintf("nginx answers %d in %s", res.Status, ms(res.Timing.Total))
	}
	return viaAnswer{Check: ch, subject: v.subject}
}

// isTimeout reports whether err is a deadline, the probe's own.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// listenTarget turns a server's first listen into an address this box can
// reach: wildcard addresses become loopback.
func listenTarget(s nginx.Server) (addr, scheme string, ok bool) {
	if len(s.Listen) == 0 {
		return "127.0.0.1:80", "http", true
	}
	f := strings.Fields(s.Listen[0])
	scheme = "http"
	h2 := false
	for _, p := range f[1:] {
		switch p {
		case "ssl":
			scheme = "https"
		case "http2":
			h2 = true
		}
	}
	if h2 && scheme == "http" {
		scheme = "h2c" // nginx < 1.25: such a port speaks HTTP/2 only, with prior knowledge
	}
	a := f[0]
	if strings.HasPrefix(a, "unix:") {
		return "", "", false
	}
	if _, err := strconv.Atoi(a); err == nil {
		return "127.0.0.1:" + a, scheme, true
	}
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		return net.JoinHostPort(a, "80"), scheme, true // "listen 127.0.0.1;"
	}
	switch host {
	case "", "*", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return net.JoinHostPort(host, port), scheme, true
}

// locationPath is a URI that this location matches, when one is plain.
func locationPath(match string) (string, bool) {
	f := strings.Fields(match)
	switch {
	case len(f) == 1 && strings.HasPrefix(f[0], "/"):
		return f[0], true
	case len(f) == 2 && (f[0] == "=" || f[0] == "^~"):
		return f[1], true
	}
	return "", false
}

// locationsOf names the locations that use ep, for a fix to point at.
func locationsOf(c *Case, ep nginx.Endpoint) string {
	var names []string
	for _, r := range routeLocations(c.Config, ep) {
		names = append(names, fmt.Sprintf("location %s (%s)", r.loc.Match, where(r.loc.Where)))
	}
	if len(names) == 0 {
		return "the location that proxies to " + subjectOf(ep)
	}
	return strings.Join(names, ", ")
}
