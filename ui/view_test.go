package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// checkFits asserts the screen never wraps: no line wider than the
// window, no more lines than it has rows.
func checkFits(t *testing.T, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) > h {
		t.Errorf("%d lines, window has %d rows", len(lines), h)
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got > w {
			t.Errorf("line %d is %d cells wide, window is %d: %q", i+1, got, w, ansi.Strip(l))
		}
	}
}

func TestView(t *testing.T) {
	sizes := []struct{ w, h int }{{80, 24}, {120, 40}}
	states := []struct {
		name string
		keys []string
	}{
		{"done", nil},
		{"network", []string{"j", "j", "j"}},
		{"learn", []string{"j", "l"}},
		{"confirm", []string{"r"}},
		{"fullhelp", []string{"?"}},
		{"executed", []string{"r", "y"}},
	}
	for _, sz := range sizes {
		for _, st := range states {
			t.Run(fmt.Sprintf("%dx%d_%s", sz.w, sz.h, st.name), func(t *testing.T) {
				m, _ := finished(t, refusedOutcomes())
				m, _ = send(t, m, tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
				m, cmd := press(t, m, st.keys...)
				m = settle(t, m, cmd)
				view := m.View().Content
				checkFits(t, view, sz.w, sz.h)
				if strings.Contains(view, "\x1b[2J") || strings.Contains(view, "\x07") {
					t.Error("a control sequence from the log reached the terminal")
				}
				golden.RequireEqual(t, ansi.Strip(view))
			})
		}
	}
}

// TestViewRunning pins the first frame: every check spinning, the
// verdict still deciding, and only the keys that apply in the help bar.
func TestViewRunning(t *testing.T) {
	f := newFakeRun(refusedOutcomes())
	m := newModel(context.Background(), testCase(), f.run, fixedExec)
	view := m.View().Content
	checkFits(t, view, 80, 24)
	if n := len(strings.Split(view, "\n")); n != 24 {
		t.Errorf("first frame has %d lines, want 24", n)
	}
	golden.RequireEqual(t, ansi.Strip(view))
}

// TestViewTiny keeps a too-small window from breaking the layout.
func TestViewTiny(t *testing.T) {
	m, _ := finished(t, refusedOutcomes())
	m, _ = send(t, m, tea.WindowSizeMsg{Width: 40, Height: 12})
	checkFits(t, m.View().Content, 40, 12)
}

func TestViewSanitizes(t *testing.T) {
	m, _ := finished(t, refusedOutcomes())
	m, _ = send(t, m, tea.WindowSizeMsg{Width: 160, Height: 50})
	view := m.View().Content
	if !strings.Contains(ansi.Strip(view), `GET /\x1b[2J\x07login`) {
		t.Errorf("the escape in the log line is not shown escaped:\n%s", ansi.Strip(view))
	}
	if strings.Contains(view, "\x1b[2J") {
		t.Error("raw ESC[2J from a log line reached the view")
	}
}

func BenchmarkRender(b *testing.B) {
	benchRender(b, newModel(context.Background(), testCase(), newFakeRun(refusedOutcomes()).run, fixedExec))
}

// benchRender brings m's steps in, then times one key and one frame.
func benchRender(b *testing.B, m model) {
	for _, msg := range collect(m.Init()) {
		next, cmd := m.Update(msg)
		m = next.(model)
		for _, msg := range collect(cmd) {
			next, _ = m.Update(msg)
			m = next.(model)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		next, _ := m.Update(keypress("j"))
		_ = next.(model).View()
	}
}
