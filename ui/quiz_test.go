package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"ngx502/steps"
)

// quizStart is the wizard in quiz mode on the "backend down" fixture,
// before any step came back.
func quizStart(t *testing.T, answer steps.CauseID) model {
	t.Helper()
	f := newFakeRun(refusedOutcomes())
	m := newModel(context.Background(), testCase(), f.run, fixedExec)
	return m.withQuiz(Options{Quiz: true, QuizAnswer: answer})
}

// quizDone is the quiz with every step in.
func quizDone(t *testing.T, answer steps.CauseID) model {
	t.Helper()
	m := quizStart(t, answer)
	return settle(t, m, m.Init())
}

// pickCause opens the list with v, moves to cause with j and picks it.
func pickCause(t *testing.T, m model, cause steps.CauseID) model {
	t.Helper()
	m, _ = press(t, m, "v")
	if !m.quiz.picking {
		t.Fatalf("v did not open the cause list:\n%s", screen(m))
	}
	want := slices.IndexFunc(m.quiz.choices, func(e steps.Explanation) bool { return e.Cause == cause })
	if want < 0 {
		t.Fatalf("%s is not in the cause list", cause)
	}
	for range want {
		m, _ = press(t, m, "j")
	}
	if got := m.quiz.choices[m.quiz.sel].Cause; got != cause {
		t.Fatalf("after %d downs the selection is %s, want %s", want, got, cause)
	}
	if !strings.Contains(screen(m), "› "+string(cause)) {
		t.Fatalf("the selected cause is not marked on screen:\n%s", screen(m))
	}
	m, _ = press(t, m, "enter")
	return m
}

// giveaways are what the learner must not read before answering: the
// verdict's cause, its title (a prefix: titles are cut on screen), the
// fix and step 5's proposals (its learn-mode command is the same on every
// box, so it tells nothing).
func giveaways(m model) []string {
	v := m.verdict
	return []string{string(v.Cause), v.Title[:min(len(v.Title), 26)], v.Fix,
		"restart app.service", "actions (r to review", "proposed:"}
}

