package steps

import (
	"context"
	"sync"
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

// RunAll runs steps 1–4 concurrently (they only read the Case), then plans
// step 5 from their outcomes and decides the verdict.
func RunAll(ctx context.Context, c *Case) Report {
	ids := []ID{Logs, Upstream, Config, Network}
	outs := make([]Outcome, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { outs[i] = RunStep(ctx, c, id, nil) })
	}
	wg.Wait()
	outs = append(outs, RunStep(ctx, c, Restart, outs))
	return Report{Case: c, Outcomes: outs, Verdict: Decide(outs)}
}
