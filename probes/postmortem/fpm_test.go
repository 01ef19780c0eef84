package postmortem

import (
	"strings"
	"testing"
	"time"
)

// tally is what a table row expects of one kind: events kept and their
// Counts added up.
type tally struct{ events, count int }

func tallyFPM(events []FPMEvent) map[string]tally {
	m := map[string]tally{}
	for _, e := range events {
		x := m[e.Kind]
		m[e.Kind] = tally{x.events + 1, x.count + e.Count}
	}
	return m
}

func TestFPMEventsFixtures(t *testing.T) {
	now := utc(t, "2026-12-02T08:00:00Z")
	cases := []struct {
		file  string
		since string
		kinds map[string]tally
		check func(t *testing.T, events []FPMEvent)
	}{
		{"fpm/php8.2-fpm-live.log", "", map[string]tally{
			FPMBusy: {1, 1}, FPMMaxChildren: {1, 1}, FPMChildSignal: {1, 1}, FPMBindFailed: {2, 2}, FPMOther: {1, 2}, FPMTerminated: {1, 1},
		}, func(t *testing.T, events []FPMEvent) {
			want := []FPMEvent{
				{Time: utc(t, "2026-12-02T07:03:08Z"), Level: "WARNING", Pool: "www", Kind: FPMBusy},
				{Time: utc(t, "2026-12-02T07:03:09Z"), Level: "WARNING", Pool: "www", Kind: FPMMaxChildren, Detail: "5"},
				{Time: utc(t, "2026-12-02T07:03:09Z"), Level: "WARNING", Pool: "www", Kind: FPMChildSignal, Detail: "9 (SIGKILL)", PID: 11859},
				{Time: utc(t, "2026-12-02T07:03:09Z"), Level: "ERROR", Kind: FPMBindFailed, Detail: "127.0.0.1:34113: Address already in use"},
				{Time: utc(t, "2026-12-02T07:03:09Z"), Level: "ERROR", Kind: FPMOther, Detail: "FPM initialization failed"},
				{Time: utc(t, "2026-12-02T07:03:09Z"), Level: "ERROR", Kind: FPMBindFailed, Detail: "/tmp/TestFPMLiveLog3964234489/001/php.sock: another FPM instance already listens there"},
				{Time: utc(t, "2026-12-02T07:03:09Z"), Level: "NOTICE", Kind: FPMTerminated},
			}
			for i, w := range want {
				g := events[i]
				if !g.Time.Equal(w.Time) || g.Level != w.Level || g.Pool != w.Pool || g.Kind != w.Kind || g.Detail != w.Detail || g.PID != w.PID {
					t.Errorf("event %d = %+v\nwant %+v", i, g, w)
				}
			}
			if l := events[len(events)-1].Line; l != "[02-Dec-2026 07:03:09] NOTICE: Terminating ..." {
				t.Errorf("last line %q", l)
			}
		}},
		{"fpm/php8.2-fpm-busyday.log", "", map[string]tally{
			FPMBusy: {1, 37}, FPMMaxChildren: {1, 37}, FPMChildSignal: {4, 4}, FPMOther: {5, 78}, FPMTerminated: {1, 1},
		}, func(t *testing.T, events []FPMEvent) {
			e, _ := lastFPM(events, FPMMaxChildren)
			if !e.Time.Equal(utc(t, "2026-12-02T04:03:12Z")) || !e.Last.Equal(utc(t, "2026-12-02T06:12:24Z")) || e.Detail != "5" ||
				!strings.HasPrefix(e.Line, "[02-Dec-2026 06:12:24] WARNING: [pool www] server reached") {
				t.Errorf("max_children %+v", e)
			}
			if e, _ := lastFPM(events, FPMChildSignal); e.PID != 1034 || e.Detail != "15 (SIGTERM)" {
				t.Errorf("child_signal %+v", e)
			}
		}},
		// since cuts the morning off: the folded count is of what is left.
		{"fpm/php8.2-fpm-busyday.log", "2026-12-02T06:00:00Z", map[string]tally{
			FPMBusy: {1, 4}, FPMMaxChildren: {1, 4}, FPMOther: {1, 8}, FPMTerminated: {1, 1},
		}, nil},
		{"fpm/php8.2-fpm-debug.log", "", map[string]tally{FPMMaxChildren: {1, 1}, FPMChildSignal: {1, 1}}, func(t *testing.T, events []FPMEvent) {
			if e := events[0]; !e.Time.Equal(utc(t, "2026-12-02T05:00:00.12041Z")) || e.Pool != "www" || e.Detail != "5" {
				t.Errorf("max_children %+v", e)
			}
			if e := events[1]; e.PID != 902 || e.Detail != "11 (SIGSEGV - core dumped)" {
				t.Errorf("child_signal %+v", e)
			}
		}},
		{"fpm/php-fpm-syslog.journal", "", map[string]tally{FPMMaxChildren: {2, 2}, FPMTerminated: {1, 1}}, func(t *testing.T, events []FPMEvent) {
			if e := events[0]; e.Pool != "api" || e.Detail != "10" || !e.Time.Equal(utc(t, "2026-12-02T05:01:00Z")) {
				t.Errorf("ondemand max_children %+v", e)
			}
			if e := events[1]; e.Pool != "www" || e.Detail != "5" {
				t.Errorf("debug syslog max_children %+v", e)
			}
			if e := events[2]; !e.Time.Equal(utc(t, "2026-12-02T05:03:00Z")) || e.Level != "NOTICE" {
				t.Errorf("terminated %+v", e)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.file+"/"+c.since, func(t *testing.T) {
			since := time.Time{}
			if c.since != "" {
				since = utc(t, c.since)
			}
			events := parseFPM(fixture(t, c.file), since, time.UTC, now)
			got := tallyFPM(events)
			if len(got) != len(c.kinds) {
				t.Errorf("kinds %v, want %v", got, c.kinds)
			}
			for k, w := range c.kinds {
				if got[k] != w {
					t.Errorf("%s: %+v, want %+v", k, got[k], w)
				}
			}
			if c.check != nil && !t.Failed() {
				c.check(t, events)
			}
		})
	}
}

func TestClassifyFPM(t *testing.T) {
	cases := []struct {
		level, msg string
		want       FPMEvent
	}{
		{"WARNING", "[pool www] server reached pm.max_children setting (5), consider raising it", FPMEvent{Level: "WARNING", Pool: "www", Kind: FPMMaxChildren, Detail: "5"}},
		{"WARNING", "[pool a b] server reached max_children setting (12), consider raising it", FPMEvent{Level: "WARNING", Pool: "a b", Kind: FPMMaxChildren, Detail: "12"}},
		{"WARNING", "[pool www] child 1234 exited on signal 9 (SIGKILL) after 12.3 seconds from start", FPMEvent{Level: "WARNING", Pool: "www", Kind: FPMChildSignal, Detail: "9 (SIGKILL)", PID: 1234}},
		{"NOTICE", "[pool www] child 1234 exited on signal 3 (SIGQUIT) after 2.0 seconds from start", FPMEvent{Level: "NOTICE", Pool: "www", Kind: FPMOther, Detail: "3 (SIGQUIT)", PID: 1234}},
		{"WARNING", "[pool www] seems busy (you may need to increase pm.start_servers, or pm.min/max_spare_servers), spawning 8 children", FPMEvent{Level: "WARNING", Pool: "www", Kind: FPMBusy}},
		{"ERROR", "unable to bind listening socket for address '/run/php/php8.2-fpm.sock': Address already in use (98)", FPMEvent{Level: "ERROR", Kind: FPMBindFailed, Detail: "/run/php/php8.2-fpm.sock: Address already in use"}},
		{"ERROR", "unable to bind listening socket for address '[::]:9000': Cannot assign requested address (99)", FPMEvent{Level: "ERROR", Kind: FPMBindFailed, Detail: "[::]:9000: Cannot assign requested address"}},
		{"NOTICE", "Terminating ...", FPMEvent{Level: "NOTICE", Kind: FPMTerminated}},
		{"NOTICE", "Finishing ...", FPMEvent{Level: "NOTICE", Kind: FPMTerminated}},
		{"WARNING", "failed to retrieve TCP_INFO for socket: Protocol not available (92)", FPMEvent{Level: "WARNING", Kind: FPMOther, Detail: "failed to retrieve TCP_INFO"}},
		{"WARNING", "[pool www] child 7 said into stderr: \"x\"", FPMEvent{Level: "WARNING", Pool: "www", Kind: FPMOther, Detail: "child 7 said into stderr: \"x\""}},
	}
	for _, c := range cases {
		if got := classifyFPM(c.level, c.msg); got != c.want {
			t.Errorf("classifyFPM(%q)\n= %+v\nwant %+v", c.msg, got, c.want)
		}
	}
}

// Kept events are bounded: 100 of the named kinds, 20 other.
func TestFPMEventsBounded(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 300; i++ {
		b.WriteString("[02-Dec-2026 05:00:00] WARNING: [pool www] child " + strings.Repeat("1", 1+i%5) + formatPID(i) + " exited on signal 9 (SIGKILL) after 1.0 seconds from start\n")
		b.WriteString("[02-Dec-2026 05:00:00] WARNING: [pool www] something new " + formatPID(i) + "\n")
	}
	got := tallyFPM(FPMEvents(strings.NewReader(b.String()), time.Time{}, time.UTC))
	if got[FPMChildSignal].events != maxKept || got[FPMOther].events != maxOther {
		t.Errorf("kept %+v", got)
	}
}

// formatPID is i as a zero-padded PID suffix, unique per i.
func formatPID(i int) string {
	const digits = "0123456789"
	return string([]byte{digits[i/100%10], digits[i/10%10], digits[i%10]})
}
