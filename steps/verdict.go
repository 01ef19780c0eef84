package steps

import (
	"fmt"
	"sort"
)

// Verdict is the most likely cause of the 502s, with its evidence and fix.
type Verdict struct {
	Cause    CauseID  `json:"cause"`
	Title    string   `json:"title"`
	Subject  string   `json:"subject,omitempty"`
	Evidence []string `json:"evidence"`
	Fix      string   `json:"fix"`
	// Others are the runner-up causes, most likely first (at most
	// maxOthers; MoreOthers counts the rest).
	Others     []Finding `json:"others,omitempty"`
	MoreOthers int       `json:"more_others,omitempty"`
	// Unfinished names the steps that stopped before they looked at
	// everything ("2 Upstream: cancelled"); such a run is never healthy.
	Unfinished []string `json:"unfinished,omitempty"`
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

// minWeight is the least total weight that names a cause; below it the
// evidence is a hint, not a verdict.
const minWeight = 3

// Decide ranks the findings of all outcomes: findings of the same cause
// about the same subject add up, so a refused line in the log, a refused
// probe and an empty port agree into one strong verdict.
func Decide(outs []Outcome) Verdict {
	type key struct {
		cause   CauseID
		subject string
	}
	var order []key
	merged := map[key]*Finding{}
	for _, o := range outs {
		for _, f := range o.Findings {
			if f.Weight <= 0 && f.Subject == "" {
				continue // "N more, same cause": a count, not evidence of its own
			}
			k := key{f.Cause, f.Subject}
			m, ok := merged[k]
			if !ok {
				c := f
				c.Evidence = append([]string(nil), f.Evidence...)
				merged[k] = &c
				order = append(order, k)
				continue
			}
			m.Weight += f.Weight
			m.Evidence = append(m.Evidence, f.Evidence...)
			if m.Where == "" {
				m.Where = f.Where
			}
			// The step that knows most about the remedy speaks last
			// (network knows the unit, config knows the line).
			if f.Fix != "" {
				m.Fix = f.Fix
			}
		}
	}
	answering := map[string]bool{}
	for _, o := range outs {
		for _, s := range o.Answering {
			answering[s] = true
		}
	}
	ranked := make([]Finding, 0, len(order))
	for _, k := range order {
		f := *merged[k]
		if answering[f.Subject] && liveCause(f.Cause) {
			// The log says it failed, but it answers now: it came back,
			// or fails only at times. Still worth a look, less likely now.
			f.Weight /= 2
			f.Evidence = append(f.Evidence, "probe: "+f.Subject+" answers now")
		}
		ranked = append(ranked, f)
	}
	sort.SliceStable(ranked, func(i, j int) bool { return ranked[i].Weight > ranked[j].Weight })
	unfinished := unfinishedSteps(outs)

	if len(ranked) == 0 || ranked[0].Weight < minWeight {
		v := Verdict{Unfinished: unfinished}
		switch {
		case len(unfinished) > 0:
			v.setCause(CauseIncomplete)
			v.Evidence = append(v.Evidence, unfinished...)
		case undecided(outs):
			v.setCause(CauseUnknown)
		default:
			v.setCause(CauseHealthy)
		}
		for _, o := range outs {
			if o.Step != Restart && o.Summary != "" && o.Unfinished == "" {
				v.Evidence = append(v.Evidence, fmt.Sprintf("%s: %s", InfoOf(o.Step).Title, o.Summary))
			}
		}
		v.setOthers(ranked)
		return v
	}
	top := ranked[0]
	fix := top.Fix
	if fix == "" {
		fix = CauseOf(top.Cause).Fix
	}
	v := Verdict{
		Cause: top.Cause, Title: top.Title, Subject: top.Subject,
		Evidence: dedupe(top.Evidence), Fix: fix, Unfinished: unfinished,
	}
	v.setOthers(ranked[1:])
	return v
}

func (v *Verdict) setCause(id CauseID) {
	c := CauseOf(id)
	v.Cause, v.Title, v.Fix = id, c.Title, c.Fix
}

// setOthers keeps the strongest runner-ups; a summary finding of a capped
// group (weight 0) is not a runner-up of its own.
func (v *Verdict) setOthers(fs []Finding) {
	v.Others, v.MoreOthers = nil, 0
	for _, f := range fs {
		switch {
		case f.Weight <= 0:
		case len(v.Others) < maxOthers:
			v.Others = append(v.Others, f)
		default:
			v.MoreOthers++
		}
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

// liveCause: causes a passing probe of the same upstream contradicts. A
// socket nginx's worker may not write, or a header only some pages send,
// can still fail for nginx while this probe gets through.
func liveCause(c CauseID) bool {
	switch c {
	case CauseRefused, CauseSocketMissing, CauseTimeout, CauseClosed, CauseReset, CauseUnreachable, CauseBusy:
		return true
	}
	return false
}
