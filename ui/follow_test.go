package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"ngx502/steps"
)

// fakeFollow emits evs at once, then waits to be stopped.
func fakeFollow(evs ...steps.Event) followFunc {
	return func(ctx context.Context, _ *steps.Case, emit func(steps.Event)) error {
		for _, e := range evs {
			emit(e)
		}
		<-ctx.Done()
		return nil
	}
}

func TestFollowCountsLiveEventsIntoTheVerdict(t *testing.T) {
	m, _ := finished(t, refusedOutcomes())
	m.c.ErrorLogs = []string{"/var/log/nginx/error.log"}
	ev := func(s int) steps.Event {
		return steps.Event{Time: time.Date(2026, 12, 2, 6, 0, s, 0, time.UTC), Cause: steps.CauseRefused, Subject: "127.0.0.1:8080",
			Status: 502, Line: "connect() failed (111: Connection refused) while connecting to upstream", Request: "GET / HTTP/1.1"}
	}
	m.followLogs = fakeFollow(ev(1), ev(2))
	m.syncKeys()
	before := m.steps[logsIdx].out.Findings[0].Count
	m, cmd := press(t, m, "f")
	if !m.follow.on || cmd == nil {
		t.Fatal("f did not start following")
	}
	for range 2 {
		msgs := collect(cmd)
		if len(msgs) != 1 {
			t.Fatalf("wait for an event gave %d messages", len(msgs))
		}
		m, cmd = send(t, m, msgs[0])
	}
	if got := m.steps[logsIdx].out.Findings[0].Count; got != before+2 {
		t.Errorf("count %d after 2 live events, want %d", got, before+2)
	}
	if !strings.Contains(m.notice, "following · 2 new") || !strings.Contains(screen(m), "following · 2 new") {
		t.Errorf("notice %q: want the live count on screen", m.notice)
	}
	if v := m.verdict; v.Cause != steps.CauseRefused || !strings.Contains(strings.Join(v.Evidence, "\n"), "live: 2 new while following; last 06:00:02") {
		t.Errorf("verdict %s %q: want the newest live line in its evidence", v.Cause, v.Evidence)
	}
	// ctrl+c stops following first; it does not quit.
	m, cmd = press(t, m, "ctrl+c")
	if m.follow.on || m.quitting || cmd != nil {
		t.Errorf("ctrl+c while following: on=%v quitting=%v", m.follow.on, m.quitting)
	}
	if !strings.Contains(m.notice, "stopped following · 2 new") {
		t.Errorf("notice %q", m.notice)
	}
	// A late event of the stopped run changes nothing.
	m, _ = send(t, m, followMsg{gen: m.follow.gen - 1, ev: ev(3), ok: true})
	if got := m.steps[logsIdx].out.Findings[0].Count; got != before+2 {
		t.Errorf("a late event was counted: %d", got)
	}
}

func TestFollowNeedsALog(t *testing.T) {
	m, _ := finished(t, refusedOutcomes())
	m.c.ErrorLogs = nil
	m.syncKeys()
	if m.keys.Follow.Enabled() {
		t.Error("f offered with no error log to follow")
	}
}

func TestLearnModeTeachesTheVerdict(t *testing.T) {
	m, _ := finished(t, refusedOutcomes())
	m, _ = press(t, m, "l")
	m.selectStep(restartIdx)
	text := strings.Join(m.detailLines(restartIdx, m.dims()), "\n")
	if !strings.Contains(text, "about upstream-refused:") || !strings.Contains(text, "$ ngx502 explain upstream-refused") {
		t.Errorf("learn mode on step 5 does not teach the verdict:\n%s", text)
	}
}
