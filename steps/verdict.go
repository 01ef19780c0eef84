package steps

import (
	"fmt"
	"slices"
	"sort"
	"time"
)

// Verdict is the most likely cause of the 502s, with its evidence, how
// sure ngx502 is, and the fix.
type Verdict struct {
	Cause      CauseID    `json:"cause"`
	Title      string     `json:"title"`
	Subject    string     `json:"subject,omitempty"`
	Evidence   []string   `json:"evidence"`
	Fix        string     `json:"fix"`
	Confidence Confidence `json:"confidence"`
	// Rule is the row of the verdict table that decided it.
	Rule string `json:"rule"`
	// Intermittent: nginx keeps reporting the failure while a probe of the
	// same backend passes.
	Intermittent bool `json:"intermittent,omitempty"`
	// RunnerUps are the other causes, warnings, notes and history, most
	// likely first (at most maxOthers; MoreOthers counts the rest).
	RunnerUps  []RunnerUp `json:"runner_ups"`
	MoreOthers int        `json:"more_runner_ups,omitempty"`
	// Unfinished names the steps that stopped before they looked at
	// everything ("2 Upstream: cancelled"); such a run is never healthy.
	Unfinished []string `json:"unfinished,omitempty"`
}

// RunnerUp is a cause the verdict did not choose, or a warning, note or
// failure of the past.
type RunnerUp struct {
	Cause      CauseID    `json:"cause"`
	Subject    string     `json:"subject,omitempty"`
	Title      string     `json:"title"`
	Role       string     `json:"role"` // cause, warning, note, history
	Confidence Confidence `json:"confidence,omitempty"`
	Evidence   []string   `json:"evidence,omitempty"`
}

// maxOthers bounds the runner-ups every output shows.
const maxOthers = 5

// Inconclusive reports whether the run could not decide: nothing could be
// read, or the checks did not finish and found nothing. Such a run exits 2.
func (v Verdict) Inconclusive() bool {
	return v.Cause == CauseUnknown || v.Cause == CauseIncomplete
}

// Unfinished returns a placeholder outcome for a step that never came back
// (the run was quit or cancelled first): it counts as not finished.
func Unfinished(id ID, why string) Outcome {
	return Outcome{Step: id, Status: Skipped, Summary: "did not finish: " + why, Unfinished: why}
}

// claim is every finding about one cause and one subject, merged: the unit
// the verdict table judges.
type claim struct {
	Finding
	kinds     map[Evidence]bool
	current   bool // nginx still reports it
	not502    bool // nginx reported it only in non-5xx answers
	count     int
	last      time.Time
	answering bool // a direct probe of the subject passed
	backup    bool // the subject is a backup server
	gone      bool // nginx reports a backend the config on disk no longer names

	rule         string
	role         role
	conf         Confidence
	intermittent bool
}

func (cl *claim) has(k Evidence) bool { return cl.kinds[k] }

// only reports whether k is the claim's only kind of evidence.
func (cl *claim) only(k Evidence) bool { return len(cl.kinds) == 1 && cl.kinds[k] }

func (cl *claim) strongest() int {
	best := 0
	for k := range cl.kinds {
		best = max(best, k.strength())
	}
	return best
}

// add merges one finding into the claim.
func (cl *claim) add(f Finding) {
	hadObserved := cl.kinds[Observed]
	cl.kinds[f.Kind] = true
	cl.Evidence = append(cl.Evidence, f.Evidence...)
	if cl.Where == "" {
		cl.Where = f.Where
	}
	for _, e := range f.Explains {
		if !slices.Contains(cl.Explains, e) {
			cl.Explains = append(cl.Explains, e)
		}
	}
	if f.Fix != "" {
		// The step that knows most about the remedy speaks last (network
		// knows the unit, config knows the line).
		cl.Fix = f.Fix
	}
	if f.Kind == Observed {
		cl.current = cl.current || f.Current
		if f.Last.After(cl.last) {
			cl.last = f.Last
		}
		if f.Cause == cl.Cause {
			// A route's 502s merged in are the same requests, counted once,
			// and say nothing of the backend's name or the answer's status.
			cl.count += f.Count
			cl.gone = f.Gone && (cl.gone || !hadObserved)
			// One 5xx report is enough to make it a 502 matter.
			cl.not502 = f.Not502 && (cl.not502 || !hadObserved)
		}
	}
}

