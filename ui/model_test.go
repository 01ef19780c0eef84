package ui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ngx502/steps"
)

// keypress builds the key message a terminal would send for name.
func keypress(name string) tea.KeyPressMsg {
	switch name {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(name)[0]
	return tea.KeyPressMsg{Code: r, Text: string(r)}
}

// collect runs cmd and every command batched inside it, returning the
// messages the model cares about; the spinner's timed ticks and terminal
// queries are left out so tests never sleep.
func collect(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, collect(c)...)
		}
		return out
	case stepDoneMsg, execDoneMsg, followMsg, tea.QuitMsg:
		return []tea.Msg{msg}
	}
	return nil
}

// send feeds one message to the model.
func send(t *testing.T, m model, msg tea.Msg) (model, tea.Cmd) {
	t.Helper()
	next, cmd := m.Update(msg)
	nm, ok := next.(model)
	if !ok {
		t.Fatalf("Update returned %T, want model", next)
	}
	return nm, cmd
}

// settle feeds cmd's results back until nothing is left to run.
func settle(t *testing.T, m model, cmd tea.Cmd) model {
	t.Helper()
	queue := collect(cmd)
	for n := 0; len(queue) > 0; n++ {
		if n > 100 {
			t.Fatal("model did not settle after 100 messages")
		}
		msg := queue[0]
		queue = queue[1:]
		if _, ok := msg.(tea.QuitMsg); ok {
			continue
		}
		var c tea.Cmd
		m, c = send(t, m, msg)
		queue = append(queue, collect(c)...)
	}
	return m
}

func press(t *testing.T, m model, keys ...string) (model, tea.Cmd) {
	t.Helper()
	var cmd tea.Cmd
	for _, k := range keys {
		m, cmd = send(t, m, keypress(k))
	}
	return m, cmd
}

func screen(m model) string { return ansi.Strip(m.render()) }

// finished is the wizard after every step came back.
func finished(t *testing.T, outs map[steps.ID]steps.Outcome) (model, *fakeRun) {
	t.Helper()
	f := newFakeRun(outs)
	m := newModel(context.Background(), testCase(), f.run, fixedExec)
	return settle(t, m, m.Init()), f
}

