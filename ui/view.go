package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"ngx502/steps"
)

// View draws header, verdict, step list with detail, and the help bar.
func (m model) View() tea.View {
	if m.quitting {
		// Run prints the plain verdict after quit; leave no half frame.
		return tea.NewView("")
	}
	v := tea.NewView(m.render())
	v.AltScreen = m.altScreen
	v.WindowTitle = "ngx502"
	return v
}

// render is the whole screen as a string, one line per terminal row.
func (m model) render() string {
	d := m.dims()
	parts := []string{m.headerLine(d)}
	parts = append(parts, m.verdictLines(d)...)
	parts = append(parts, m.ruleLine(d, ""))
	if m.confirm.open {
		// The dialog takes the whole width: the exact command must be
		// readable in full, never cut, before anyone says yes.
		parts = append(parts, m.confirmView(d.w, d.body))
	} else if m.quiz.focused() {
		parts = append(parts, m.quizBody(d))
	} else {
		parts = append(parts, lipgloss.JoinHorizontal(lipgloss.Top, m.listColumn(d), m.sepColumn(d), m.vp.View()))
	}
	notice := m.notice
	if m.quiz.hides() && notice != "" {
		notice = m.concealer()(notice) // a followed log line names its cause
	}
	parts = append(parts, m.ruleLine(d, notice))
	parts = append(parts, m.helpLines(d)...)
	return strings.Join(parts, "\n")
}

// headerLine: " ngx502 · nginx 1.22.1 · /etc/nginx/nginx.conf   ⏎ run  ? help".
func (m model) headerLine(d dims) string {
	hint := "? help"
	if m.keys.Run.Enabled() {
		hint = "⏎ run  " + hint
	}
	hint += " "
	conf := "no config"
	if m.c.Install.Conf != "" {
		conf = clean(m.c.Install.Conf)
	}
	left := " " + m.st.brand.Render("ngx502") + m.st.header.Render(" · "+clean(m.c.Version())+" · "+conf)
	room := d.w - lipgloss.Width(hint) - 1
	return fit(left, room) + " " + m.st.header.Render(hint)
}

// verdictLines is the answer: cause, evidence and fix, always the same
// height so the screen does not jump while steps come in.
func (m model) verdictLines(d dims) []string {
	if m.quiz.hides() {
		return m.quizVerdictLines(d)
	}
	label := m.st.verdict.Render("VERDICT") + "  "
	pad := strings.Repeat(" ", 10)
	lines := make([]string, 0, d.evidence+2)
	if !m.decided {
		in := 0
		for _, s := range m.steps[:restartIdx] {
			if s.has {
				in++
			}
		}
		lines = append(lines, fit(" "+label+m.st.muted.Render(fmt.Sprintf("deciding… (%d of 4 checks in)", in)), d.w))
	} else {
		v := m.verdict
		// Cause and subject are the most concrete part: they lead, and
		// the title is what gets cut.
		head := clean(string(v.Cause))
		if m.partial {
			head = "(partial) " + head
		}
		if v.Subject != "" {
			head += " " + clean(v.Subject)
		}
		if v.Confidence != "" {
			head += " · " + string(v.Confidence)
		}
		head += ": "
		room := d.w - 10 - lipgloss.Width(head)
		head += cut(clean(v.Title), max(room, 10))
		style := m.st.fail
		if v.Cause == steps.CauseHealthy {
			style = m.st.pass
		}
		lines = append(lines, fit(" "+label+style.Render(head), d.w))
		// The fix is what the admin came for: it may take a second line
		// from the evidence rather than be cut.
		fix := wrapIndent("fix: "+clean(v.Fix), d.w-len(pad), "     ")
		if keep := min(2, d.evidence); len(fix) > keep {
			fix = fix[:keep]
			fix[keep-1] = cut(fix[keep-1]+" …", d.w-len(pad))
		}
		evidence := max(d.evidence-(len(fix)-1), 1)
		also := ""
		if len(v.RunnerUps) > 0 && evidence > 1 {
			// The strongest alternative always shows: a verdict is a
			// judgement, and the admin should see what came second.
			also = runnerUpLine(v.RunnerUps[0])
			evidence--
		}
		for i, e := range v.Evidence {
			if i == evidence {
				break
			}
			lines = append(lines, fit(pad+m.st.evidence.Render(clean(e)), d.w))
		}
		if also != "" {
			lines = append(lines, fit(pad+m.st.muted.Render(also), d.w))
		}
		for len(lines) < d.evidence+2-len(fix) {
			lines = append(lines, fit("", d.w))
		}
		for _, f := range fix {
			lines = append(lines, fit(pad+m.st.fix.Render(f), d.w))
		}
	}
	for len(lines) < d.evidence+2 {
		lines = append(lines, fit("", d.w))
	}
	return lines
}

// ruleLine is a horizontal rule, optionally carrying a notice.
func (m model) ruleLine(d dims, notice string) string {
	width := d.w - 2
	if notice == "" {
		return " " + m.st.rule.Render(strings.Repeat("─", width)) + " "
	}
	text := cut(" "+notice+" ", width-2)
	rest := max(width-2-lipgloss.Width(text), 0)
	return " " + m.st.rule.Render("──") + m.st.notice.Render(text) + m.st.rule.Render(strings.Repeat("─", rest)) + " "
}

// listColumn is the step list: marker, glyph, number, title.
func (m model) listColumn(d dims) string {
	lines := make([]string, d.body)
	for i := range lines {
		lines[i] = strings.Repeat(" ", listWidth)
	}
	for i, s := range m.steps {
		if i >= d.body {
			break
		}
		marker := " "
		if i == m.sel {
			marker = "›"
		}
		g := m.glyph(s.out.Status, s.state == running)
		switch {
		case s.state == running:
		case !s.has:
			g = m.st.pending.Render("·")
		}
		row := fit(fmt.Sprintf("%s %d %s", g, s.info.Number, s.info.Title), listWidth-1)
		if i == m.sel {
			row = m.st.selected.Render(row)
		}
		lines[i] = marker + row
	}
	return strings.Join(lines, "\n")
}

// sepColumn is the "│ " between list and detail.
func (m model) sepColumn(d dims) string {
	col := m.st.rule.Render("│") + " "
	return strings.TrimSuffix(strings.Repeat(col+"\n", d.body), "\n")
}

// helpLines is the help bar, padded to its reserved height.
func (m model) helpLines(d dims) []string {
	lines := strings.Split(" "+m.help.View(m.keys), "\n")
	for i := 1; i < len(lines); i++ {
		lines[i] = " " + lines[i]
	}
	for len(lines) < d.helpHeight {
		lines = append(lines, "")
	}
	for i := range lines {
		lines[i] = cut(lines[i], d.w)
	}
	return lines[:d.helpHeight]
}

// glyph is a status mark: ✓ pass, ! warn, ✗ fail, · skipped or pending,
// the spinner while running.
func (m model) glyph(s steps.Status, isRunning bool) string {
	if isRunning {
		return m.spin.View()
	}
	switch s {
	case steps.Pass:
		return m.st.pass.Render("✓")
	case steps.Warn:
		return m.st.warn.Render("!")
	case steps.Fail:
		return m.st.fail.Render("✗")
	}
	return m.st.pending.Render("·")
}
