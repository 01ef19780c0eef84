package ui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"ngx502/steps"
)

// confirm is the dialog between a proposed action and running it: it
// shows the exact argv and what it changes, and offers no "yes" when the
// action is blocked.
type confirm struct {
	open    bool
	actions []steps.Action
	idx     int
}

func (c confirm) current() steps.Action {
	if c.idx < 0 || c.idx >= len(c.actions) {
		return steps.Action{}
	}
	return c.actions[c.idx]
}

// actions are step 5's proposals, when it has planned.
func (m model) actions() []steps.Action {
	s := m.steps[restartIdx]
	if !s.has {
		return nil
	}
	return s.out.Actions
}

func (m *model) openConfirm() {
	acts := m.actions()
	if len(acts) == 0 || m.exe.running {
		return
	}
	m.confirm = confirm{open: true, actions: append([]steps.Action(nil), acts...)}
	m.selectStep(restartIdx)
}

// configIdx is step 3's row, which offers nginx -t when it may not run
// by itself.
const configIdx = 2

// testAction is step 3's offer to run nginx -t, when it has one.
func (m model) testAction() (steps.Action, bool) {
	s := m.steps[configIdx]
	if !s.has {
		return steps.Action{}, false
	}
	for _, a := range s.out.Actions {
		if a.ID == steps.ActionNginxT {
			return a, true
		}
	}
	return steps.Action{}, false
}

// openTestConfirm asks before nginx -t runs on a config root does not own.
func (m *model) openTestConfirm() {
	if a, ok := m.testAction(); ok {
		m.confirm = confirm{open: true, actions: []steps.Action{a}}
		m.selectStep(configIdx)
	}
}

// confirmKey handles keys while the dialog has the focus.
func (m *model) confirmKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Next):
		m.confirm.idx = (m.confirm.idx + 1) % len(m.confirm.actions)
	case key.Matches(msg, m.keys.No):
		m.confirm.open = false
	case key.Matches(msg, m.keys.Yes):
		a := m.confirm.current()
		if a.Blocked != "" || len(a.Argv) == 0 {
			return nil
		}
		m.confirm.open = false
		if a.ID == steps.ActionNginxT {
			// The admin agreed: step 3 runs again, now with nginx -t, and
			// step 5 plans from it.
			m.withCase(func(c *steps.Case) { c.Opts.NginxT = true })
			return m.rerun(configIdx)
		}
		return m.execCmd(a)
	}
	return nil
}

// confirmView renders the dialog in a w×h box (border and padding included).
func (m model) confirmView(w, h int) string {
	st := m.st.dialog
	inner := max(w-st.GetHorizontalFrameSize(), 10)
	a := m.confirm.current()
	title := "Run this?"
	if a.Blocked != "" {
		title = "Refused"
	}
	count := ""
	if n := len(m.confirm.actions); n > 1 {
		count = fmt.Sprintf("  (%d of %d · tab: next)", m.confirm.idx+1, n)
	}
	lines := []string{
		m.st.title.Render(fit(title+": "+clean(a.Label), inner-lipgloss.Width(count))) + m.st.muted.Render(count),
		"",
	}
	for _, l := range wrapIndent("$ "+clean(a.Command), inner, "    ") {
		lines = append(lines, m.st.command.Render(l))
	}
	if a.Changes != "" {
		lines = append(lines, wrapIndent("changes: "+clean(a.Changes), inner, "  ")...)
	}
	if a.Gated {
		lines = append(lines, wrapIndent("gate: nginx -t runs again right before; a failure stops it", inner, "  ")...)
	}
	argv := wrapIndent("argv: "+quoteArgv(a.Argv), inner, "  ")
	var foot []string
	if a.Blocked != "" {
		for _, l := range wrapIndent("✗ will not run: "+clean(a.Blocked), inner, "  ") {
			foot = append(foot, m.st.fail.Render(l))
		}
		foot = append(foot, fit("n/esc close", inner))
	} else {
		after := "after it runs, step 2 probes the upstreams again"
		if a.ID == steps.ActionNginxT {
			after = "step 3 runs again with nginx -t; step 5 plans from it"
		}
		foot = append(foot, fit(after, inner))
		foot = append(foot, m.st.summary.Render(fit("y/enter run it · n/esc cancel", inner)))
	}
	// The box is as tall as its text, at most the pane; the argv (the
	// same words as the $ line, quoted one by one) goes first when short
	// of room, the answer keys never.
	innerH := max(h-st.GetVerticalFrameSize(), 1)
	if len(lines)+len(argv)+1+len(foot) <= innerH {
		lines = append(lines, m.st.muted.Render(strings.Join(argv, "\n")))
	}
	lines = append(lines, "")
	if room := innerH - len(foot); len(lines) > room {
		lines = lines[:max(room, 0)]
	}
	lines = append(lines, foot...)
	return st.Width(w).Render(strings.Join(lines, "\n"))
}

// quoteArgv shows every argument exactly, quoted, escapes included.
func quoteArgv(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		q[i] = strconv.Quote(a)
	}
	return "[" + strings.Join(q, " ") + "]"
}
