package steps

import (
	"context"
	"errors"
	"fmt"
	"io"
	"syscall"
	"time"

	"ngx502/probes/grpcprobe"
	"ngx502/probes/nginx"
	"ngx502/probes/scgi"
	"ngx502/probes/uwsgi"
)

// appAnswer is what a uwsgi, SCGI or gRPC probe saw, in one shape so one
// judge reads all three the way nginx would.
type appAnswer struct {
	status    int
	phase     string
	err       error
	exceeded  string // "connect" or "read": the nginx timer the backend broke
	waited    time.Duration
	timing    string
	explain   string
	command   string
	grpcState string // gRPC health: SERVING, NOT_SERVING, …; "UNIMPLEMENTED" without the health service
}

// appLimits are nginx's timers for the module that talks to ep.
type appLimits struct{ connect, read limit }

// probeApp asks a uwsgi, SCGI or gRPC upstream what nginx would ask it
// for its first location, with the location's *_param lines and timeouts.
func probeApp(ctx context.Context, c *Case, ep nginx.Endpoint, seen map[string]string) (Check, *Finding) {
	path, s, host := "/", nginx.Settings{}, proxyHost(ep)
	if route, ok := firstRoute(c, ep); ok {
		s = route.loc.Settings
		if p, ok := locationPath(route.loc.Match); ok {
			path = p
		}
		if name := serverName(route.server); ep.Protocol != "grpc" && ep.Protocol != "grpcs" {
			host = name // uwsgi_params/scgi_params send HTTP_HOST $host
		}
	}
	if uri, ok := seen[subjectOf(ep)]; ok {
		path = uri
	}
	lim := appLimits{timeLimit(s, ep.Protocol, "connect_timeout"), timeLimit(s, ep.Protocol, "read_timeout")}
	a := askApp(ctx, c, ep, s, path, host, lim)
	if interrupted(ctx, a.err != nil) {
		return notRunCheck(ctx, c, probeName(ep), a.command), nil
	}
	return judgeApp(ep, a, lim)
}

// askApp runs the protocol's probe.
func askApp(ctx context.Context, c *Case, ep nginx.Endpoint, s nginx.Settings, path, host string, lim appLimits) appAnswer {
	timeout := probeTimeout(c)
	vars := map[string]string{"host": host, "request_uri": path, "uri": path, "document_uri": path, "remote_addr": "127.0.0.1",
		"request_method": "GET", "server_protocol": "HTTP/1.1", "scheme": "http", "request_scheme": "http", "https": ""}
	switch ep.Protocol {
	case "uwsgi", "suwsgi", "scgi":
		// uwsgi and scgi share one request and result (probes/cgiwire).
		probe, explain, params := uwsgi.Probe, uwsgi.Explain, s["uwsgi_param"].All
		if ep.Protocol == "scgi" {
			probe, explain, params = scgi.Probe, scgi.Explain, s["scgi_param"].All
		}
		var ps []uwsgi.Param
		for _, kv := range appParams(params, vars) {
			ps = append(ps, uwsgi.Param{Name: kv[0], Value: kv[1]})
		}
		r := probe(ctx, uwsgi.Request{Network: ep.Network, Address: ep.Address, Path: path, Host: host, Params: ps,
			ConnectTimeout: lim.connect.dur, ReadTimeout: lim.read.dur}, timeout)
		return appAnswer{status: r.Status, phase: r.Phase, err: r.Err, exceeded: r.Exceeded, waited: r.Waited, command: r.Command,
			explain: explain(r), timing: appTiming(r.Timing.Connect, r.Timing.FirstByte)}
	}
	r := grpcprobe.Probe(ctx, grpcprobe.Request{Network: ep.Network, Address: ep.Address, Scheme: ep.Protocol, Host: host,
		ServerName: grpcSNI(s, ep), Insecure: s.Arg("grpc_ssl_verify", "off") != "on",
		ConnectTimeout: lim.connect.dur, ReadTimeout: lim.read.dur}, timeout)
	state := r.Serving
	if r.GRPCStatus == 12 {
		state = "UNIMPLEMENTED"
	}
	return appAnswer{status: r.Status, phase: r.Phase, err: r.Err, exceeded: r.Exceeded, waited: r.Waited, command: r.Command,
		explain: grpcprobe.Explain(r), timing: appTiming(r.Timing.Connect, r.Timing.FirstByte), grpcState: state}
}

// grpcSNI is the server name nginx sends a grpcs:// upstream
// (grpc_ssl_server_name on: grpc_ssl_name, else the host).
func grpcSNI(s nginx.Settings, ep nginx.Endpoint) string {
	if ep.Protocol != "grpcs" || s.Arg("grpc_ssl_server_name", "off") != "on" {
		return ""
	}
	if n := s.Arg("grpc_ssl_name", ""); n != "" {
		return n
	}
	return ep.Host
}

// appParams evaluates a location's uwsgi_param/scgi_param lines for the
// probe's request; a value known only per request is left out.
func appParams(all [][]string, vars map[string]string) [][2]string {
	var out [][2]string
	for _, args := range all {
		if len(args) < 2 {
			continue
		}
		v, ok := expandVars(args[1], vars)
		if !ok || len(args) == 3 && args[2] == "if_not_empty" && v == "" {
			continue
		}
		out = append(out, [2]string{args[0], v})
	}
	return out
}

func appTiming(connect, first time.Duration) string {
	return fmt.Sprintf("connect %s · first byte %s", ms(connect), ms(first))
}

// judgeApp turns an answer into a check and, for a failure nginx would
// answer 502/504 to, a finding with the cause nginx's log would name.
func judgeApp(ep nginx.Endpoint, a appAnswer, lim appLimits) (Check, *Finding) {
	ch := Check{Name: probeName(ep), Command: a.command, Status: Pass}
	finding := func(cause CauseID, fix string) *Finding {
		return &Finding{Cause: cause, Title: CauseOf(cause).Title, Subject: subjectOf(ep), Where: where(ep.Where),
			Kind: Reproduced, Evidence: []string{"probe: " + ch.Result}, Fix: fix}
	}
	if a.exceeded != "" {
		l := lim.read
		if a.exceeded == "connect" {
			l = lim.connect
		}
		ch.Status = Fail
		ch.Result = fmt.Sprintf("waited %s > %s · %s", ms(a.waited), l, a.explain)
		return ch, finding(CauseTimeout, fmt.Sprintf("make %s answer within %s, or raise %s", subjectOf(ep), l.raw, l))
	}
	if a.err != nil {
		ch.Status = Fail
		ch.Result = fmt.Sprintf("%s failed: %s", a.phase, a.explain)
		if a.phase == "connect" {
			if f := errnoFinding(ep, a.err, "probe: "+ch.Result); f != nil {
				return ch, f
			}
		}
		switch {
		case a.phase == "tls":
			return ch, finding(CauseTLS, "")
		case isTimeout(a.err):
			return ch, finding(CauseTimeout, "")
		case errors.Is(a.err, syscall.ECONNRESET):
			return ch, finding(CauseReset, "")
		case errors.Is(a.err, io.ErrUnexpectedEOF), errors.Is(a.err, io.EOF):
			return ch, finding(CauseClosed, "")
		}
		return ch, finding(CauseInvalid, "")
	}
	ch.Result = a.explain + " · " + a.timing
	switch {
	case a.status >= 500:
		ch.Status = Warn
		return ch, finding(CauseUpstreamStatus, "")
	case a.grpcState == "NOT_SERVING" || a.grpcState == "SERVICE_UNKNOWN":
		ch.Status = Warn // an answer nginx passes on: no 502, but worth a look
	}
	return ch, nil
}
