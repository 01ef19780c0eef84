package steps

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestWithEventCountsIntoTheFinding(t *testing.T) {
	o := Outcome{Step: Logs, Status: Warn, Findings: []Finding{{Cause: CauseRefused, Subject: "127.0.0.1:8080", Kind: Observed, Count: 3,
		Last: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), Evidence: []string{"log: 3× connect() failed"}}}}
	ev := Event{Time: time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC), Cause: CauseRefused, Subject: "127.0.0.1:8080", Status: 502, Line: "connect() failed (111: Connection refused)"}
	got := WithEvent(o, ev)
	f := got.Findings[0]
	if f.Count != 4 || !f.Current || !f.Last.Equal(ev.Time) || f.Evidence[0] != "live: 1 new while following; last 06:00:00 upstream-refused 127.0.0.1:8080: connect() failed (111: Connection refused) → 502" {
		t.Errorf("finding after the event: %+v", f)
	}
	if o.Findings[0].Count != 3 {
		t.Error("WithEvent changed the outcome it was given")
	}
	got = WithEvent(got, Event{Time: ev.Time, Cause: CauseTimeout, Subject: "127.0.0.1:9000", Status: 504, Line: "upstream timed out"})
	if len(got.Findings) != 2 || got.Findings[1].Count != 1 || got.Status != Fail {
		t.Errorf("a new cause and subject: %+v (status %s)", got.Findings, got.Status)
	}
	if v := Decide([]Outcome{got}); v.Cause != CauseRefused && v.Cause != CauseTimeout {
		t.Errorf("verdict over live events: %s", v.Cause)
	}
}

// Follow streams only nginx's upstream failures for real requests: not
// other lines, not ngx502's own, across a rotation of the log.
func TestFollowClassifiesNewLines(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "error.log")
	if err := os.WriteFile(log, []byte("2026/12/02 05:00:00 [error] 1#1: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: a, request: \"GET /old HTTP/1.1\", upstream: \"http://127.0.0.1:8080/old\", host: \"a\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := &Case{ErrorLogs: []string{log}}
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	var got []Event
	done := make(chan error, 1)
	go func() {
		done <- Follow(ctx, c, func(e Event) { mu.Lock(); got = append(got, e); mu.Unlock() })
	}()
	time.Sleep(400 * time.Millisecond)
	f, err := os.OpenFile(log, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteString("2026/12/02 06:00:01 [notice] 1#1: signal process started\n" +
		"2026/12/02 06:00:02 [error] 1#1: *9 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: a, request: \"GET /x?ngx502-probe=abc HTTP/1.1\", upstream: \"http://127.0.0.1:8080/x\", host: \"a\"\n" +
		"2026/12/02 06:00:03 [error] 1#1: *10 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 127.0.0.1, server: a, request: \"GET /slow HTTP/1.1\", upstream: \"http://127.0.0.1:9000/slow\", host: \"a\"\n")
	f.Close()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n >= 1 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // anything else that would (wrongly) come
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0].Cause != CauseTimeout || got[0].Subject != "127.0.0.1:9000" || got[0].Status != 504 || got[0].Request != "GET /slow HTTP/1.1" {
		t.Errorf("events %+v, want only the timeout of /slow", got)
	}
}
