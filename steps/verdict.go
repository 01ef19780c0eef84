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
	// Others are the runner-up causes, most likely first.
	Others []Finding `json:"others,omitempty"`
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

	if len(ranked) == 0 || ranked[0].Weight < minWeight {
		v := Verdict{Cause: CauseHealthy, Title: CauseOf(CauseHealthy).Title, Fix: CauseOf(CauseHealthy).Fix}
		if undecided(outs) {
			v.Cause, v.Title = CauseUnknown, CauseOf(CauseUnknown).Title
			v.Fix = CauseOf(CauseUnknown).Fix
		}
		for _, o := range outs {
			if o.Step != Restart && o.Summary != "" {
				v.Evidence = append(v.Evidence, fmt.Sprintf("%s: %s", InfoOf(o.Step).Title, o.Summary))
			}
		}
		v.Others = ranked
		return v
	}
	top := ranked[0]
	fix := top.Fix
	if fix == "" {
		fix = CauseOf(top.Cause).Fix
	}
	return Verdict{
		Cause: top.Cause, Title: top.Title, Subject: top.Subject,
		Evidence: dedupe(top.Evidence), Fix: fix, Others: ranked[1:],
	}
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
