package steps

import (
	"fmt"
	"slices"
)

// absorbStale: nginx still failing on a backend the config on disk no
// longer names is proof that it runs an older config — the failure is the
// stale config's evidence, and a reload (of the fixed files) its cure.
func absorbStale(order []*claim) []*claim {
	var stale *claim
	for _, cl := range order {
		if cl.Cause == CauseConfigStale {
			stale = cl
		}
	}
	kept := order[:0]
	for _, cl := range order {
		if !cl.gone || !cl.current || cl.Cause == CauseConfigStale {
			kept = append(kept, cl)
			continue
		}
		if stale == nil {
			stale = newClaim(Finding{Cause: CauseConfigStale, Title: CauseOf(CauseConfigStale).Title,
				Fix: CauseOf(CauseConfigStale).Fix})
			kept = append(kept, stale)
		}
		stale.add(Finding{Kind: Measured, Evidence: []string{fmt.Sprintf("log: nginx still reports %s for %s, which the config on disk no longer names", cl.Cause, cl.Subject)}})
		stale.add(Finding{Kind: Observed, Current: true, Count: cl.count, Last: cl.last, Evidence: cl.Evidence})
	}
	return kept
}

// absorbExplained folds a claim into the claim of a fact that explains it
// (same subject, its cause in the fact's Explains): nginx's refused
// connects to 127.0.0.1 are the evidence of "the backend listens on ::1
// only", and that finding's fix is the cure.
func absorbExplained(order []*claim) []*claim {
	var explainers []*claim
	for _, cl := range order {
		if len(cl.Explains) > 0 {
			explainers = append(explainers, cl)
		}
	}
	if len(explainers) == 0 {
		return order
	}
	kept := order[:0]
	for _, cl := range order {
		e := explainerOf(explainers, cl)
		if e == nil {
			kept = append(kept, cl)
			continue
		}
		for k := range cl.kinds {
			f := Finding{Cause: e.Cause, Kind: k}
			if k == Observed {
				f.Current, f.Count, f.Last, f.Not502, f.Gone = cl.current, cl.count, cl.last, cl.not502, cl.gone
			}
			e.add(f)
		}
		e.Evidence = append(e.Evidence, cl.Evidence...)
	}
	return kept
}

// explainerOf is the claim whose fact explains cl, if any.
func explainerOf(explainers []*claim, cl *claim) *claim {
	for _, e := range explainers {
		if e != cl && e.Subject == cl.Subject && e.Subject != "" && slices.Contains(e.Explains, cl.Cause) {
			return e
		}
	}
	return nil
}
