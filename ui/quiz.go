package ui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"ngx502/steps"
)

// quizState is the lab's quiz: the verdict stays hidden until the learner
// picks the cause they believe, then the wizard says whether it was right
// and why. Off (the zero value) the wizard is the plain one.
type quizState struct {
	on      bool
	answer  steps.CauseID // the lab scenario's real cause; "" ⇒ ngx502's verdict
	choices []steps.Explanation
	words   []string // the catalogue's cause IDs and titles, to conceal
	picking bool     // the cause list has the focus
	showing bool     // the result pane has the focus
	sel     int
	picked  steps.CauseID // "" until the learner picked
	result  quizResult
	vp      viewport.Model
}

// quizResult is the judgement at the moment of the pick: later runs may
// change the verdict, the answer given does not change.
type quizResult struct {
	truth    steps.CauseID
	right    bool
	verdict  steps.Verdict // ngx502's verdict when the learner picked
	evidence []string      // what decides the truth
	second   bool          // the pick is one of the verdict's runner-ups
}

// newQuiz is the quiz the options ask for; off unless o.Quiz.
func newQuiz(o Options) quizState {
	q := quizState{on: o.Quiz, answer: o.QuizAnswer}
	if !q.on {
		return q
	}
	for _, e := range steps.Explanations() {
		// "incomplete" and "unknown" say ngx502 could not look, not what
		// is wrong with the setup: no learner's answer.
		if e.Cause != steps.CauseIncomplete && e.Cause != steps.CauseUnknown {
			q.choices = append(q.choices, e)
		}
		// Plain words such as "healthy" or "unknown" stay, unless they are
		// the answer (concealer adds it).
		if strings.Contains(string(e.Cause), "-") {
			q.words = append(q.words, string(e.Cause))
		}
		q.words = append(q.words, e.Title)
	}
	q.vp = viewport.New(viewport.WithWidth(78), viewport.WithHeight(16))
	return q
}

// withQuiz turns quiz mode on or off and redraws, so even the first
// frame hides the answer.
func (m model) withQuiz(o Options) model {
	m.quiz = newQuiz(o)
	m.refresh()
	return m
}

// hides is true while the answer must not be on screen.
func (q quizState) hides() bool { return q.on && q.picked == "" }

// focused is true when the cause list or the result has the keys.
func (q quizState) focused() bool { return q.picking || q.showing }

// canAnswer: a pick needs the whole evidence, so every step must be in.
func (m model) canAnswer() bool { return m.decided && !m.busy() }

// truth is the cause the learner is judged against.
func (m model) truth() steps.CauseID {
	if m.quiz.answer != "" {
		return m.quiz.answer
	}
	return m.verdict.Cause
}

// answerKey is v: open the cause list, or the result once answered.
func (m *model) answerKey() {
	switch {
	case m.quiz.picked != "":
		m.quiz.showing = true
		m.quiz.vp.GotoTop()
	case m.canAnswer():
		m.quiz.picking = true
	}
}

// quizKey handles keys while the cause list or the result has the focus.
func (m *model) quizKey(msg tea.KeyPressMsg) tea.Cmd {
	k, q := m.keys, &m.quiz
	switch {
	case key.Matches(msg, k.Back):
		q.picking, q.showing = false, false
	case q.picking && key.Matches(msg, k.QuizUp):
		q.sel = max(q.sel-1, 0)
	case q.picking && key.Matches(msg, k.QuizDown):
		q.sel = min(q.sel+1, len(q.choices)-1)
	case q.picking && key.Matches(msg, k.Pick):
		m.pick(q.choices[q.sel].Cause)
	case key.Matches(msg, k.QuizUp):
		q.vp.ScrollUp(1)
	case key.Matches(msg, k.QuizDown):
		q.vp.ScrollDown(1)
	case key.Matches(msg, k.PageUp):
		q.vp.PageUp()
	case key.Matches(msg, k.PageDown):
		q.vp.PageDown()
	}
	return nil
}

// pick judges the learner's answer and opens the result.
func (m *model) pick(c steps.CauseID) {
	v := m.verdict
	r := quizResult{truth: m.truth(), verdict: v}
	r.right = c == r.truth
	if r.truth == v.Cause {
		r.evidence = append(r.evidence, v.Evidence...)
	} else {
		r.evidence = m.findingEvidence(r.truth)
	}
	for _, ru := range v.RunnerUps {
		r.second = r.second || (ru.Cause == c && !r.right)
	}
	q := &m.quiz
	q.picked, q.result, q.picking, q.showing = c, r, false, true
	q.vp.GotoTop()
	if r.right {
		m.notice = "✓ right: " + string(r.truth)
	} else {
		m.notice = "✗ not quite: it is " + string(r.truth)
	}
}

