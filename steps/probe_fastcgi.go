package steps

import (
	"context"
	"fmt"

	"ngx502/probes/fastcgi"
	"ngx502/probes/nginx"
)

// probeFastCGI sends ep the FastCGI request nginx sends for its first
// location (its fastcgi_param lines) and judges the first byte against the
// location's fastcgi_read_timeout.
func probeFastCGI(ctx context.Context, c *Case, ep nginx.Endpoint, seen map[string]string) (ch Check, f *Finding) {
	fr := fastcgiRequestOf(c, ep, seen)
	r := fastcgi.Probe(ctx, fr.req, probeTimeout(c))
	if interrupted(ctx, r.Err != nil) {
		return notRunCheck(ctx, c, probeName(ep), r.Command), nil
	}
	ch = Check{Name: probeName(ep), Command: r.Command, Status: Pass}
	// Named results: the note is added to whatever check is returned.
	defer func() { ch.Result = joinNonEmpty(" · ", ch.Result, fr.note()) }()
	if r.Timing.FirstByte > fr.read.dur || r.Err != nil && isTimeout(r.Err) && probeTimeout(c) > fr.read.dur {
		ch.Status = Fail
		ch.Result = fmt.Sprintf("first byte after %s > %s", ms(r.Timing.FirstByte), fr.read)
		if r.Err != nil {
			ch.Result = fmt.Sprintf("no first byte within %s > %s", ms(r.Timing.Total), fr.read)
		}
		return ch, &Finding{Cause: CauseTimeout, Title: CauseOf(CauseTimeout).Title, Subject: subjectOf(ep),
			Where: where(ep.Where), Kind: Reproduced, Evidence: []string{"probe: " + ch.Result},
			Fix: fmt.Sprintf("find what keeps %s's workers busy (slow script, blocked database), or raise %s", subjectOf(ep), fr.read.name)}
	}
	if r.Err != nil {
		ch.Status = Fail
		ch.Result = fmt.Sprintf("%s failed: %s", r.Phase, fastcgi.Explain(r))
		if f := errnoFinding(ep, r.Err, "probe: "+ch.Result); f != nil {
			return ch, f
		}
		return ch, &Finding{Cause: CauseFastCGI, Title: CauseOf(CauseFastCGI).Title, Subject: subjectOf(ep),
			Where: where(ep.Where), Kind: Reproduced, Evidence: []string{"probe: " + ch.Result}}
	}
	ch.Result = fmt.Sprintf("FastCGI answers: status %d in %s (connect %s · first byte %s)", r.Status, ms(r.Timing.Total), ms(r.Timing.Connect), ms(r.Timing.FirstByte))
	if r.Stderr != "" {
		ch.Result += " · stderr: " + truncate(r.Stderr, 60)
	}
	return ch, nil
}
