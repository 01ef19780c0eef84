package steps

import (
	"fmt"
	"strings"
	"time"

	"context"

	"ngx502/probes/httpprobe"
	"ngx502/probes/nginx"
)

// probeHTTP sends ep nginx's own request for its first location and
// judges the answer by nginx's limits for that location: its connect and
// read timeouts and the buffer the response header must fit in.
func probeHTTP(ctx context.Context, c *Case, ep nginx.Endpoint, seen map[string]string) (ch Check, f *Finding) {
	req := requestOf(c, ep, seen)
	r := httpprobe.Probe(ctx, req.target(ep), req.timeout)
	if interrupted(ctx, r.Err != nil) {
		return notRunCheck(ctx, c, probeName(ep), r.Command), nil
	}
	t := r.Timing
	timing := fmt.Sprintf("dns %s · connect %s · tls %s · first byte %s", ms(t.DNS), ms(t.Connect), ms(t.TLS), ms(t.FirstByte))
	ch = Check{Name: probeName(ep), Command: r.Command, Status: Pass}
	// Named results: the note is added to whatever check is returned.
	defer func() { ch.Result = joinNonEmpty(" · ", ch.Result, req.note()) }()
	if r.Exceeded != "" {
		ch.Status = Fail
		ch.Result = slowText(req, r) + " · " + timing
		return ch, slowFinding(c, ep, req, r, ch.Result)
	}
	if r.Err != nil {
		ch.Status = Fail
		ch.Result = fmt.Sprintf("%s failed: %s", r.Phase, httpprobe.Explain(r))
		if t.Connect > 0 {
			ch.Result += " · " + timing
		}
		f := probeFinding(ep, r, ch.Result)
		if f.Cause == CauseTimeout {
			f.Fix = fmt.Sprintf("no answer within --timeout %s, while nginx waits up to %s: find out why %s is slow, or run again with a longer --timeout to measure how long it needs",
				humanDuration(req.timeout), req.limitFor(r.Phase), subjectOf(ep))
		}
		return ch, f
	}
	if f := headerFinding(c, ep, r, timing); f != nil {
		ch.Status, ch.Result = Fail, strings.TrimPrefix(f.Evidence[0], "probe: ")
		return ch, f
	}
	if r.Status >= 500 {
		ch.Status = Warn
		ch.Result = fmt.Sprintf("%d from the backend itself · %s", r.Status, timing)
		return ch, &Finding{Cause: CauseUpstreamStatus, Title: CauseOf(CauseUpstreamStatus).Title, Subject: subjectOf(ep),
			Where: where(ep.Where), Kind: Reproduced, Evidence: []string{"probe: backend answers " + fmt.Sprint(r.Status)}}
	}
	ch.Result = fmt.Sprintf("%d in %s · %s", r.Status, ms(t.Total), timing)
	return ch, nil
}

// note says where the request's path came from when it is not the
// location's own, and which headers could not be reproduced.
func (r nginxReq) note() string {
	var parts []string
	switch r.pathFrom {
	case "error log":
		parts = append(parts, "path "+r.path+" from the error log")
	case "guess":
		parts = append(parts, "path "+r.path+" is a guess (regex or named location, none logged)")
	}
	if len(r.unknown) > 0 {
		parts = append(parts, "not sent (value known only per request): "+strings.Join(r.unknown, ", "))
	}
	return strings.Join(parts, "; ")
}

// limitFor is the nginx timer of a phase: connect_timeout while
// connecting, read_timeout after the request is sent.
func (r nginxReq) limitFor(phase string) limit {
	if phase == httpprobe.PhaseConnect || phase == "connect" {
		return r.connect
	}
	return r.read
}

