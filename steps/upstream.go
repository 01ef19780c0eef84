package steps

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"sync"
	"syscall"

	"ngx502/probes/errlog"
	"ngx502/probes/httpprobe"
	"ngx502/probes/nginx"
)

// runUpstream asks every upstream directly, the way nginx would, and at
// the same time asks nginx itself for the locations that use them.
func runUpstream(ctx context.Context, c *Case, prior []Outcome) Outcome {
	o := Outcome{Status: Pass}
	if c.Config == nil {
		o.Status, o.Summary = Skipped, "the config could not be read, so its upstreams are unknown (see step 3)"
		return o
	}
	if len(c.Endpoints) == 0 {
		o.Status = Skipped
		o.Summary = "the config names no upstream (no proxy_pass/fastcgi_pass/… found)"
		return o
	}
	eps := failingFirst(c.Endpoints, prior)
	var via []viaAnswer
	var wg sync.WaitGroup
	wg.Go(func() { via = throughNginx(ctx, c, eps) })
	probes := probeAll(ctx, c, eps, seenIn(prior))
	wg.Wait()
	failed, skipped := 0, 0
	var first *Finding
	for i, p := range probes {
		o.add(withMember(p.check, eps[i]))
		switch {
		case p.check.Status == Skipped:
			skipped++
		case p.finding != nil:
			o.Findings = append(o.Findings, *p.finding)
			failed++
			if first == nil {
				first = p.finding
			}
		case p.check.Status == Pass:
			o.Answering = append(o.Answering, subjectOf(eps[i]))
		}
		if eps[i].Backup {
			o.Backups = append(o.Backups, subjectOf(eps[i]))
		}
	}
	for _, v := range via {
		o.add(v.Check)
	}
	for _, ch := range downServers(c.Config) {
		o.add(ch)
	}
	total := thousands(len(eps))
	o.Summary = fmt.Sprintf("%s of %s upstreams answer", thousands(len(eps)-failed-skipped), total)
	if failed > 0 {
		o.Summary = fmt.Sprintf("%s of %s upstreams fail: %s %s", thousands(failed), total, first.Cause, first.Subject)
	}
	if skipped > 0 {
		o.Unfinished = notProbedText(ctx, skipped, len(eps), "upstreams not probed")
		o.Summary += fmt.Sprintf("; %s not probed (%s)", thousands(skipped), stopReason(ctx))
	}
	viaNginxFindings(c, &o, via, failed)
	return o
}

// probed is what one direct probe of an upstream gave.
type probed struct {
	check   Check
	finding *Finding
}

// probeAll probes eps concurrently, results in eps's order; what the step
// had no time for (or was cancelled before) is a skipped check.
func probeAll(ctx context.Context, c *Case, eps []nginx.Endpoint, seen map[string]string) []probed {
	out := make([]probed, len(eps))
	ran := forEach(ctx, len(eps), connectLimit, func(i int) {
		ch, f := probeEndpoint(ctx, c, eps[i], seen)
		out[i] = probed{ch, f}
	})
	for i, ok := range ran {
		if !ok {
			out[i] = probed{check: notRunCheck(ctx, c, probeName(eps[i]), probeCommand(c, eps[i]))}
		}
	}
	return out
}

// viaNginxFindings reads what nginx itself answered against what the
// upstreams answered directly: silence means nginx is down; 502s while
// every upstream answers mean nginx runs another config — unless its
// workers cannot reach a socket that this probe (often root) can.
func viaNginxFindings(c *Case, o *Outcome, via []viaAnswer, failed int) {
	bad, silent := 0, 0
	for _, v := range via {
		switch {
		case v.Status == Fail:
			bad++
		case v.silent:
			silent++
		}
	}
	if c.Install.Master == nil && len(via) > 0 && silent == len(via) {
		o.Findings = append(o.Findings,
			Finding{Cause: CauseNginxDown, Title: CauseOf(CauseNginxDown).Title, Kind: Measured, Evidence: []string{"no nginx master process found"}},
			Finding{Cause: CauseNginxDown, Title: CauseOf(CauseNginxDown).Title, Kind: Reproduced, Evidence: []string{"probe: nginx does not answer on any of its listen addresses"}})
	}
	if bad == 0 {
		return
	}
	gap := fmt.Sprintf("nginx answers 502/504 on %d of %d locations", bad, len(via))
	// Each failing route is reproduced evidence for whatever nginx logged
	// about its backend; that a reload would cure it needs proof (step 3).
	onDisk := routesOnDisk(c, loadedAt(c))
	for _, v := range via {
		if v.Status == Fail {
			subject := v.subject
			if !onDisk {
				subject = "" // nginx runs other files: the route's backend is unknown
			}
			o.Findings = append(o.Findings, Finding{Cause: CauseNginx5xx, Title: CauseOf(CauseNginx5xx).Title,
				Subject: subject, Kind: Reproduced, Evidence: []string{"probe: " + v.Result}})
		}
	}
	switch {
	case failed > 0:
		o.Summary += "; " + gap
	case workerBlocked(c) != "":
		o.Summary += ", yet " + gap + ": " + workerBlocked(c)
	default:
		o.Summary += ", yet " + gap
	}
}

