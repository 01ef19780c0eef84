package steps

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"ngx502/probes/httpprobe"
	"ngx502/probes/logfile"
	"ngx502/probes/nginx"
)

// verifyRounds is how many times each route is asked during a proof: one
// answer can be luck, five spread over the window show a fix that holds.
const verifyRounds = 5

// maxProofLines bounds the failures and events a proof keeps.
const maxProofLines = 5

// Proof is what a fix's verification saw: requests through nginx to the
// routes the fix was for, and what real clients met in both logs
// meanwhile (ngx502's own requests are never counted there).
type Proof struct {
	Window   time.Duration `json:"window_ns"`
	Routes   []string      `json:"routes"`   // "shop.test /api/" as asked through nginx
	Requests int           `json:"requests"` // sent through nginx
	OK       int           `json:"ok"`       // answered, and not 502/503/504
	Statuses map[int]int   `json:"statuses"` // what nginx answered, by status
	Failures []string      `json:"failures,omitempty"`
	// NewErrors counts the upstream errors nginx logged for other clients
	// while the proof ran, Errors keeps the first few; Access5xx counts
	// their 5xx in the access logs.
	NewErrors int     `json:"new_errors"`
	Errors    []Event `json:"errors,omitempty"`
	Access5xx int     `json:"access_5xx"`
	Fixed     bool    `json:"fixed"`
	Summary   string  `json:"summary"`
}

