package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// listWidth is the step list's column: "›✗ 1 Error log" plus air.
const listWidth = 18

// dims are the sizes of the screen's regions, derived from the window.
type dims struct {
	w, h       int
	evidence   int // verdict evidence lines
	body       int // step list / detail height
	detail     int // detail pane width
	helpHeight int
}

// dims grows the verdict's evidence and the body with the window; 80×24
// gets two evidence lines and a 16-line body.
func (m model) dims() dims {
	d := dims{w: max(m.width, 40), h: max(m.height, 12), helpHeight: 1}
	if m.help.ShowAll {
		d.helpHeight = 4
	}
	d.evidence = 2
	if d.h > 30 {
		d.evidence = min(2+(d.h-30)/4, 6)
	}
	if d.h < 20 {
		d.evidence = 1
	}
	fixed := 1 + (d.evidence + 2) + 1 + 1 + d.helpHeight
	d.body = max(d.h-fixed, 5)
	d.detail = max(d.w-listWidth-2, 20)
	return d
}

// refresh keeps the viewport and key bindings in step with the state; it
// runs after every Update so View stays a pure function of the model.
func (m *model) refresh() {
	d := m.dims()
	m.vp.SetWidth(d.detail)
	m.vp.SetHeight(d.body)
	src := *m
	if m.quiz.hides() {
		src = m.quizMasked()
	}
	m.vp.SetContentLines(src.detailLines(m.sel, d))
	m.refreshQuiz(d)
	m.help.SetWidth(d.w - 1)
	m.syncKeys()
	m.syncQuizKeys()
}

// syncKeys enables exactly the keys that do something now.
func (m *model) syncKeys() {
	k := &m.keys
	dlg := m.confirm.open || m.quiz.focused()
	sel := m.steps[m.sel]
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.Learn} {
		b.SetEnabled(!dlg)
	}
	k.Follow.SetEnabled(!dlg && len(m.c.ErrorLogs) > 0)
	if m.follow.on {
		k.Follow.SetHelp("f", "stop")
	} else {
		k.Follow.SetHelp("f", "follow")
	}
	canRun := sel.state != running && !m.exe.running
	if m.sel == restartIdx {
		canRun = canRun && m.checksIn() && !m.anyRunning(0, restartIdx)
	}
	k.Run.SetEnabled(!dlg && canRun)
	k.All.SetEnabled(!dlg && !m.busy())
	k.Restart.SetEnabled(!dlg && len(m.actions()) > 0 && !m.exe.running && m.steps[restartIdx].state != running)
	_, ask := m.testAction()
	k.Test.SetEnabled(!dlg && ask && m.steps[configIdx].state != running)
	k.PageUp.SetEnabled(!dlg && !m.vp.AtTop())
	k.PageDown.SetEnabled(!dlg && !m.vp.AtBottom())
	k.Next.SetEnabled(m.confirm.open && len(m.confirm.actions) > 1)
	k.Yes.SetEnabled(m.confirm.open && m.confirm.current().Blocked == "" && len(m.confirm.current().Argv) > 0)
	k.No.SetEnabled(m.confirm.open)
	if m.follow.on {
		k.Cancel.SetHelp("ctrl+c", "stop following")
	} else if m.busy() && !m.cancelling {
		k.Cancel.SetHelp("ctrl+c", "cancel probes")
	} else {
		k.Cancel.SetHelp("ctrl+c", "quit")
	}
}

// fit makes s exactly w cells wide: cut with … when longer, padded when
// shorter, so no line ever wraps into the next region.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) > w {
		s = ansi.Truncate(s, w, "…")
	}
	if pad := w - ansi.StringWidth(s); pad > 0 {
		s += strings.Repeat(" ", pad)
	}
	return s
}

// cut truncates s to w cells with … and does not pad.
func cut(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return ansi.Truncate(s, w, "…")
}

// wrapIndent word-wraps prose (the teaching "why" lines) to w cells,
// indenting continuation lines; prose wraps, data lines are cut.
func wrapIndent(s string, w int, indent string) []string {
	if w <= len(indent)+4 {
		return []string{cut(s, w)}
	}
	lines := strings.Split(lipgloss.Wrap(s, w, " "), "\n")
	out := []string{cut(lines[0], w)}
	if len(lines) > 1 {
		rest := strings.Join(lines[1:], " ")
		for _, l := range strings.Split(lipgloss.Wrap(rest, w-len(indent), " "), "\n") {
			out = append(out, cut(indent+l, w))
		}
	}
	return out
}