// findingEvidence gathers what the steps found for cause, once each line:
// the lab's answer when ngx502's verdict names another cause.
func (m model) findingEvidence(cause steps.CauseID) []string {
	var out []string
	for _, o := range m.outcomes(false) {
		for _, f := range o.Findings {
			if f.Cause != cause {
				continue
			}
			for _, e := range f.Evidence {
				if !slices.Contains(out, e) {
					out = append(out, e)
				}
			}
		}
	}
	return out
}

// quizSummary is the quiz's line for the scrollback after the wizard.
func (m model) quizSummary() string {
	q := m.quiz
	switch {
	case !q.on:
		return ""
	case q.picked == "":
		return "Quiz not answered; ngx502's verdict:\n"
	case q.result.right:
		return fmt.Sprintf("Quiz: you picked %s ✓ right\n", q.picked)
	}
	return fmt.Sprintf("Quiz: you picked %s ✗ not quite: it is %s\n", q.picked, q.result.truth)
}

// syncQuizKeys enables the quiz's keys; it runs after syncKeys, which
// already disabled the wizard's own while the quiz has the focus.
func (m *model) syncQuizKeys() {
	k, q := &m.keys, m.quiz
	k.Answer.SetEnabled(q.on && !q.focused() && !m.confirm.open && (q.picked != "" || m.canAnswer()))
	if q.picked != "" {
		k.Answer.SetHelp("v", "quiz")
	} else {
		k.Answer.SetHelp("v", "answer")
	}
	k.QuizUp.SetEnabled(q.focused())
	k.QuizDown.SetEnabled(q.focused())
	k.Pick.SetEnabled(q.picking)
	k.Back.SetEnabled(q.focused())
	if q.picking {
		k.QuizUp.SetHelp("↑/↓", "choose")
		k.Back.SetHelp("esc", "back")
	} else {
		k.QuizUp.SetHelp("↑/↓", "scroll")
		k.Back.SetHelp("esc", "close")
	}
	if q.showing {
		k.PageUp.SetEnabled(!q.vp.AtTop())
		k.PageDown.SetEnabled(!q.vp.AtBottom())
	}
	if q.hides() {
		// The confirm dialog would show step 5's proposals: the answer.
		k.Restart.SetEnabled(false)
	}
}

// quizMasked is the model as the detail pane may show it before the pick:
// no cause, title or fix in steps 1–4, nothing of step 5 but its state.
func (m model) quizMasked() model {
	hide := m.concealer()
	masked := make([]stepState, len(m.steps))
	for i, s := range m.steps {
		masked[i] = s
		if !s.has {
			continue
		}
		if i == restartIdx {
			masked[i].out = steps.Outcome{Step: s.out.Step, Status: s.out.Status,
				Summary: "step 5 proposes the fix: it shows once you answer (v)"}
			continue
		}
		masked[i].out = maskOutcome(s.out, hide)
	}
	m.steps = masked
	m.decided = false // no "about <cause>" in learn mode
	return m
}

// maskOutcome keeps the facts of an outcome and drops what names a cause.
func maskOutcome(o steps.Outcome, hide func(string) string) steps.Outcome {
	o.Summary = hide(o.Summary)
	o.Checks = slices.Clone(o.Checks)
	for i, c := range o.Checks {
		o.Checks[i].Name, o.Checks[i].Result, o.Checks[i].Command = hide(c.Name), hide(c.Result), hide(c.Command)
	}
	fs := make([]steps.Finding, len(o.Findings))
	for i, f := range o.Findings {
		title := string(f.Kind)
		if f.Current {
			title += ", still happening"
		}
		ev := make([]string, len(f.Evidence))
		for j, e := range f.Evidence {
			ev[j] = hide(e)
		}
		fs[i] = steps.Finding{Cause: "finding", Title: title, Where: hide(f.Where), Evidence: ev}
	}
	o.Findings, o.Actions = fs, nil
	return o
}

// concealer replaces what would give the answer away with "[?]": every
// cause ID and title, and the titles and fixes the steps wrote. A summary
// such as step 2's "1 of 1 upstreams fail: upstream-refused …" keeps its
// facts and loses its conclusion.
func (m model) concealer() func(string) string {
	words := slices.Clone(m.quiz.words)
	add := func(s string) {
		if s = strings.TrimSpace(s); len(s) >= 4 {
			words = append(words, s)
		}
	}
	add(string(m.truth()))
	add(string(m.verdict.Cause))
	add(m.verdict.Title)
	add(m.verdict.Fix)
	for _, s := range m.steps {
		for _, f := range s.out.Findings {
			add(f.Title)
			add(f.Fix)
		}
	}
	// Longest first: a title wins over the cause ID inside it.
	slices.SortFunc(words, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
	pairs := make([]string, 0, 2*len(words))
	for _, w := range slices.Compact(words) {
		pairs = append(pairs, w, "[?]")
	}
	r := strings.NewReplacer(pairs...)
	return r.Replace
}
