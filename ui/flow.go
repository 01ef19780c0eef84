package ui

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"ngx502/steps"
)

// restartIdx is step 5's row: it plans from the outcomes of rows 0–3.
const restartIdx = 4

// withCase changes the case for the runs that start from now on. Steps
// still running read the old one: the case is never written under them.
func (m *model) withCase(change func(*steps.Case)) {
	c := *m.c
	change(&c)
	m.c = &c
}

// stepCmd runs row i in the background with the model's context. The
// outcomes of the steps already done go along: step 2 probes what step 1
// saw failing first, step 5 plans from all of them.
func (m model) stepCmd(i int) tea.Cmd {
	ctx, c, run := m.ctx, m.c, m.run
	id, gen := m.steps[i].info.ID, m.steps[i].gen
	prior := m.prior(i)
	return func() tea.Msg {
		return stepDoneMsg{id: id, gen: gen, outcome: run(ctx, c, id, prior)}
	}
}

// prior lists the finished outcomes of the other steps.
func (m model) prior(skip int) []steps.Outcome {
	var out []steps.Outcome
	for j, s := range m.steps {
		if j != skip && j != restartIdx && s.has {
			out = append(out, s.out)
		}
	}
	return out
}

// start marks row i running under a new generation and returns its command.
func (m *model) start(i int) tea.Cmd {
	if !m.busy() {
		m.cancelling = false
		m.notice = ""
	}
	m.steps[i].gen++
	m.steps[i].state = running
	return tea.Batch(m.stepCmd(i), m.spin.Tick)
}

// stepDone stores an outcome, re-decides the verdict, and plans step 5
// once steps 1–4 are all in.
func (m *model) stepDone(msg stepDoneMsg) tea.Cmd {
	i := m.index(msg.id)
	if i < 0 || m.steps[i].gen != msg.gen || m.steps[i].state != running {
		return nil // a cancelled or superseded run
	}
	s := &m.steps[i]
	s.out, s.has, s.state = msg.outcome, true, done
	s.out.Step = msg.id
	m.redecide()
	var cmds []tea.Cmd
	for _, j := range m.ready() {
		cmds = append(cmds, m.start(j))
	}
	if len(cmds) == 0 && i != restartIdx && m.steps[restartIdx].state != pending && m.checksIn() && !m.anyRunning(0, restartIdx) {
		// A step run again: step 5 plans anew from what is in now.
		cmds = append(cmds, m.start(restartIdx))
	}
	return tea.Batch(cmds...)
}

// ready lists the rows waiting to start whose needs (steps.Needs) are done.
func (m model) ready() []int {
	started, finished := map[steps.ID]bool{}, map[steps.ID]bool{}
	for _, s := range m.steps {
		started[s.info.ID] = s.state != pending || s.has
		finished[s.info.ID] = s.has && s.state == done
	}
	var out []int
	for _, id := range steps.Ready(started, finished) {
		out = append(out, m.index(id))
	}
	return out
}

// waitsFor names the steps id needs, for a row that never started.
func waitsFor(id steps.ID) string {
	var names []string
	for _, n := range steps.Needs(id) {
		names = append(names, fmt.Sprintf("step %d", steps.InfoOf(n).Number))
	}
	return strings.Join(names, ", ")
}

// checksIn is true when steps 1–4 have all produced an outcome that was
// not cancelled: only then is there something to plan from.
func (m model) checksIn() bool {
	for _, s := range m.steps[:restartIdx] {
		if !s.has || s.state == cancelled {
			return false
		}
	}
	return true
}

// redecide recomputes the verdict; it is shown once steps 1–4 are in.
func (m *model) redecide() {
	m.decided = true
	// A cancelled step does not hold the verdict back; it is decided from
	// what came in, with the cancelled step counted as unfinished.
	m.partial = false
	for _, s := range m.steps[:restartIdx] {
		switch {
		case s.state == cancelled:
			m.partial = true
		case !s.has:
			m.decided = false
		}
	}
	m.verdict = steps.Decide(m.outcomes(m.partial))
}

func (m model) index(id steps.ID) int {
	for i, s := range m.steps {
		if s.info.ID == id {
			return i
		}
	}
	return -1
}

// rerun runs one step again; the old outcome stays visible meanwhile.
func (m *model) rerun(i int) tea.Cmd {
	if m.steps[i].state == running {
		return nil
	}
	return m.start(i)
}

// rerunAll starts over: steps 1–4 afresh, step 5 once they are in.
func (m *model) rerunAll() tea.Cmd {
	if m.busy() {
		return nil
	}
	var cmds []tea.Cmd
	for i := range m.steps {
		m.steps[i].has, m.steps[i].out = false, steps.Outcome{}
		m.steps[i].gen++
		m.steps[i].state = pending
	}
	for _, i := range m.ready() {
		cmds = append(cmds, m.start(i))
	}
	m.exe.result = nil
	m.redecide()
	return tea.Batch(cmds...)
}

// cancelRuns is the first ctrl+c: it cancels every probe in flight and
// leaves the wizard usable with a fresh context.
func (m *model) cancelRuns() {
	m.cancel()
	for i := range m.steps {
		// What waited for a cancelled step will not start either.
		if m.steps[i].state == running || m.steps[i].state == pending && !m.steps[i].has && i != restartIdx {
			m.steps[i].gen++ // drop the late result of the cancelled run
			m.steps[i].state = cancelled
		}
	}
	if m.exe.running {
		// The action's own result still arrives and says what happened.
		m.exe.cancelling = true
	}
	m.cancelling = true
	m.notice = "cancelled · ctrl+c again quits · enter runs a step again"
	m.ctx, m.cancel = context.WithCancel(m.parent)
	m.redecide()
}

// execCmd runs a confirmed action in the background.
func (m *model) execCmd(a steps.Action) tea.Cmd {
	if !m.busy() {
		m.cancelling = false
		m.notice = ""
	}
	m.exe = execState{running: true, gen: m.exe.gen + 1, action: a}
	ctx, c, exec, gen := m.ctx, m.c, m.exec, m.exe.gen
	m.selectStep(restartIdx)
	return tea.Batch(func() tea.Msg {
		return execDoneMsg{gen: gen, ex: exec(ctx, c, a)}
	}, m.spin.Tick)
}

func (m *model) execDone(msg execDoneMsg) tea.Cmd {
	if msg.gen != m.exe.gen || !m.exe.running {
		return nil
	}
	ex := msg.ex
	m.exe.running, m.exe.cancelling, m.exe.result = false, false, &ex
	if ex.Ran && ex.Fixed && !ex.Started.IsZero() {
		// Triage again from the moment of the action: log lines from
		// before it describe the fault that was just fixed.
		m.withCase(func(c *steps.Case) { c.Since = ex.Started })
		res := m.exe.result
		cmd := m.rerunAll()
		m.exe.result = res
		return cmd
	}
	if ex.Ran && ex.After.Step != "" {
		// The re-probe is a fresh step 2: show it there too.
		i := m.index(steps.Upstream)
		if m.steps[i].state != running {
			m.steps[i].out, m.steps[i].has, m.steps[i].state = ex.After, true, done
			m.redecide()
		}
	}
	return nil
}
