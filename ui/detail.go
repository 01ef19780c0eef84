package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"ngx502/steps"
)

// learnVerdict teaches the verdict's cause before any restart: what it
// means, the mechanism behind it, and where to read all of it.
func (m model) learnVerdict(w int) []string {
	e, ok := steps.Explain(m.verdict.Cause)
	if !ok {
		return nil
	}
	learn, _, _ := strings.Cut(e.Learn, "\n")
	var l []string
	for _, text := range []string{"about " + string(e.Cause) + ": " + e.Meaning, "learn more: " + learn} {
		l = append(l, "")
		for _, line := range wrapIndent(clean(text), w, "  ") {
			l = append(l, m.st.muted.Render(line))
		}
	}
	return append(l, m.st.command.Render(cut("$ ngx502 explain "+string(e.Cause), w)))
}

// detailLines is the right pane for row i: summary, teaching lines in
// learn mode, findings, checks, and for step 5 the actions and the last
// execution. Every line is cut to the pane's width.
func (m model) detailLines(i int, d dims) []string {
	w := d.detail
	s := m.steps[i]
	st := m.st
	var l []string
	add := func(line string) { l = append(l, cut(line, w)) }

	switch {
	case s.state == running:
		what := "running"
		if s.has {
			what = "running again (last result below)"
		}
		add(m.spin.View() + " " + what + ": " + s.info.Title + "…")
	case s.state == cancelled && !s.has:
		add(st.warn.Render("· cancelled (ctrl+c) — enter runs it again"))
	case !s.has && i == restartIdx:
		add(st.pending.Render("· waits for steps 1–4, then proposes what to reload or restart"))
	case !s.has:
		add(st.pending.Render("· waiting to run"))
	}
	if s.has {
		add(m.glyph(s.out.Status, false) + " " + st.summary.Render(clean(s.out.Summary)))
		for _, line := range timelineLines(s.out.Timeline, w-2) {
			add("  " + st.muted.Render(line))
		}
	}
	if m.learn {
		for _, line := range wrapIndent("why: "+s.info.Why, w, "     ") {
			l = append(l, st.muted.Render(line))
		}
		for _, line := range wrapIndent("$ "+clean(s.info.Command), w, "    ") {
			l = append(l, st.command.Render(line))
		}
		if i == restartIdx && m.decided {
			l = append(l, m.learnVerdict(w)...)
		}
	}
	if !s.has {
		return l
	}
	evMax := max(3, d.body/3)
	for _, f := range s.out.Findings {
		l = append(l, "")
		add(st.fail.Render("▸ "+clean(string(f.Cause))) + ": " + clean(f.Title))
		if f.Where != "" {
			add("  where: " + clean(f.Where))
		}
		for j, e := range f.Evidence {
			if j == evMax {
				add(st.muted.Render(fmt.Sprintf("  … %d more (ngx502 report shows all)", len(f.Evidence)-evMax)))
				break
			}
			add("  " + clean(e))
		}
		if f.Fix != "" {
			// The fix is what the admin acts on: wrap it, up to 3 lines.
			fix := wrapIndent("  fix: "+clean(f.Fix), w, "       ")
			if len(fix) > 3 {
				fix = fix[:3]
				fix[2] = cut(fix[2]+" …", w) // the whole fix is in the verdict and the report
			}
			for _, line := range fix {
				l = append(l, st.fix.Render(line))
			}
		}
	}
	if len(s.out.Checks) > 0 {
		l = append(l, "", st.muted.Render("checks:"))
	}
	for _, c := range s.out.Checks {
		line := m.glyph(c.Status, false) + " " + clean(c.Name) + ": " + clean(c.Result)
		if c.Status == steps.Pass || lipgloss.Width(line) <= w {
			add(line)
		} else {
			// A failing check's result is the evidence: wrap it, up to 3 lines.
			add(m.glyph(c.Status, false) + " " + clean(c.Name) + ":")
			res := wrapIndent(clean(c.Result), w-2, "")
			for j, r := range res {
				if j == 3 {
					break
				}
				add("  " + r)
			}
		}
		if m.learn && c.Command != "" {
			// Commands are for copying: wrapped whole, never cut.
			for _, line := range wrapIndent("  $ "+clean(c.Command), w, "      ") {
				l = append(l, st.command.Render(line))
			}
		}
	}
	if i == restartIdx {
		l = append(l, m.actionLines(w)...)
	}
	return l
}

// actionLines lists step 5's proposals and the last execution's result.
func (m model) actionLines(w int) []string {
	st := m.st
	var l []string
	add := func(line string) { l = append(l, cut(line, w)) }
	if acts := m.actions(); len(acts) > 0 {
		l = append(l, "", st.muted.Render("actions (r to review and confirm):"))
		for _, a := range acts {
			add("→ " + clean(a.Label) + ": " + st.command.Render("$ "+clean(a.Command)))
			if a.Blocked != "" {
				add(st.fail.Render("  refused: " + clean(a.Blocked)))
			}
		}
	}
	switch {
	case m.exe.running:
		l = append(l, "")
		state := "running"
		if m.exe.cancelling {
			state = "cancelling"
		}
		add(m.spin.View() + " " + state + ": $ " + clean(m.exe.action.Command))
	case m.exe.result != nil:
		l = append(l, "")
		l = append(l, m.executionLines(*m.exe.result, w)...)
	}
	return l
}

// executionLines shows what a confirmed action did and whether the 502
// is gone, with the tail of its output.
func (m model) executionLines(ex steps.Execution, w int) []string {
	st := m.st
	var l []string
	add := func(line string) { l = append(l, cut(line, w)) }
	add(st.title.Render("ran: ") + st.command.Render("$ "+clean(ex.Action.Command)))
	if ex.Gate.Name != "" {
		add(m.glyph(ex.Gate.Status, false) + " gate " + clean(ex.Gate.Name) + ": " + clean(ex.Gate.Result))
	}
	if ex.Ran {
		add(fmt.Sprintf("  exit %d", ex.ExitCode))
		out := cleanLines(ex.Output)
		if len(out) > 6 {
			add(st.muted.Render(fmt.Sprintf("  … %d lines above", len(out)-6)))
			out = out[len(out)-6:]
		}
		for _, o := range out {
			add(st.muted.Render("  │ " + o))
		}
		if ex.Err != nil {
			add(st.fail.Render("  error: " + clean(ex.Err.Error())))
		}
	}
	if ex.After.Step != "" {
		add("re-probe (step 2): " + clean(ex.After.Summary))
	}
	switch {
	case ex.Fixed:
		add(st.pass.Render("✓ the 502 is gone"))
	case ex.Ran && ex.After.Step != "":
		add(st.fail.Render("✗ the 502 is still there"))
	}
	if ex.Summary != "" && !strings.Contains(ex.Summary, "502 is") {
		add(clean(ex.Summary))
	}
	return l
}