// slowText says which nginx timer the backend broke and by how much:
// "first byte after 2.5s > proxy_read_timeout 1s at site.conf:14; it
// answered 200 after 2.5s".
func slowText(req nginxReq, r httpprobe.Result) string {
	lim := req.limitFor(r.Exceeded)
	what := "no first byte"
	switch {
	case r.Exceeded == "connect":
		what = "connect took"
	case r.Timing.FirstByte > 0 && r.Waited > r.Timing.FirstByte:
		what = "a pause in the answer of"
	case r.Timing.FirstByte > 0 || r.Err == nil:
		what = "first byte after"
	}
	s := fmt.Sprintf("%s %s > %s", what, ms(r.Waited), lim)
	if what == "no first byte" {
		s = fmt.Sprintf("no first byte within %s > %s", ms(r.Waited), lim)
	}
	switch {
	case r.Err == nil:
		s += fmt.Sprintf("; the backend answered %d after %s, nginx would have given up (504)", r.Status, ms(r.Timing.Total))
	case r.Status > 0:
		s += fmt.Sprintf("; answered %d, then %s failed", r.Status, r.Phase)
	default:
		s += fmt.Sprintf("; still no answer when the probe stopped (--timeout %s)", humanDuration(req.timeout))
	}
	return s
}

// slowFinding is upstream-timeout with a fix that says how much time the
// backend needed, measured past nginx's limit.
func slowFinding(c *Case, ep nginx.Endpoint, req nginxReq, r httpprobe.Result, result string) *Finding {
	lim := req.limitFor(r.Exceeded)
	at := "in " + locationsOf(c, ep)
	if !lim.where.IsZero() {
		at = "at " + where(lim.where)
	}
	fix := fmt.Sprintf("make %s answer within %s (find what makes it slow: busy workers, a blocked database)", subjectOf(ep), lim.raw)
	if r.Err == nil || r.Status > 0 {
		fix += fmt.Sprintf(", or raise %s to at least %s %s", lim.name, roundUp(r.Waited), at)
	} else {
		fix += fmt.Sprintf("; it needed more than --timeout %s, so raising %s would only make clients wait longer", humanDuration(req.timeout), lim)
	}
	w := where(ep.Where)
	if !lim.where.IsZero() {
		w = where(lim.where)
	}
	return &Finding{Cause: CauseTimeout, Title: CauseOf(CauseTimeout).Title, Subject: subjectOf(ep), Where: w,
		Kind: Reproduced, Evidence: []string{"probe: " + result}, Fix: fix}
}

// roundUp is a duration rounded up to what an admin writes: 3s, 500ms.
func roundUp(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%dms", (d+99*time.Millisecond)/(100*time.Millisecond)*100)
	}
	return fmt.Sprintf("%ds", int((d+time.Second-1)/time.Second))
}

// headerFinding compares the answer's header with the buffer of every
// location that uses ep: one location may hold it and another not.
func headerFinding(c *Case, ep nginx.Endpoint, r httpprobe.Result, timing string) *Finding {
	var over, fit []string
	var first limit
	for _, rt := range routeLocations(c.Config, ep) {
		b := bufferLimit(rt.loc.Settings, ep.Protocol)
		name := fmt.Sprintf("location %s (%s)", rt.loc.Match, where(rt.loc.Where))
		if r.HeaderBytes > b.size {
			if len(over) == 0 {
				first = b
			}
			over = append(over, name+" with "+b.String())
		} else {
			fit = append(fit, name)
		}
	}
	if len(over) == 0 {
		return nil
	}
	result := fmt.Sprintf("%d, but the header is %s — more than %s · %s", r.Status, humanBytes(int64(r.HeaderBytes)), first, timing)
	ev := []string{"probe: " + result, "overflows in " + strings.Join(over, "; ")}
	if len(fit) > 0 {
		ev = append(ev, "fits in "+strings.Join(fit, "; "))
	}
	k := roundK(r.HeaderBytes)
	return &Finding{Cause: CauseHeaderTooBig, Title: CauseOf(CauseHeaderTooBig).Title, Subject: subjectOf(ep),
		Where: where(ep.Where), Kind: Reproduced, Evidence: ev,
		Fix: fmt.Sprintf("set %sbuffer_size %dk; %sbuffers 8 %dk; %sbusy_buffers_size %dk; in %s, or make the backend send smaller headers",
			modulePrefix(ep.Protocol), k, modulePrefix(ep.Protocol), k, modulePrefix(ep.Protocol), 2*k, strings.Join(over, "; "))}
}