// support adds a route's 502s to a claim nginx's error log already makes:
// its evidence, and a failing request through nginx as reproduced — but
// never its times or counts, which belong to the requests the log names.
func (cl *claim) support(r Finding) {
	if r.Kind == Reproduced {
		cl.kinds[Reproduced] = true
	}
	cl.Evidence = append(cl.Evidence, r.Evidence...)
}

// supportRoute gives a route's 502s to the claims that explain them: the
// ones nginx's error log still reports for the same backend, or for any
// backend when the route's is unknown (a log_format without
// $upstream_addr); else, as evidence only, any claim about its backend.
// It reports whether some claim took them.
func supportRoute(order []*claim, r Finding) bool {
	took := false
	for _, cl := range order {
		if cl.current && !cl.not502 && (cl.Subject == r.Subject || r.Subject == "") && (r.Kind != Observed || r.Current) {
			cl.support(r)
			took = true
		}
	}
	if took || r.Subject == "" {
		return took
	}
	for _, cl := range order {
		if cl.Subject == r.Subject && cl.Cause != CauseNginx5xx {
			cl.Evidence = append(cl.Evidence, r.Evidence...)
			took = true
		}
	}
	return took
}

// claims merges the findings of all outcomes by cause and subject. A route
// nginx answers 502 on (CauseNginx5xx) is reproduced evidence for every
// other claim about the same backend; alone it stays a claim of its own.
func claims(outs []Outcome) []*claim {
	type key struct {
		cause   CauseID
		subject string
	}
	byKey := map[key]*claim{}
	var order []*claim
	claimOf := func(f Finding) *claim {
		k := key{f.Cause, f.Subject}
		if byKey[k] == nil {
			byKey[k] = newClaim(f)
			order = append(order, byKey[k])
		}
		return byKey[k]
	}
	answering, backup := map[string]bool{}, map[string]bool{}
	var routes []Finding
	for _, o := range outs {
		for _, s := range o.Answering {
			answering[s] = true
		}
		for _, s := range o.Backups {
			backup[s] = true
		}
		for _, f := range o.Findings {
			switch {
			case f.Rest > 0:
				continue // "N more, same cause": a count, not evidence of its own
			case f.Cause == CauseNginx5xx:
				routes = append(routes, f)
				continue
			}
			claimOf(f).add(f)
		}
	}
	for _, r := range routes {
		if !supportRoute(order, r) {
			claimOf(r).add(r)
		}
	}
	order = absorbExplained(absorbStale(order))
	for _, cl := range order {
		cl.answering = answering[cl.Subject]
		cl.backup = backup[cl.Subject]
		cl.Evidence = dedupe(cl.Evidence)
		judge(cl)
	}
	return order
}

// newClaim starts a claim about f's cause and subject; add gives it f's
// evidence.
func newClaim(f Finding) *claim {
	f.Evidence = nil
	return &claim{Finding: f, kinds: map[Evidence]bool{}}
}

// Decide judges the findings of all outcomes with the verdict table
// (rules.go) and names the most likely cause; with none, the box is
// healthy — unless a step did not finish or nothing could be read.
func Decide(outs []Outcome) Verdict {
	all := claims(outs)
	var causes, rest []*claim
	for _, cl := range all {
		if cl.role == roleCause {
			causes = append(causes, cl)
		} else {
			rest = append(rest, cl)
		}
	}
	sort.SliceStable(causes, func(i, j int) bool { return before(causes[i], causes[j]) })
	sort.SliceStable(rest, func(i, j int) bool { return restBefore(rest[i], rest[j]) })
	unfinished := unfinishedSteps(outs)
	if len(causes) == 0 {
		return quietVerdict(outs, rest, unfinished)
	}
	top := causes[0]
	fix := top.Fix
	if fix == "" {
		fix = CauseOf(top.Cause).Fix
	}
	v := Verdict{Cause: top.Cause, Title: top.Title, Subject: top.Subject, Evidence: top.Evidence, Fix: fix,
		Confidence: top.conf, Rule: top.rule, Intermittent: top.intermittent, Unfinished: unfinished}
	if v.Title == "" {
		v.Title = CauseOf(top.Cause).Title
	}
	if top.intermittent {
		v.Title = "intermittent: " + v.Title
		v.Evidence = append(v.Evidence, "probe: "+top.Subject+" answers a single probe, yet nginx keeps failing real requests to it")
	}
	if len(unfinished) > 0 && v.Confidence == High {
		v.Confidence = Medium // what did not finish might have said otherwise
	}
	v.setRunnerUps(append(causes[1:], rest...))
	return v
}

