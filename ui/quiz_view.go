package ui

import (
	"fmt"
	"slices"
	"strings"

	"ngx502/steps"
)

// quizVerdictLines stand in for the verdict until the learner answers;
// same height, so the screen does not jump when it is revealed.
func (m model) quizVerdictLines(d dims) []string {
	label := m.st.verdict.Render("VERDICT") + "  "
	pad := strings.Repeat(" ", 10)
	head := "Quiz: what causes this 502? press v to answer"
	if !m.canAnswer() {
		in := 0
		for _, s := range m.steps {
			if s.has && s.state == done {
				in++
			}
		}
		head = fmt.Sprintf("Quiz: what causes this 502? wait for the steps to finish (%d of %d in)", in, len(m.steps))
	}
	lines := []string{fit(" "+label+m.st.title.Render(head), d.w)}
	for _, hint := range wrapIndent("Read each step's findings and checks (↑/↓, l why), then pick a cause.", d.w-len(pad), "") {
		if len(lines) < d.evidence+1 {
			lines = append(lines, fit(pad+m.st.muted.Render(hint), d.w))
		}
	}
	for len(lines) < d.evidence+2 {
		lines = append(lines, fit("", d.w))
	}
	return lines
}

// quizBody is the body while the quiz has the focus: the cause list or
// the result, the full width of the screen.
func (m model) quizBody(d dims) string {
	if m.quiz.showing {
		return m.quiz.vp.View()
	}
	return m.pickView(d.w, d.body)
}

// pickView lists the causes, one line each, scrolled so the selection
// stays in view on a small screen.
func (m model) pickView(w, h int) string {
	q := m.quiz
	rows := max(h-1, 1)
	title := fmt.Sprintf(" Quiz: which cause do you believe? (%d of %d)", q.sel+1, len(q.choices))
	lines := []string{m.st.title.Render(fit(title, w))}
	// The selection sits in the middle of the window where it can.
	top := max(0, min(q.sel-rows/2, len(q.choices)-rows))
	idw := 0
	for _, c := range q.choices {
		idw = max(idw, len(c.Cause))
	}
	for i := top; i < len(q.choices) && len(lines) <= rows; i++ {
		c := q.choices[i]
		row := fmt.Sprintf("%-*s  %s", idw, c.Cause, c.Title)
		if i == q.sel {
			lines = append(lines, m.st.selected.Render(fit("› "+row, w)))
		} else {
			lines = append(lines, fit("  "+row, w))
		}
	}
	for len(lines) < h {
		lines = append(lines, fit("", w))
	}
	return strings.Join(lines[:h], "\n")
}

// refreshQuiz sizes the result pane and fills it; called by refresh.
func (m *model) refreshQuiz(d dims) {
	if !m.quiz.on || m.quiz.picked == "" {
		return
	}
	m.quiz.vp.SetWidth(d.w)
	m.quiz.vp.SetHeight(d.body)
	m.quiz.vp.SetContentLines(m.resultLines(d.w - 2))
}

// resultLines say whether the pick was right, the evidence that decides
// it and the real cause explained; w is the text's width.
func (m model) resultLines(w int) []string {
	q, st := m.quiz, m.st
	r := q.result
	var l []string
	add := func(line string) { l = append(l, " "+cut(line, w)) }
	title := steps.CauseOf(r.truth).Title
	// Words, not colour alone, say right or wrong.
	judged, style := "✓ right: ", st.pass
	if !r.right {
		judged, style = "✗ not quite: it is ", st.fail
	}
	for _, line := range wrapIndent(judged+string(r.truth)+" — "+title, w, "  ") {
		add(style.Render(line))
	}
	if !r.right {
		add(st.muted.Render("  you picked " + string(q.picked) + " — " + steps.CauseOf(q.picked).Title))
		if r.second {
			add(st.muted.Render("  ngx502 saw signs of it too, but it came second"))
		}
	}
	if r.truth != r.verdict.Cause {
		add(st.muted.Render("  ngx502's own verdict: " + clean(string(r.verdict.Cause)) + " — " + clean(r.verdict.Title)))
	}
	l = append(l, "")
	add(st.title.Render("The evidence that decides it"))
	if len(r.evidence) == 0 {
		add("  ngx502 found none for it in this run")
	}
	for _, e := range r.evidence {
		for _, line := range wrapIndent("· "+clean(e), w-2, "  ") {
			add("  " + line)
		}
	}
	if v := r.verdict; r.truth == v.Cause && v.Rule != "" {
		add(st.muted.Render(fmt.Sprintf("  rule %q · confidence %s", clean(v.Rule), v.Confidence)))
	}
	if r.truth == r.verdict.Cause && r.verdict.Fix != "" {
		for _, line := range wrapIndent("fix: "+clean(r.verdict.Fix), w-2, "     ") {
			add("  " + st.fix.Render(line))
		}
	}
	if e, ok := steps.Explain(r.truth); ok {
		l = append(l, "")
		// Its first line is the cause and title, said above already.
		text := strings.Split(strings.TrimRight(e.Text(w), "\n"), "\n")
		if i := slices.Index(text, ""); i >= 0 {
			text = text[i+1:]
		}
		for _, line := range text {
			if line != "" && !strings.HasPrefix(line, " ") {
				line = st.title.Render(line) // the headings
			}
			add(line)
		}
		l = append(l, "")
		add(st.command.Render("$ ngx502 explain " + string(r.truth)))
	}
	return l
}
