package steps

import (
	"context"
	"time"
)

// Report is one whole triage run: every step's outcome and the verdict.
type Report struct {
	Case     *Case
	Outcomes []Outcome // in step order
	Verdict  Verdict
}

// Outcome returns the outcome of one step, and whether it ran.
func (r Report) Outcome(id ID) (Outcome, bool) {
	for _, o := range r.Outcomes {
		if o.Step == id {
			return o, true
		}
	}
	return Outcome{}, false
}

// RunStep runs one step. prior holds outcomes of steps already done: the
// restart step plans from them, the upstream step probes failing ones first.
// Each step runs under its own budget (see stepBudget), and what it
// returns is bounded in size (see bound), so every output stays readable.
func RunStep(ctx context.Context, c *Case, id ID, prior []Outcome) Outcome {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, stepBudget(id, c.Opts.Timeout))
	defer cancel()
	var o Outcome
	switch id {
	case Logs:
		o = runLogs(ctx, c)
	case Upstream:
		o = runUpstream(ctx, c, prior)
	case Config:
		o = runConfig(ctx, c)
	case Network:
		o = runNetwork(ctx, c)
	case Restart:
		o = planRestart(ctx, c, prior)
	default:
		o = Outcome{Status: Skipped, Summary: "unknown step"}
	}
	o.Step = id
	if o.Status == "" {
		o.Status = Pass
	}
	if ctx.Err() != nil && o.Unfinished == "" {
		// The step did not say what it left; its ctx ended, so it left something.
		o.Unfinished = stopReason(ctx)
	}
	bound(&o)
	o.Took = time.Since(start)
	return o
}

// RunAll runs the five steps as Needs orders them, each as soon as what it
// needs is done (steps 1, 3 and 4 at once; 2 after 1; 5 after all), then
// decides the verdict.
func RunAll(ctx context.Context, c *Case) Report {
	type result struct {
		id  ID
		out Outcome
	}
	results := make(chan result)
	started, done := map[ID]bool{}, map[ID]bool{}
	outs := map[ID]Outcome{}
	running := 0
	for {
		for _, id := range Ready(started, done) {
			started[id] = true
			running++
			prior := priorOf(id, outs)
			go func() { results <- result{id, RunStep(ctx, c, id, prior)} }()
		}
		if running == 0 {
			break
		}
		r := <-results
		running--
		done[r.id], outs[r.id] = true, r.out
	}
	var ordered []Outcome
	for _, s := range All() {
		ordered = append(ordered, outs[s.ID])
	}
	checks := ordered[:len(ordered)-1]
	return Report{Case: c, Outcomes: ordered, Verdict: Decide(checks)}
}
