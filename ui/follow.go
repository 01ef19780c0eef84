package ui

import (
	"context"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"ngx502/steps"
)

// logsIdx is the error-log step's row: live events are counted into it.
const logsIdx = 0

// followFunc follows the box's error logs; the product uses steps.Follow,
// tests inject events.
type followFunc func(ctx context.Context, c *steps.Case, emit func(steps.Event)) error

// followState is the live view of nginx's error logs, while it is on.
type followState struct {
	on     bool
	gen    int
	cancel context.CancelFunc
	ch     chan steps.Event
	done   chan error // the follower's end, after ch closes
	count  int        // events since following began
	err    string
}

// followMsg carries one live event (ok false: following ended).
type followMsg struct {
	gen int
	ev  steps.Event
	ok  bool
	err error
}

// followBuffer bounds the events waiting for the screen: nginx can log
// faster than a terminal over SSH draws; the follower waits for room.
const followBuffer = 64

// toggleFollow starts or stops following the error logs.
func (m *model) toggleFollow() tea.Cmd {
	if m.follow.on {
		m.stopFollow()
		m.notice = fmt.Sprintf("stopped following · %d new upstream errors seen", m.follow.count)
		return nil
	}
	ctx, cancel := context.WithCancel(m.parent)
	ch := make(chan steps.Event, followBuffer)
	done := make(chan error, 1)
	m.follow = followState{on: true, gen: m.follow.gen + 1, cancel: cancel, ch: ch, done: done}
	follow := m.followLogs
	c := m.c
	go func() {
		err := follow(ctx, c, func(e steps.Event) {
			select {
			case ch <- e:
			case <-ctx.Done():
			}
		})
		done <- err
		close(ch)
	}()
	m.notice = "following the error log · f stops"
	return waitFollow(m.follow.gen, ch, done)
}

// stopFollow ends following; late events of this run are dropped by gen.
func (m *model) stopFollow() {
	if m.follow.cancel != nil {
		m.follow.cancel()
	}
	m.follow.on = false
	m.follow.gen++
}

// waitFollow waits for the next live event.
func waitFollow(gen int, ch <-chan steps.Event, done <-chan error) tea.Cmd {
	return func() tea.Msg {
		ev, ok := <-ch
		if !ok {
			return followMsg{gen: gen, err: <-done}
		}
		return followMsg{gen: gen, ev: ev, ok: true}
	}
}

// followed counts one event into the error-log step and the verdict.
func (m *model) followed(msg followMsg) tea.Cmd {
	if msg.gen != m.follow.gen || !m.follow.on {
		return nil
	}
	if !msg.ok {
		m.follow.on = false
		if msg.err != nil {
			m.follow.err = msg.err.Error()
			m.notice = "following stopped: " + clean(msg.err.Error())
		}
		return nil
	}
	m.follow.count++
	s := &m.steps[logsIdx]
	if s.has {
		s.out = steps.WithEvent(s.out, msg.ev)
		if m.decided {
			m.redecide()
		}
	}
	m.notice = fmt.Sprintf("following · %d new · %s", m.follow.count, clean(msg.ev.String()))
	return waitFollow(msg.gen, m.follow.ch, m.follow.done)
}