func TestQuizHidesTheAnswer(t *testing.T) {
	m := quizStart(t, "")
	if s := screen(m); !strings.Contains(s, "wait for the steps to finish (0 of 5 in)") {
		t.Errorf("before results the quiz should ask to wait:\n%s", s)
	}
	if m, _ = press(t, m, "v"); m.quiz.picking {
		t.Error("v opened the cause list while the steps run")
	}
	m = settle(t, m, m.Init())
	if m.verdict.Cause != steps.CauseRefused || m.verdict.Fix == "" {
		t.Fatalf("fixture verdict = %q fix %q, want upstream-refused with a fix", m.verdict.Cause, m.verdict.Fix)
	}
	hidden := giveaways(m)
	if m.keys.Restart.Enabled() {
		t.Error("r (the confirm dialog lists step 5's proposals) is offered before the pick")
	}
	seen := map[string]bool{}
	for _, sz := range []struct{ w, h int }{{80, 24}, {160, 50}} {
		m, _ := send(t, m, tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
		for _, learn := range []bool{false, true} {
			if m.learn != learn {
				m, _ = press(t, m, "l")
			}
			for i := range m.steps {
				m.selectStep(i)
				m, _ = press(t, m, "r") // does nothing: no dialog
				s := screen(m)
				for _, h := range hidden {
					if strings.Contains(s, h) {
						t.Errorf("%dx%d learn=%v step %d shows %q before the pick:\n%s", sz.w, sz.h, learn, i+1, h, s)
					}
				}
				for _, ev := range []string{"37× connect() failed (111: Connection refused)", "no socket in LISTEN state", "dial tcp 127.0.0.1:8080: connect: connection refused", "1 of 1 upstreams fail"} {
					seen[ev] = seen[ev] || strings.Contains(s, ev)
				}
			}
		}
	}
	for ev, ok := range seen {
		if !ok {
			t.Errorf("the evidence %q never showed: the learner needs it", ev)
		}
	}
	// A followed log line names its cause in the notice: concealed too.
	m.follow.on, m.follow.gen = true, 1
	ev := steps.Event{Time: time.Now(), Cause: steps.CauseRefused, Subject: "127.0.0.1:8080", Line: "connect() failed (111: Connection refused)"}
	m, _ = send(t, m, followMsg{gen: 1, ev: ev, ok: true})
	if s := screen(m); !strings.Contains(s, "following · 1 new") || strings.Contains(s, string(steps.CauseRefused)) {
		t.Errorf("a followed event gave the cause away (or did not show):\n%s", s)
	}
}

func TestQuizWrongPick(t *testing.T) {
	m := quizDone(t, "")
	m = pickCause(t, m, steps.CauseTimeout)
	q := m.quiz
	if q.picked != steps.CauseTimeout || q.result.right || q.result.truth != steps.CauseRefused || !q.showing {
		t.Fatalf("after a wrong pick: picked %q right %v truth %q showing %v", q.picked, q.result.right, q.result.truth, q.showing)
	}
	if !slices.Equal(q.result.evidence, m.verdict.Evidence) || len(q.result.evidence) == 0 {
		t.Errorf("the deciding evidence %q is not the verdict's %q", q.result.evidence, m.verdict.Evidence)
	}
	s := screen(m)
	for _, want := range []string{
		"✗ not quite: it is upstream-refused — connection refused",
		"you picked upstream-timeout — the upstream did not answer in time",
		"The evidence that decides it",
		"· 37× connect() failed (111: Connection refused) while connecting to",
		"· no listener on 127.0.0.1:8080; app.service is inactive",
		"What it means",
		"↑/↓ scroll", "esc close",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the result lacks %q:\n%s", want, s)
		}
	}
	m, _ = press(t, m, "esc")
	if m.quiz.showing || m.quiz.picking {
		t.Fatal("esc did not close the result")
	}
	s = screen(m)
	if !strings.Contains(s, "VERDICT  upstream-refused") || !strings.Contains(s, "fix: sudo systemctl start app.service") {
		t.Errorf("after the pick the verdict should be shown:\n%s", s)
	}
	if !strings.Contains(s, "✗ not quite: it is upstream-refused") {
		t.Errorf("the notice should keep the judgement:\n%s", s)
	}
	// Normal keys work again: step 5's proposals, the dialog, v reopens.
	m, _ = press(t, m, "r")
	if !m.confirm.open {
		t.Error("r does not open the confirm dialog after the pick")
	}
	m, _ = press(t, m, "esc", "v")
	if !m.quiz.showing || m.quiz.picked != steps.CauseTimeout {
		t.Error("v after the pick does not reopen the result, or changed the pick")
	}
	if got := m.quizSummary(); got != "Quiz: you picked upstream-timeout ✗ not quite: it is upstream-refused\n" {
		t.Errorf("scrollback line = %q", got)
	}
}

func TestQuizRightPick(t *testing.T) {
	m := quizDone(t, steps.CauseRefused)
	m = pickCause(t, m, steps.CauseRefused)
	if !m.quiz.result.right || m.quiz.picked != steps.CauseRefused {
		t.Fatalf("a right pick was judged wrong: %+v", m.quiz.result)
	}
	s := screen(m)
	if !strings.Contains(s, "✓ right: upstream-refused — connection refused") || strings.Contains(s, "not quite") {
		t.Errorf("the result should say right:\n%s", s)
	}
	if !strings.Contains(s, `rule "observed and confirmed"`) {
		t.Errorf("the result should name the verdict rule that decides it:\n%s", s)
	}
	// The explanation is long: it scrolls to its end.
	if !m.keys.PageDown.Enabled() {
		t.Fatal("pgdn not offered on a result longer than the pane")
	}
	for n := 0; m.keys.PageDown.Enabled(); n++ {
		if n > 50 {
			t.Fatal("pgdn never reached the end of the result")
		}
		m, _ = press(t, m, "pgdown")
	}
	if s := screen(m); !strings.Contains(s, "$ ngx502 explain upstream-refused") {
		t.Errorf("the end of the result lacks the explain command:\n%s", s)
	}
	m, _ = press(t, m, "k")
	if m.quiz.vp.AtBottom() {
		t.Error("k did not scroll the result up")
	}
	if got := m.quizSummary(); got != "Quiz: you picked upstream-refused ✓ right\n" {
		t.Errorf("scrollback line = %q", got)
	}
}