// quietVerdict is the verdict when no claim is a cause.
func quietVerdict(outs []Outcome, rest []*claim, unfinished []string) Verdict {
	v := Verdict{Unfinished: unfinished, Confidence: Low}
	switch {
	case len(unfinished) > 0:
		v.setCause(CauseIncomplete)
		v.Rule = "did not finish"
		v.Evidence = append(v.Evidence, unfinished...)
	case undecided(outs):
		v.setCause(CauseUnknown)
		v.Rule = "nothing could be read"
	default:
		v.setCause(CauseHealthy)
		v.Rule = "no current failure"
		v.Confidence = Medium
		if ranBoth(outs) {
			v.Confidence = High
		}
	}
	for _, o := range outs {
		if o.Step != Restart && o.Summary != "" && o.Unfinished == "" {
			v.Evidence = append(v.Evidence, fmt.Sprintf("%s: %s", InfoOf(o.Step).Title, o.Summary))
		}
	}
	for _, cl := range rest {
		if cl.role == roleHistory {
			v.Evidence = append(v.Evidence, fmt.Sprintf("recovered: %s %s, last reported %s", cl.Cause, cl.Subject, cl.last.Format("01-02 15:04:05")))
		}
	}
	v.setRunnerUps(rest)
	return v
}

// restBefore orders what is not a cause: history, then warnings, then
// notes; within a role the stronger and more recent first.
func restBefore(a, b *claim) bool {
	order := map[role]int{roleHistory: 0, roleWarning: 1, roleNote: 2}
	switch {
	case a.role != b.role:
		return order[a.role] < order[b.role]
	case a.strongest() != b.strongest():
		return a.strongest() > b.strongest()
	case !a.last.Equal(b.last):
		return a.last.After(b.last)
	case a.Cause != b.Cause:
		return a.Cause < b.Cause
	}
	return a.Subject < b.Subject
}

func (v *Verdict) setCause(id CauseID) {
	c := CauseOf(id)
	v.Cause, v.Title, v.Fix = id, c.Title, c.Fix
}

// setRunnerUps keeps the first maxOthers claims as runner-ups.
func (v *Verdict) setRunnerUps(cls []*claim) {
	v.RunnerUps, v.MoreOthers = []RunnerUp{}, 0
	for _, cl := range cls {
		if len(v.RunnerUps) == maxOthers {
			v.MoreOthers++
			continue
		}
		title := cl.Title
		if title == "" {
			title = CauseOf(cl.Cause).Title
		}
		ru := RunnerUp{Cause: cl.Cause, Subject: cl.Subject, Title: title, Role: string(cl.role), Evidence: firstN(cl.Evidence, 2)}
		if cl.role == roleCause {
			ru.Confidence = cl.conf
		}
		v.RunnerUps = append(v.RunnerUps, ru)
	}
}

// unfinishedSteps lists steps 1–4 that stopped before they were done.
func unfinishedSteps(outs []Outcome) []string {
	var out []string
	for _, o := range outs {
		if o.Step != Restart && o.Unfinished != "" {
			info := InfoOf(o.Step)
			out = append(out, fmt.Sprintf("step %d %s did not finish: %s", info.Number, info.Title, o.Unfinished))
		}
	}
	return out
}

// undecided is true when the probes that could have shown a problem did
// not run, so "healthy" would be a claim without evidence.
func undecided(outs []Outcome) bool {
	ran := 0
	for _, o := range outs {
		if o.Step == Config && o.Status == Fail && len(o.Findings) == 0 {
			return true // the config could not be read: upstreams unknown
		}
		if (o.Step == Logs || o.Step == Upstream) && o.Status != Skipped && o.Status != "" {
			ran++
		}
	}
	return ran == 0
}

// ranBoth: nginx's own log was read and the upstreams were probed, so a
// quiet verdict rests on both.
func ranBoth(outs []Outcome) bool {
	logs, probes := false, false
	for _, o := range outs {
		switch {
		case o.Step == Logs && o.Status != Skipped && o.Status != "":
			logs = true
		case o.Step == Upstream && o.Status != Skipped && o.Status != "":
			probes = true
		}
	}
	return logs && probes
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	out := in[:0:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
