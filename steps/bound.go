package steps

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Bounds on what one outcome carries into every output (wizard, text,
// JSON, verdict): a config with 5,000 dead upstreams must not yield 5,000
// lines per step. The summaries still count everything.
const (
	maxFindingsPerCause = 5
	maxChecks           = 60
	maxExamples         = 5
)

// bound caps o's findings per cause and its checks, replacing what it
// drops with one summary each. Status and Summary are left as the step
// computed them from everything it saw.
func bound(o *Outcome) {
	o.Findings = boundFindings(o.Findings)
	o.Checks = boundChecks(o.Checks)
}

// boundFindings keeps the heaviest maxFindingsPerCause findings of each
// cause (ties in their original order) and adds one weightless summary
// per cut cause after the kept ones, which stay in their original order.
func boundFindings(fs []Finding) []Finding {
	byCause := map[CauseID][]int{}
	var causes []CauseID
	for i, f := range fs {
		if _, ok := byCause[f.Cause]; !ok {
			causes = append(causes, f.Cause)
		}
		byCause[f.Cause] = append(byCause[f.Cause], i)
	}
	keep := make([]bool, len(fs))
	var summaries []Finding
	for _, cause := range causes {
		idx := slices.Clone(byCause[cause])
		sort.SliceStable(idx, func(a, b int) bool { return stronger(fs[idx[a]], fs[idx[b]]) })
		n := min(len(idx), maxFindingsPerCause)
		for _, i := range idx[:n] {
			keep[i] = true
		}
		if dropped := idx[n:]; len(dropped) > 0 {
			summaries = append(summaries, findingsSummary(cause, fs, dropped))
		}
	}
	if len(summaries) == 0 {
		return fs
	}
	out := make([]Finding, 0, len(causes)*(maxFindingsPerCause+1))
	for i, f := range fs {
		if keep[i] {
			out = append(out, f)
		}
	}
	return append(out, summaries...)
}

// findingsSummary stands for the dropped findings of one cause: no subject
// and no weight, so it neither names nor strengthens a verdict.
func findingsSummary(cause CauseID, fs []Finding, dropped []int) Finding {
	noun := "upstreams"
	for _, i := range dropped {
		if fs[i].Subject == "" {
			noun = "findings"
		}
	}
	count := thousands(len(dropped))
	ev := []string{fmt.Sprintf("%s more %s with this cause, not listed one by one; for example:", count, noun)}
	for _, i := range dropped[:min(len(dropped), maxExamples)] {
		ev = append(ev, truncate(example(fs[i]), 160))
	}
	return Finding{Cause: cause, Title: count + " more " + noun + ", same cause", Evidence: ev, Rest: len(dropped)}
}

// stronger orders findings of one cause for keeping: current reports
// first, then by kind of evidence, then the most frequent.
func stronger(a, b Finding) bool {
	switch {
	case a.Current != b.Current:
		return a.Current
	case a.Kind.strength() != b.Kind.strength():
		return a.Kind.strength() > b.Kind.strength()
	}
	return a.Count > b.Count
}

// example is one line for a finding: its subject and first evidence.
func example(f Finding) string {
	first := ""
	if len(f.Evidence) > 0 {
		first = f.Evidence[0]
	}
	switch {
	case f.Subject == "":
		return first
	case first == "":
		return f.Subject
	}
	return f.Subject + " — " + first
}

// checkClass orders checks by what a reader needs most: failures, then
// warnings, then what did not run, then what passed.
func checkClass(s Status) int {
	switch s {
	case Fail:
		return 0
	case Warn:
		return 1
	case Skipped:
		return 2
	}
	return 3
}

// boundChecks keeps maxChecks checks, failing and warning first, then
// skipped, then passing (original order within each class), and sums up
// the rest in one check whose status is the worst it stands for.
func boundChecks(cs []Check) []Check {
	if len(cs) <= maxChecks {
		return cs
	}
	idx := make([]int, len(cs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return checkClass(cs[idx[a]].Status) < checkClass(cs[idx[b]].Status) })
	out := make([]Check, 0, maxChecks+1)
	for _, i := range idx[:maxChecks] {
		out = append(out, cs[i])
	}
	return append(out, checksSummary(cs, idx[maxChecks:]))
}

// checksSummary is "… 4,940 more checks: 4,900 fail, 40 pass".
func checksSummary(cs []Check, dropped []int) Check {
	counts := map[Status]int{}
	worst := Status("")
	for _, i := range dropped {
		counts[cs[i].Status]++
		worst = Worse(worst, cs[i].Status)
	}
	if worst == "" {
		worst = Skipped
	}
	var parts []string
	for _, s := range []Status{Fail, Warn, Skipped, Pass} {
		if counts[s] > 0 {
			parts = append(parts, thousands(counts[s])+" "+string(s))
		}
	}
	return Check{Name: "… " + thousands(len(dropped)) + " more checks", Result: strings.Join(parts, ", "), Status: worst}
}

// thousands writes n with thousands separators: 4995 → "4,995".
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
