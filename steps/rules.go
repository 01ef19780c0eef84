package steps

// role is what a claim becomes in the verdict.
type role string

const (
	roleCause   role = "cause"   // may be the verdict
	roleWarning role = "warning" // worth fixing, not the cause of the 502s
	roleNote    role = "note"    // seen, but not in a 502
	roleHistory role = "history" // failed, and stopped
)

// rule is one row of the verdict table: the first row whose test a claim
// passes decides its role and confidence.
type rule struct {
	name string
	test func(cl *claim) bool
	role role
	conf Confidence
	// intermittent marks a failure nginx keeps reporting while a probe of
	// the same backend passes: it fails only sometimes, or only for some
	// requests.
	intermittent bool
}

// verdictRules is the whole judgement, in order. Each row is tested by a
// case of the golden table in verdict_golden_test.go.
//
//	nginx -t fails            config-invalid, measured by nginx -t  cause, high
//	not a 502                 nginx saw it only in non-5xx answers  note
//	a smell only              predicted evidence alone              warning
//	no proof of a stale config config-not-loaded without a measure  warning
//	spare server              a backup server, no current reports   warning
//	observed and confirmed    current observed + reproduced/measured cause, high
//	intermittent              current observed, yet a probe passes  cause, medium
//	observed                  current observed                      cause, medium
//	logged and failing now    observed before + reproduced now      cause, high
//	recovered                 observed, not current, not reproduced history
//	failing now, explained    reproduced + measured                 cause, medium
//	failing now               reproduced                            cause, low
//	measured                  measured alone                        cause, low
func verdictRules() []rule {
	return []rule{
		{name: "nginx -t fails", role: roleCause, conf: High,
			test: func(cl *claim) bool { return cl.Cause == CauseConfigInvalid && cl.has(Measured) }},
		{name: "not a 502", role: roleNote,
			test: func(cl *claim) bool { return cl.has(Observed) && cl.not502 }},
		{name: "a smell only", role: roleWarning,
			test: func(cl *claim) bool { return cl.only(Predicted) }},
		{name: "no proof of a stale config", role: roleWarning,
			test: func(cl *claim) bool { return cl.Cause == CauseConfigStale && !cl.has(Measured) }},
		{name: "spare server", role: roleWarning,
			test: func(cl *claim) bool { return cl.backup && !cl.current }},
		{name: "observed and confirmed", role: roleCause, conf: High,
			test: func(cl *claim) bool { return cl.current && (cl.has(Reproduced) || cl.has(Measured)) }},
		{name: "intermittent", role: roleCause, conf: Medium, intermittent: true,
			test: func(cl *claim) bool { return cl.current && cl.answering }},
		{name: "observed", role: roleCause, conf: Medium,
			test: func(cl *claim) bool { return cl.current }},
		{name: "logged and failing now", role: roleCause, conf: High,
			test: func(cl *claim) bool { return cl.has(Observed) && cl.has(Reproduced) }},
		{name: "recovered", role: roleHistory,
			test: func(cl *claim) bool { return cl.has(Observed) }},
		{name: "failing now, explained", role: roleCause, conf: Medium,
			test: func(cl *claim) bool { return cl.has(Reproduced) && cl.has(Measured) }},
		{name: "failing now", role: roleCause, conf: Low,
			test: func(cl *claim) bool { return cl.has(Reproduced) }},
		{name: "measured", role: roleCause, conf: Low,
			test: func(cl *claim) bool { return cl.has(Measured) }},
	}
}

// judge applies the table to a claim.
func judge(cl *claim) {
	for _, r := range verdictRules() {
		if r.test(cl) {
			cl.rule, cl.role, cl.conf, cl.intermittent = r.name, r.role, r.conf, r.intermittent
			return
		}
	}
	cl.rule, cl.role = "no evidence", roleWarning
}

// tier is the first sort key of causes: what nginx reports now and a reload
// cannot fix comes first; then a config that fails nginx -t, which blocks
// every reload; then the rest (whose fix may need that reload).
func (cl *claim) tier() int {
	switch {
	case cl.Cause == CauseConfigInvalid:
		return 1
	case cl.current && !reloadCures(cl.Cause):
		return 0
	}
	return 2
}

// before is the explicit order of causes: tier, confidence, still
// happening, strongest kind, most recent, most frequent, then cause ID and
// subject so equal claims never depend on step order.
func before(a, b *claim) bool {
	switch {
	case a.tier() != b.tier():
		return a.tier() < b.tier()
	case a.conf != b.conf:
		return a.conf.rank() > b.conf.rank()
	case a.current != b.current:
		return a.current
	case a.strongest() != b.strongest():
		return a.strongest() > b.strongest()
	case !a.last.Equal(b.last):
		return a.last.After(b.last)
	case a.count != b.count:
		return a.count > b.count
	case a.Cause != b.Cause:
		return a.Cause < b.Cause
	}
	return a.Subject < b.Subject
}