// Verify proves (or disproves) a fix: for window it asks nginx, spread
// over verifyRounds rounds, for every location that leads to subject
// ("" for all), and follows the error and access logs. Fixed means every
// answer came and none was a gateway error, and real clients met no new
// upstream error either. With no route nginx can be asked on, Fixed
// rests on the logs alone and the summary says so.
func Verify(ctx context.Context, c *Case, subject string, window time.Duration) Proof {
	p := Proof{Window: window, Statuses: map[int]int{}}
	parent := ctx
	ctx, stop := context.WithCancel(ctx)
	var mu sync.Mutex
	var wg sync.WaitGroup
	wg.Go(func() {
		_ = Follow(ctx, c, func(ev Event) { // a log that cannot be followed leaves the requests to speak
			if !c.concerns(subject, ev.Subject) {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			p.NewErrors++
			if len(p.Errors) < maxProofLines {
				p.Errors = append(p.Errors, ev)
			}
		})
	})
	wg.Go(func() {
		n := followAccess5xx(ctx, c, subject)
		mu.Lock()
		defer mu.Unlock()
		p.Access5xx = n
	})
	// The followers open their files at the end first: a moment lets them.
	sleepCtx(ctx, 2*logfile.FollowPoll)
	targets := verifyTargets(c, subject)
	for _, t := range targets {
		p.Routes = append(p.Routes, serverName(t.r.server)+" "+t.path)
	}
	gap := window / verifyRounds
	for round := range verifyRounds {
		if round > 0 && !sleepCtx(ctx, gap) {
			break
		}
		answers := make([]httpprobe.Result, len(targets))
		ran := forEach(ctx, len(targets), viaLimit, func(i int) {
			answers[i] = httpprobe.Probe(ctx, targets[i].target(c.RunID), c.Opts.Timeout)
		})
		if ctx.Err() != nil {
			break // cut short: an answer lost to the cancel proves nothing
		}
		for i, res := range answers {
			if ran[i] {
				p.count(targets[i], res)
			}
		}
	}
	if len(targets) == 0 {
		sleepCtx(ctx, window)
	}
	// nginx writes a failure's line when it gives up; one more poll reads it.
	sleepCtx(ctx, 2*logfile.FollowPoll)
	stop()
	wg.Wait()
	if parent.Err() != nil {
		p.Summary = fmt.Sprintf("not proven: interrupted after %d request(s)", p.Requests)
		return p
	}
	p.Fixed = p.OK == p.Requests && p.NewErrors == 0 && p.Access5xx == 0
	p.Summary = p.summary()
	return p
}

// count adds one answer nginx gave.
func (p *Proof) count(t viaTarget, res httpprobe.Result) {
	p.Requests++
	switch {
	case res.Err != nil:
		p.fail(fmt.Sprintf("%s: no answer from nginx: %s", t.path, httpprobe.Explain(res)))
	case res.Status == 502 || res.Status == 503 || res.Status == 504:
		p.Statuses[res.Status]++
		p.fail(fmt.Sprintf("%s: nginx answered %d", t.path, res.Status))
	default:
		p.Statuses[res.Status]++
		p.OK++
	}
}

func (p *Proof) fail(s string) {
	if !slices.Contains(p.Failures, s) && len(p.Failures) < maxProofLines {
		p.Failures = append(p.Failures, s)
	}
}

// summary is the proof in one line: "fixed: 5/5 requests 200, no new
// upstream errors in 5s" or "still failing: …" with the new evidence.
func (p Proof) summary() string {
	var b strings.Builder
	if p.Fixed {
		b.WriteString("fixed: ")
	} else {
		b.WriteString("still failing: ")
	}
	if p.Requests > 0 {
		fmt.Fprintf(&b, "%d/%d requests %s", p.OK, p.Requests, p.statusText())
	} else {
		b.WriteString("no route nginx could be asked on (a regex, named or unix-socket location); judged by the logs only")
	}
	switch {
	case p.NewErrors == 0 && p.Access5xx == 0:
		fmt.Fprintf(&b, ", no new upstream errors in %s", humanDuration(p.Window))
	case p.NewErrors > 0:
		fmt.Fprintf(&b, ", %d new upstream error(s) for other clients; e.g. %s", p.NewErrors, p.Errors[len(p.Errors)-1])
	}
	if p.Access5xx > 0 {
		fmt.Fprintf(&b, ", %d 5xx answers to other clients in the access log", p.Access5xx)
	}
	if len(p.Failures) > 0 && !p.Fixed {
		b.WriteString("; " + p.Failures[0])
	}
	return b.String()
}

// statusText lists the answers by status: "200" when all were 200, else
// "answered: 3×200, 2×502".
func (p Proof) statusText() string {
	codes := make([]int, 0, len(p.Statuses))
	for s := range p.Statuses {
		codes = append(codes, s)
	}
	sort.Ints(codes)
	if len(codes) == 1 && p.OK == p.Requests {
		return fmt.Sprint(codes[0])
	}
	parts := make([]string, 0, len(codes)+1)
	for _, s := range codes {
		parts = append(parts, fmt.Sprintf("%d×%d", p.Statuses[s], s))
	}
	if lost := p.Requests - sumValues(p.Statuses); lost > 0 {
		parts = append(parts, fmt.Sprintf("%d×no answer", lost))
	}
	return "good (answered: " + strings.Join(parts, ", ") + ")"
}

func sumValues(m map[int]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// verifyTargets are the locations nginx is asked on: those leading to
// subject, or every proxying location when subject names none (a fix of
// nginx itself, or a lab the learner repaired).
func verifyTargets(c *Case, subject string) []viaTarget {
	var eps []nginx.Endpoint
	for _, ep := range c.Endpoints {
		if subject == "" || subjectOf(ep) == subject || c.Subjects.canonical(subjectOf(ep)) == subject {
			eps = append(eps, ep)
		}
	}
	if len(eps) == 0 {
		eps = c.Endpoints
	}
	var out []viaTarget
	for _, t := range viaTargets(c.Config, eps) {
		if t.scheme != "h2c" { // a gRPC route proves itself through step 2's probe
			out = append(out, t)
		}
	}
	return out
}

// followAccess5xx counts the 5xx answers real clients get while ctx
// lasts, in every access log nginx writes in a format ngx502 can parse.
func followAccess5xx(ctx context.Context, c *Case, subject string) int {
	logs, _ := accessLogs(c)
	var mu sync.Mutex
	var wg sync.WaitGroup
	n := 0
	for _, l := range logs {
		f, err := accessFormat(c, l)
		if err != nil || logfile.Special(l.path) != nil {
			continue
		}
		wg.Go(func() {
			_ = logfile.Follow(ctx, l.path, 0, func(line []byte) {
				if logfile.Marked(line) {
					return // ngx502's own request
				}
				if r, ok := f.ParseLine(line); ok && r.Status >= 500 && r.Status <= 599 && c.triedAny(subject, r.UpstreamAddr) {
					mu.Lock()
					n++
					mu.Unlock()
				}
			})
		})
	}
	wg.Wait()
	return n
}

// concerns reports whether a failure of got bears on a proof for subject
// ("" bears on all; a failure nginx could not pin on a backend too).
func (c *Case) concerns(subject, got string) bool {
	return subject == "" || got == "" || c.Subjects.canonical(got) == subject
}

// triedAny reports whether an access-log line's upstream attempts bear on
// subject; a 5xx with none logged (nginx's own, or a format without
// $upstream_addr) counts.
func (c *Case) triedAny(subject string, addrs []string) bool {
	if subject == "" || len(addrs) == 0 {
		return true
	}
	for _, a := range addrs {
		if c.concerns(subject, a) {
			return true
		}
	}
	return false
}

// sleepCtx waits d or until ctx ends; false when ctx ended.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
