package ui

import (
	"context"
	"fmt"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"ngx502/steps"
)

// runFunc runs one step; the product uses steps.RunStep, tests inject
// constructed outcomes so the model can be driven without touching the box.
type runFunc func(ctx context.Context, c *steps.Case, id steps.ID, prior []steps.Outcome) steps.Outcome

// execFunc runs a confirmed action; the product uses steps.Execute.
type execFunc func(ctx context.Context, c *steps.Case, a steps.Action) steps.Execution

// stepDoneMsg carries one step's outcome back to the model. gen tells a
// current result from one of a run that was cancelled or superseded.
type stepDoneMsg struct {
	id      steps.ID
	gen     int
	outcome steps.Outcome
}

// execDoneMsg carries the result of a confirmed restart action.
type execDoneMsg struct {
	gen int
	ex  steps.Execution
}

// runState is where a step is in its life on screen.
type runState int

const (
	pending runState = iota
	running
	done
	cancelled
)

// stepState is one row of the wizard: the step, its last outcome, and
// whether it is running now.
type stepState struct {
	info  steps.Info
	out   steps.Outcome
	has   bool // out holds a real outcome
	state runState
	gen   int
}

// execState is the restart action in flight or the last one that ran.
type execState struct {
	running    bool
	cancelling bool
	gen        int
	action     steps.Action
	result     *steps.Execution
}

// model is the one root model: it owns the state, the focus (step list or
// confirm dialog) and routes every key and result message.
type model struct {
	c          *steps.Case
	run        runFunc
	exec       execFunc
	followLogs followFunc
	follow     followState
	parent     context.Context
	ctx        context.Context
	cancel     context.CancelFunc

	steps   []stepState
	sel     int
	learn   bool
	verdict steps.Verdict
	decided bool
	partial bool // some of steps 1–4 were cancelled
	confirm confirm
	quiz    quizState // the lab's quiz (off: the plain wizard)
	exe     execState
	notice  string
	// cancelling is set by the first ctrl+c; the next one quits.
	cancelling bool
	quitting   bool
	altScreen  bool

	width, height int
	keys          keyMap
	help          help.Model
	spin          spinner.Model
	vp            viewport.Model
	st            styles
}

// newModel builds the wizard with steps 1–4 marked running; Init starts
// them. run and exec default to the real steps package.
func newModel(ctx context.Context, c *steps.Case, run runFunc, exec execFunc) model {
	if run == nil {
		run = steps.RunStep
	}
	if exec == nil {
		exec = steps.Execute
	}
	if c == nil {
		c = &steps.Case{}
	}
	m := model{c: c, run: run, exec: exec, followLogs: steps.Follow, parent: ctx, width: 80, height: 24, keys: defaultKeyMap()}
	m.ctx, m.cancel = context.WithCancel(ctx)
	for _, info := range c.Guide() {
		m.steps = append(m.steps, stepState{info: info})
	}
	m.st = newStyles(true)
	m.help = help.New()
	m.help.Styles = m.st.help
	m.spin = spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(m.st.spinner))
	m.vp = viewport.New(viewport.WithWidth(60), viewport.WithHeight(16))
	for _, i := range m.ready() {
		m.steps[i].state = running
		m.steps[i].gen = 1
	}
	m.refresh()
	return m
}

// Init asks for the background colour and starts the steps that need no
// other (steps.Needs): 1, 3 and 4 at once; the rest follow as they may.
func (m model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, m.spin.Tick}
	for i, s := range m.steps {
		if s.state == running {
			cmds = append(cmds, m.stepCmd(i))
		}
	}
	return tea.Batch(cmds...)
}

// Update routes messages: window and colour first, then keys (global
// before focused), then results by type and step ID.
func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case tea.BackgroundColorMsg:
		m.st = newStyles(msg.IsDark())
		m.help.Styles = m.st.help
		m.spin.Style = m.st.spinner
	case tea.KeyPressMsg:
		cmd = m.handleKey(msg)
	case stepDoneMsg:
		cmd = m.stepDone(msg)
	case execDoneMsg:
		cmd = m.execDone(msg)
	case followMsg:
		cmd = m.followed(msg)
	case spinner.TickMsg:
		// Let the tick chain die when idle; starting work re-arms it.
		if m.busy() {
			m.spin, cmd = m.spin.Update(msg)
		}
	}
	m.refresh()
	return m, cmd
}

// handleKey applies global keys first, then the focused part's keys.
func (m *model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Cancel):
		if m.follow.on {
			m.stopFollow()
			m.notice = fmt.Sprintf("stopped following · %d new upstream errors seen · ctrl+c again quits", m.follow.count)
			return nil
		}
		if m.busy() && !m.cancelling {
			m.cancelRuns()
			return nil
		}
		m.quitting = true
		return tea.Quit
	case key.Matches(msg, m.keys.Quit):
		m.stopFollow()
		m.quitting = true
		return tea.Quit
	case key.Matches(msg, m.keys.Help):
		m.help.ShowAll = !m.help.ShowAll
		return nil
	}
	if m.confirm.open {
		return m.confirmKey(msg)
	}
	if m.quiz.focused() {
		return m.quizKey(msg)
	}
	switch {
	case key.Matches(msg, m.keys.Up):
		m.selectStep(m.sel - 1)
	case key.Matches(msg, m.keys.Down):
		m.selectStep(m.sel + 1)
	case key.Matches(msg, m.keys.Run):
		return m.rerun(m.sel)
	case key.Matches(msg, m.keys.All):
		return m.rerunAll()
	case key.Matches(msg, m.keys.Learn):
		m.learn = !m.learn
	case key.Matches(msg, m.keys.Answer):
		m.answerKey()
	case key.Matches(msg, m.keys.Follow):
		return m.toggleFollow()
	case key.Matches(msg, m.keys.Restart):
		m.openConfirm()
	case key.Matches(msg, m.keys.Test):
		m.openTestConfirm()
	case key.Matches(msg, m.keys.PageUp):
		m.vp.PageUp()
	case key.Matches(msg, m.keys.PageDown):
		m.vp.PageDown()
	}
	return nil
}

func (m *model) selectStep(i int) {
	i = max(0, min(i, len(m.steps)-1))
	if i != m.sel {
		m.sel = i
		m.vp.GotoTop()
	}
}

// busy is true while a step or an action runs.
func (m model) busy() bool {
	return m.anyRunning(0, len(m.steps)) || m.exe.running
}

func (m model) anyRunning(from, to int) bool {
	for _, s := range m.steps[from:to] {
		if s.state == running {
			return true
		}
	}
	return false
}

// report is what ran so far, in step order, with the verdict over it. A
// check that never came back counts as unfinished, so quitting early can
// never leave "healthy" in the scrollback.
func (m model) report() steps.Report {
	outs := m.outcomes(true)
	return steps.Report{Case: m.c, Outcomes: outs, Verdict: steps.Decide(outs)}
}

// outcomes lists the outcomes in step order. With placeholders, each of
// steps 1–4 that has none yet (running, cancelled, never run) stands in as
// unfinished.
func (m model) outcomes(placeholders bool) []steps.Outcome {
	var outs []steps.Outcome
	for i, s := range m.steps {
		switch {
		case s.has:
			outs = append(outs, s.out)
		case placeholders && i != restartIdx:
			why := "still running when ngx502 quit"
			switch s.state {
			case cancelled:
				why = "cancelled"
			case pending:
				why = "not started: it waits for " + waitsFor(s.info.ID)
			}
			outs = append(outs, steps.Unfinished(s.info.ID, why))
		}
	}
	return outs
}