// failingFirst orders endpoints so the ones the log blames are probed first.
func failingFirst(eps []nginx.Endpoint, prior []Outcome) []nginx.Endpoint {
	blamed := map[string]bool{}
	for _, p := range prior {
		for _, f := range p.Findings {
			blamed[f.Subject] = true
		}
	}
	out := append([]nginx.Endpoint(nil), eps...)
	sort.SliceStable(out, func(i, j int) bool { return blamed[subjectOf(out[i])] && !blamed[subjectOf(out[j])] })
	return out
}

// subjectOf names an endpoint the way nginx's error log names the peer.
func subjectOf(ep nginx.Endpoint) string {
	if ep.Network == "unix" {
		return "unix:" + ep.Address
	}
	return ep.Address
}

func probeEndpoint(ctx context.Context, c *Case, ep nginx.Endpoint, seen map[string]string) (Check, *Finding) {
	switch ep.Protocol {
	case "http", "https":
		return probeHTTP(ctx, c, ep, seen)
	case "fastcgi":
		return probeFastCGI(ctx, c, ep, seen)
	}
	return probeApp(ctx, c, ep, seen)
}

// probeName names the check of one endpoint's direct probe.
func probeName(ep nginx.Endpoint) string {
	switch ep.Protocol {
	case "http", "https":
		return "GET " + ep.Protocol + "://" + subjectOf(ep) + "/"
	case "fastcgi":
		return "FastCGI " + subjectOf(ep)
	}
	return ep.Protocol + " " + subjectOf(ep)
}

// probeCommand is what a person would type to probe ep by hand.
func probeCommand(c *Case, ep nginx.Endpoint) string {
	switch ep.Protocol {
	case "http", "https":
		r := requestOf(c, ep, nil)
		return httpprobe.Command(r.target(ep), r.timeout)
	case "fastcgi":
		return fastcgiCommand(ep)
	}
	return connectCommand(ep)
}

// probeFinding maps where and how the request failed to a cause.
func probeFinding(ep nginx.Endpoint, r httpprobe.Result, evidence string) *Finding {
	if r.Phase == "connect" || r.Phase == "dns" {
		if f := errnoFinding(ep, r.Err, "probe: "+evidence); f != nil {
			return f
		}
	}
	cause := CauseInvalid
	var ne net.Error
	switch {
	case r.Phase == "dns":
		cause = CauseResolver
	case r.Phase == "tls":
		cause = CauseTLS
	case errors.Is(r.Err, context.DeadlineExceeded) || errors.As(r.Err, &ne) && ne.Timeout():
		cause = CauseTimeout
	case errors.Is(r.Err, syscall.ECONNRESET):
		cause = CauseReset
	case errors.Is(r.Err, io.EOF) || errors.Is(r.Err, io.ErrUnexpectedEOF):
		cause = CauseClosed
	}
	return &Finding{Cause: cause, Title: CauseOf(cause).Title, Subject: subjectOf(ep), Where: where(ep.Where),
		Kind: Reproduced, Evidence: []string{"probe: " + evidence}}
}

// errnoFinding classifies a failed connect by its errno, as nginx logs it.
func errnoFinding(ep nginx.Endpoint, err error, evidence string) *Finding {
	cause := CauseID("")
	var errno syscall.Errno
	switch {
	case errors.As(err, &errno):
		// The same table the error log is read with: a probe's errno and
		// nginx's logged errno name the same cause.
		if k := errlog.ConnectKind(int(errno), ep.Network == "unix"); k != errlog.KindOther {
			cause = CauseID(k)
		}
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		cause = CauseTimeout
	}
	if cause == "" {
		return nil
	}
	return &Finding{Cause: cause, Title: CauseOf(cause).Title, Subject: subjectOf(ep), Where: where(ep.Where),
		Kind: Reproduced, Evidence: []string{evidence}}
}

func connectCommand(ep nginx.Endpoint) string {
	if ep.Network == "unix" {
		return "sudo -u www-data socat -u OPEN:/dev/null UNIX-CONNECT:" + shellQuote(ep.Address)
	}
	return "nc -zv -w 5 " + shellQuote(ep.Host) + " " + fmt.Sprint(ep.Port)
}

func fastcgiCommand(ep nginx.Endpoint) string {
	return "SCRIPT_FILENAME=/nonexistent.php REQUEST_METHOD=GET cgi-fcgi -bind -connect " + shellQuote(ep.Address)
}

func roundK(n int) int {
	k := (n + 1023) / 1024
	p := 4
	for p < k+4 {
		p *= 2
	}
	return p
}

// workerBlocked says which unix socket nginx's worker user cannot reach,
// though this probe (often root) can; "" when none.
func workerBlocked(c *Case) string {
	worker := workerUser(c)
	for _, ep := range c.Endpoints {
		if ep.Network != "unix" {
			continue
		}
		if why := cannotReach(ep.Address, worker); why != "" {
			return "worker user " + worker + " " + why
		}
	}
	return ""
}
