package ui

import (
	"bytes"
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// TestProgramSmoke runs the wizard in a real tea.Program at 80×24 with the
// environment and colour profile pinned, waits for the verdict, quits.
func TestProgramSmoke(t *testing.T) {
	f := newFakeRun(refusedOutcomes())
	m := newModel(context.Background(), testCase(), f.run, fixedExec)
	tm := teatest.NewTestModel(t, m,
		teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(
			tea.WithColorProfile(colorprofile.Ascii),
			tea.WithEnvironment([]string{"TERM=xterm-256color"}),
		),
	)
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte("upstream-refused")) && bytes.Contains(b, []byte("5 Restart"))
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	tm.Type("q")
	final, ok := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(model)
	if !ok || !final.quitting {
		t.Fatal("q did not end the program")
	}
	if r := final.report(); len(r.Outcomes) == 0 || r.Verdict.Cause != "upstream-refused" {
		t.Errorf("final report: %d outcomes, verdict %q", len(r.Outcomes), r.Verdict.Cause)
	}
}
