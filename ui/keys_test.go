package ui

import (
	"context"
	"image/color"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"ngx502/steps"
)

func TestHelpNeverLies(t *testing.T) {
	f := newFakeRun(refusedOutcomes())
	m := newModel(context.Background(), testCase(), f.run, fixedExec)
	bar := screen(m)
	if strings.Contains(bar, "a all") || strings.Contains(bar, "r restart") {
		t.Errorf("help offers keys that do nothing while probes run:\n%s", bar)
	}
	m = settle(t, m, m.Init())
	bar = screen(m)
	if !strings.Contains(bar, "a all") || !strings.Contains(bar, "r restart…") {
		t.Errorf("help lacks keys that apply now:\n%s", bar)
	}
	m, _ = press(t, m, "?")
	if !strings.Contains(screen(m), "ctrl+c quit") {
		t.Errorf("full help lacks ctrl+c:\n%s", screen(m))
	}
}

func TestRerunAll(t *testing.T) {
	m, f := finished(t, refusedOutcomes())
	m, cmd := press(t, m, "a")
	if m.decided || !strings.Contains(screen(m), "deciding…") {
		t.Error("a did not start over")
	}
	before := len(f.calls)
	m = settle(t, m, cmd)
	if got := len(f.calls) - before; got != 5 {
		t.Errorf("a ran %d steps, want 5", got)
	}
	if m.verdict.Cause != steps.CauseRefused {
		t.Errorf("verdict after a = %q", m.verdict.Cause)
	}
}

func TestScrollDetail(t *testing.T) {
	m, _ := finished(t, refusedOutcomes())
	if m.keys.PageDown.Enabled() {
		t.Fatal("pgdn offered although the detail fits")
	}
	m, _ = press(t, m, "l") // learn lines push the checks below the fold
	if !m.keys.PageDown.Enabled() || m.keys.PageUp.Enabled() {
		t.Fatal("at the top of a long detail: want pgdn on, pgup off")
	}
	m, _ = press(t, m, "pgdown")
	if m.vp.YOffset() == 0 || !m.keys.PageUp.Enabled() {
		t.Errorf("pgdn did not scroll (offset %d)", m.vp.YOffset())
	}
	if !strings.Contains(screen(m), "$ ls -l /var/log/nginx/error.log.1") {
		t.Errorf("scrolled detail lacks the last check's command:\n%s", screen(m))
	}
	m, _ = press(t, m, "j")
	if m.vp.YOffset() != 0 {
		t.Error("a new selection should start at the top of its detail")
	}
}

func TestIdleSpinnerStops(t *testing.T) {
	m, _ := finished(t, refusedOutcomes())
	if _, cmd := send(t, m, m.spin.Tick()); cmd != nil {
		t.Error("the spinner keeps ticking with nothing running")
	}
	m, _ = send(t, m, tea.BackgroundColorMsg{Color: color.White})
	if !strings.Contains(screen(m), "VERDICT") {
		t.Error("light-background styles broke the view")
	}
}

func TestInteractiveDumbTerminal(t *testing.T) {
	t.Setenv("TERM", "dumb")
	if Interactive() {
		t.Error("TERM=dumb must use the plain report")
	}
}