func TestStartRunsChecksThenPlans(t *testing.T) {
	f := newFakeRun(refusedOutcomes())
	m := newModel(context.Background(), testCase(), f.run, fixedExec)
	if !strings.Contains(screen(m), "deciding… (0 of 4 checks in)") {
		t.Fatalf("before results the verdict should say deciding:\n%s", screen(m))
	}
	msgs := collect(m.Init())
	if len(msgs) != 3 || m.steps[1].state != pending {
		t.Fatalf("Init ran %d steps, want 3 (steps 1, 3, 4; step 2 waits for step 1)", len(msgs))
	}
	var cmd tea.Cmd
	m, cmd = send(t, m, msgs[0]) // step 1 in: step 2 starts, with it
	next := collect(cmd)
	if len(next) != 1 || next[0].(stepDoneMsg).id != steps.Upstream {
		t.Fatalf("after step 1 want step 2 started, got %v", next)
	}
	if call, _ := f.last(steps.Upstream); len(call.prior) != 1 || call.prior[0].Step != steps.Logs {
		t.Fatalf("step 2 got prior %v, want step 1's outcome", call.prior)
	}
	for i, msg := range append(msgs[1:], next...) {
		m, cmd = send(t, m, msg)
		if i < 2 && cmd != nil && len(collect(cmd)) > 0 {
			t.Fatalf("step 5 started after only %d checks", i+2)
		}
	}
	plan := collect(cmd)
	if len(plan) != 1 || plan[0].(stepDoneMsg).id != steps.Restart {
		t.Fatalf("after 4 checks want step 5 planned, got %v", plan)
	}
	if call, _ := f.last(steps.Restart); len(call.prior) != 4 {
		t.Fatalf("step 5 got %d prior outcomes, want 4", len(call.prior))
	}
	m, _ = send(t, m, plan[0])
	if m.verdict.Cause != steps.CauseRefused || !m.decided {
		t.Fatalf("verdict = %q (decided %v), want upstream-refused", m.verdict.Cause, m.decided)
	}
	s := screen(m)
	for _, want := range []string{"VERDICT  upstream-refused", "fix: sudo systemctl start app.service", "✗ 1 Error log", "✓ 3 Config", "! 4 Network", "✓ 5 Restart"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	if r := m.report(); len(r.Outcomes) != 5 || r.Verdict.Cause != steps.CauseRefused {
		t.Errorf("report has %d outcomes, verdict %q", len(r.Outcomes), r.Verdict.Cause)
	}
}

func TestSelection(t *testing.T) {
	m, _ := finished(t, refusedOutcomes())
	if m.sel != 0 {
		t.Fatalf("starts on step %d", m.sel)
	}
	m, _ = press(t, m, "up")
	if m.sel != 0 {
		t.Errorf("up at the top moved to %d", m.sel)
	}
	m, _ = press(t, m, "j", "down", "j")
	if m.sel != 3 {
		t.Errorf("after 3 downs sel = %d, want 3", m.sel)
	}
	m, _ = press(t, m, "j", "j", "j")
	if m.sel != 4 {
		t.Errorf("down past the end: sel = %d, want 4", m.sel)
	}
	m, _ = press(t, m, "k")
	if !strings.Contains(screen(m), "›! 4 Network") {
		t.Errorf("selected row not marked:\n%s", screen(m))
	}
	if !strings.Contains(screen(m), "listener 127.0.0.1:8080: no socket in LISTEN state") {
		t.Errorf("detail does not follow the selection:\n%s", screen(m))
	}
}

func TestRerunSelectedStep(t *testing.T) {
	m, f := finished(t, refusedOutcomes())
	m, _ = press(t, m, "j")
	m, cmd := press(t, m, "enter")
	if m.steps[1].state != running {
		t.Fatal("enter did not start step 2")
	}
	if m.keys.Run.Enabled() {
		t.Error("enter still offered while the selected step runs")
	}
	before := len(f.calls)
	m = settle(t, m, cmd)
	if call, _ := f.last(steps.Upstream); len(call.prior) != 3 {
		t.Errorf("step 2 re-run got %d prior outcomes, want 3", len(call.prior))
	}
	// Step 2 and then the re-plan of step 5.
	if got := len(f.calls) - before; got != 2 {
		t.Errorf("re-run made %d calls, want 2 (step 2, then step 5 re-plans)", got)
	}
}

func TestLearnToggle(t *testing.T) {
	m, _ := finished(t, refusedOutcomes())
	m, _ = send(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	if strings.Contains(screen(m), "why:") {
		t.Fatal("learn lines shown before l")
	}
	m, _ = press(t, m, "l")
	s := screen(m)
	for _, want := range []string{"why: nginx writes one line", "$ sudo tail -n 200 /var/log/nginx/error.log | grep", "  $ ls -l /var/log/nginx/error.log.1"} {
		if !strings.Contains(s, want) {
			t.Errorf("learn mode lacks %q:\n%s", want, s)
		}
	}
	m, _ = press(t, m, "l")
	if strings.Contains(screen(m), "why:") {
		t.Error("second l did not hide the learn lines")
	}
}

func TestCtrlCTwice(t *testing.T) {
	f := newFakeRun(refusedOutcomes())
	m := newModel(context.Background(), testCase(), f.run, fixedExec)
	pending := collect(m.Init()) // results computed but not yet delivered
	if !m.keys.Cancel.Enabled() || m.keys.All.Enabled() {
		t.Fatal("while probes run: ctrl+c should cancel and a (all) should be off")
	}
	m, cmd := press(t, m, "ctrl+c")
	if cmd != nil || m.quitting {
		t.Fatal("first ctrl+c quit instead of cancelling")
	}
	call, _ := f.last(steps.Logs)
	if call.ctx.Err() == nil {
		t.Error("first ctrl+c did not cancel the probes' context")
	}
	for _, msg := range pending {
		m, _ = send(t, m, msg) // late results of cancelled runs
	}
	if m.steps[0].has || m.steps[0].state != cancelled {
		t.Error("a cancelled step took its late result")
	}
	if !strings.Contains(screen(m), "ctrl+c again quits") {
		t.Errorf("no notice after cancel:\n%s", screen(m))
	}
	if !m.decided || !m.partial || !strings.Contains(screen(m), "(partial)") || strings.Contains(screen(m), "deciding") {
		t.Errorf("after cancelling every step the verdict must be decided from what came in and marked partial:\n%s", screen(m))
	}
	m, cmd = press(t, m, "ctrl+c")
	if !m.quitting || cmd == nil {
		t.Fatal("second ctrl+c did not quit")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("second ctrl+c did not return tea.Quit")
	}
	if m.View().Content != "" {
		t.Error("view not cleared on quit")
	}
}

func TestQuit(t *testing.T) {
	m, _ := finished(t, refusedOutcomes())
	m, cmd := press(t, m, "q")
	if cmd == nil || !m.quitting {
		t.Fatal("q did not quit")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("q did not return tea.Quit")
	}
}

func TestConfirmOpenCancelRun(t *testing.T) {
	m, _ := finished(t, refusedOutcomes())
	m, _ = press(t, m, "r")
	if !m.confirm.open || m.sel != restartIdx {
		t.Fatal("r did not open the confirm dialog on step 5")
	}
	s := screen(m)
	for _, want := range []string{"Run this?: restart app.service", `argv: ["systemctl" "restart" "app.service"]`, "changes: stops and starts", "y/enter run it"} {
		if !strings.Contains(s, want) {
			t.Errorf("dialog lacks %q:\n%s", want, s)
		}
	}
	m, _ = press(t, m, "tab")
	if !strings.Contains(screen(m), `argv: ["/usr/sbin/nginx" "-s" "reload"]`) {
		t.Errorf("tab did not show the second action:\n%s", screen(m))
	}
	m, _ = press(t, m, "j") // list keys do nothing while the dialog has focus
	if m.sel != restartIdx {
		t.Error("j moved the list behind the dialog")
	}
	m, _ = press(t, m, "esc")
	if m.confirm.open {
		t.Fatal("esc did not close the dialog")
	}
	m, _ = press(t, m, "r")
	m, cmd := press(t, m, "y")
	if m.confirm.open || !m.exe.running {
		t.Fatal("y did not start the action")
	}
	m = settle(t, m, cmd)
	s = screen(m)
	for _, want := range []string{"ran: $ systemctl restart app.service", "✓ the 502 is gone", `│ \x1b]0;owned\x07`} {
		if !strings.Contains(s, want) {
			t.Errorf("after the action the detail lacks %q:\n%s", want, s)
		}
	}
	if m.steps[1].out.Status != steps.Pass {
		t.Error("the re-probe did not update step 2")
	}
}

func TestConfirmBlocked(t *testing.T) {
	outs := refusedOutcomes()
	plan := outs[steps.Restart]
	plan.Actions = append([]steps.Action(nil), plan.Actions...)
	for i := range plan.Actions {
		plan.Actions[i].Blocked = "nginx -t fails: fix the configuration first (step 3)"
	}
	outs[steps.Restart] = plan
	m, _ := finished(t, outs)
	m, _ = press(t, m, "r")
	s := screen(m)
	if !strings.Contains(s, "✗ will not run: nginx -t fails") || strings.Contains(s, "y/enter") {
		t.Errorf("blocked dialog must show the refusal and no yes:\n%s", s)
	}
	if m.keys.Yes.Enabled() {
		t.Error("yes is enabled for a blocked action")
	}
	m, cmd := press(t, m, "y")
	m, cmd2 := press(t, m, "enter")
	if cmd != nil || cmd2 != nil || m.exe.running || !m.confirm.open {
		t.Error("a blocked action ran or the dialog closed on yes")
	}
}
