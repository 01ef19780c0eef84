package ui

import (
	"context"
	"strings"
	"testing"

	"ngx502/steps"
)

// healthyOutcomes is a box where every step that finishes finds nothing.
func healthyOutcomes() map[steps.ID]steps.Outcome {
	return map[steps.ID]steps.Outcome{
		steps.Logs:     {Step: steps.Logs, Status: steps.Pass, Summary: "no upstream errors in the last 24h"},
		steps.Upstream: {Step: steps.Upstream, Status: steps.Pass, Summary: "1 of 1 upstreams answer"},
		steps.Config:   {Step: steps.Config, Status: steps.Pass, Summary: "nginx -t ok"},
		steps.Network:  {Step: steps.Network, Status: steps.Pass, Summary: "3 checks passed"},
	}
}

// Quitting while a step still runs must never leave "healthy" in the
// scrollback or exit 0: the run says which steps did not finish, exit 2.
func TestQuitBeforeDoneIsNotHealthy(t *testing.T) {
	f := newFakeRun(healthyOutcomes())
	m := newModel(context.Background(), testCase(), f.run, fixedExec)
	// Steps 1, 3 and 4 come back; step 2 (a hanging upstream) does not.
	for _, msg := range collect(m.Init()) {
		if d, ok := msg.(stepDoneMsg); ok && d.id != steps.Upstream {
			m, _ = send(t, m, msg)
		}
	}
	m, cmd := press(t, m, "q")
	if cmd == nil || !m.quitting {
		t.Fatal("q did not quit")
	}
	r := m.report()
	if r.Verdict.Cause != steps.CauseIncomplete {
		t.Fatalf("verdict %s, want incomplete", r.Verdict.Cause)
	}
	if got := ExitCode(r); got != 2 {
		t.Errorf("exit code %d, want 2", got)
	}
	s := summaryText(r)
	if strings.Contains(s, "healthy") || !strings.Contains(s, "step 2 Upstream did not finish") {
		t.Errorf("scrollback must name the unfinished step and never say healthy:\n%s", s)
	}
}

// Ctrl+C twice while everything runs: cancelled steps are not results.
func TestCancelledRunIsNotHealthy(t *testing.T) {
	f := newFakeRun(healthyOutcomes())
	m := newModel(context.Background(), testCase(), f.run, fixedExec)
	_ = collect(m.Init()) // results computed, never delivered
	m, _ = press(t, m, "ctrl+c", "ctrl+c")
	r := m.report()
	if r.Verdict.Cause != steps.CauseIncomplete || ExitCode(r) != 2 {
		t.Fatalf("verdict %s exit %d, want incomplete / 2", r.Verdict.Cause, ExitCode(r))
	}
	if !strings.Contains(strings.Join(r.Verdict.Evidence, "\n"), "cancelled") {
		t.Errorf("evidence %q does not say the steps were cancelled", r.Verdict.Evidence)
	}
}

// A run where every step finished and found nothing is still healthy.
func TestFinishedQuietRunIsHealthy(t *testing.T) {
	m, _ := finished(t, healthyOutcomes())
	if r := m.report(); r.Verdict.Cause != steps.CauseHealthy || ExitCode(r) != 0 {
		t.Fatalf("verdict %s exit %d, want healthy / 0", r.Verdict.Cause, ExitCode(r))
	}
}
