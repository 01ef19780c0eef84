package steps

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Why a step stopped early, as Outcome.Unfinished and skipped checks say it.
const (
	stopCancelled = "cancelled"
	stopOutOfTime = "out of time"
)

// defaultTimeout is the per-probe bound when a Case was built without
// Discover (tests, the UI's empty case).
const defaultTimeout = 5 * time.Second

// stepBudget is how long one step may run in all. Probing steps get one
// probe's timeout plus slack, since their targets are probed concurrently;
// the log step reads files that may be gigabytes; nginx -t (config, and the
// restart plan's gate) bounds itself at 15 s.
func stepBudget(id ID, timeout time.Duration) time.Duration {
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	switch id {
	case Upstream:
		return timeout + 5*time.Second
	case Network:
		// The keep-alive measurement idles up to maxIdleWait by itself.
		return max(timeout+5*time.Second, maxIdleWait+2*time.Second)
	case Logs:
		return max(30*time.Second, 6*timeout)
	}
	return 20 * time.Second
}

// stopReason says why ctx ended: the run was cancelled, or the step's
// budget (or the caller's deadline) ran out.
func stopReason(ctx context.Context) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return stopOutOfTime
	}
	return stopCancelled
}

// interrupted reports whether a probe that failed did so while the step's
// ctx was done: the failure may be the cancel's doing, so it is no fact
// about the upstream. A probe's own timeout, with ctx alive, is a fact.
func interrupted(ctx context.Context, failed bool) bool {
	return failed && ctx.Err() != nil
}

// notRunCheck is the check of a target the step did not (fully) probe.
func notRunCheck(ctx context.Context, c *Case, name, command string) Check {
	res := "not run: cancelled"
	if stopReason(ctx) == stopOutOfTime {
		res = fmt.Sprintf("not probed: the step ran out of time (--timeout %s)", humanDuration(probeTimeout(c)))
	}
	return Check{Name: name, Command: command, Status: Skipped, Result: res}
}

// probeTimeout is --timeout, or its default when the case has none.
func probeTimeout(c *Case) time.Duration {
	if c.Opts.Timeout <= 0 {
		return defaultTimeout
	}
	return c.Opts.Timeout
}

// notProbedText is Outcome.Unfinished for a step that left some of its
// targets: "312 of 5,000 upstreams not probed: out of time".
func notProbedText(ctx context.Context, left, total int, what string) string {
	return fmt.Sprintf("%s of %s %s: %s", thousands(left), thousands(total), what, stopReason(ctx))
}