// TestQuizLabAnswer judges against the scenario's cause, not ngx502's.
func TestQuizLabAnswer(t *testing.T) {
	m := quizDone(t, steps.CauseLocalhostIPv6)
	m = pickCause(t, m, steps.CauseRefused)
	if m.quiz.result.right || m.quiz.result.truth != steps.CauseLocalhostIPv6 {
		t.Fatalf("judged against %q (right %v), want the lab's localhost-ipv6", m.quiz.result.truth, m.quiz.result.right)
	}
	s := screen(m)
	for _, want := range []string{"✗ not quite: it is localhost-ipv6", "ngx502's own verdict: upstream-refused", "ngx502 found none for it in this run"} {
		if !strings.Contains(s, want) {
			t.Errorf("the result lacks %q:\n%s", want, s)
		}
	}
}

func TestQuizListScrollsAndBacksOut(t *testing.T) {
	m := quizDone(t, "")
	m, _ = press(t, m, "v", "k")
	if m.quiz.sel != 0 {
		t.Errorf("k at the top moved to %d", m.quiz.sel)
	}
	n := len(m.quiz.choices)
	if n < 20 || slices.ContainsFunc(m.quiz.choices, func(e steps.Explanation) bool { return e.Cause == steps.CauseIncomplete }) {
		t.Fatalf("the list has %d causes (or offers incomplete): want the catalogue's causes", n)
	}
	for range n + 3 {
		m, _ = press(t, m, "down")
	}
	if m.quiz.sel != n-1 {
		t.Errorf("down past the end: sel %d, want %d", m.quiz.sel, n-1)
	}
	s := screen(m)
	last, first := m.quiz.choices[n-1], m.quiz.choices[0]
	if !strings.Contains(s, "› "+string(last.Cause)) || strings.Contains(s, " "+string(first.Cause)+" ") {
		t.Errorf("the list did not scroll to its end:\n%s", s)
	}
	checkFits(t, m.View().Content, 80, 24)
	m, _ = press(t, m, "esc")
	if m.quiz.picking || m.quiz.picked != "" || !m.quiz.hides() {
		t.Error("esc from the list should go back without a pick")
	}
	if got := m.quizSummary(); got != "Quiz not answered; ngx502's verdict:\n" {
		t.Errorf("scrollback line = %q", got)
	}
}

func TestQuizOffIsThePlainWizard(t *testing.T) {
	m, _ := finished(t, refusedOutcomes())
	m, _ = press(t, m, "v")
	if m.quiz.picking || m.keys.Answer.Enabled() || m.quizSummary() != "" {
		t.Error("quiz keys work without quiz mode")
	}
	if !strings.Contains(screen(m), "VERDICT  upstream-refused") {
		t.Errorf("the plain wizard hides its verdict:\n%s", screen(m))
	}
}

// TestQuizView pins the three quiz screens at 80×24.
func TestQuizView(t *testing.T) {
	states := []struct {
		name string
		keys []string
	}{
		{"hidden", nil},
		{"pick", []string{"v", "j"}},
		{"result", []string{"v", "j", "enter"}},
		{"revealed", []string{"v", "enter", "esc"}},
	}
	for _, st := range states {
		t.Run(fmt.Sprintf("80x24_%s", st.name), func(t *testing.T) {
			m := quizDone(t, "")
			m, _ = press(t, m, st.keys...)
			view := m.View().Content
			checkFits(t, view, 80, 24)
			golden.RequireEqual(t, ansi.Strip(view))
		})
	}
}

// TestQuizViewTiny keeps the quiz's screens inside a too-small window.
func TestQuizViewTiny(t *testing.T) {
	for _, keys := range [][]string{nil, {"v"}, {"v", "enter"}, {"v", "enter", "pgdown"}} {
		m := quizDone(t, "")
		m, _ = send(t, m, tea.WindowSizeMsg{Width: 40, Height: 12})
		m, _ = press(t, m, keys...)
		checkFits(t, m.View().Content, 40, 12)
	}
}

func BenchmarkQuizRender(b *testing.B) {
	benchRender(b, newModel(context.Background(), testCase(), newFakeRun(refusedOutcomes()).run, fixedExec).withQuiz(Options{Quiz: true}))
}
