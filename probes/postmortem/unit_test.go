package postmortem

import (
	"strings"
	"testing"
)

func TestReadUnitJournal(t *testing.T) {
	cases := []struct {
		file, unit string
		want       *UnitEnd // Line compared by prefix
		lastLine   string
	}{
		{"unit/php8.2-fpm-oom.txt", "php8.2-fpm.service", &UnitEnd{
			Time: utc(t, "2026-12-02T05:12:03Z"), Code: "killed", Status: "9/KILL", Result: "oom-kill", OOMKilled: true,
			Line: "2026-12-02T05:12:03+0000 web1 systemd[1]: php8.2-fpm.service: Main process exited, code=killed",
		}, "2026-12-02T05:12:03+0000 web1 systemd[1]: php8.2-fpm.service: Consumed 1min 12.345s CPU time."},
		// The service's own line that mimics systemd is not systemd's.
		{"unit/php8.2-fpm-start-limit.txt", "php8.2-fpm.service", &UnitEnd{
			Time: utc(t, "2026-12-02T05:20:11Z"), Code: "exited", Status: "78/CONFIG", Result: "start-limit-hit",
			Line: "2026-12-02T05:20:11+0000 web1 systemd[1]: php8.2-fpm.service: Main process exited, code=exited, status=78/CONFIG",
		}, "2026-12-02T05:20:11+0000 web1 systemd[1]: Failed to start php8.2-fpm.service - The PHP 8.2 FastCGI Process Manager."},
		{"unit/php8.2-fpm-exit255.txt", "php8.2-fpm.service", &UnitEnd{
			Time: utc(t, "2026-12-02T06:31:45Z"), Code: "exited", Status: "255/EXCEPTION", Result: "exit-code",
			Line: "2026-12-02T06:31:45+0000 web1 systemd[1]: php8.2-fpm.service: Main process exited, code=exited, status=255/EXCEPTION",
		}, "2026-12-02T06:31:45+0000 web1 systemd[1]: php8.2-fpm.service: Consumed 3h 2min 11.009s CPU time."},
		// Another unit's lines do not count.
		{"unit/php8.2-fpm-segv-restarted.txt", "php8.2-fpm.service", &UnitEnd{
			Time: utc(t, "2026-12-02T03:10:00Z"), Code: "dumped", Status: "11/SEGV", Result: "core-dump",
			Line: "2026-12-02T03:10:00+0000 web1 systemd[1]: php8.2-fpm.service: Main process exited, code=dumped",
		}, "2026-12-02T03:15:00+0000 web1 systemd[1]: other.service: Main process exited, code=killed, status=15/TERM"},
		{"unit/php8.2-fpm-segv-restarted.txt", "", &UnitEnd{
			Time: utc(t, "2026-12-02T03:15:00Z"), Code: "killed", Status: "15/TERM",
			Line: "2026-12-02T03:15:00+0000 web1 systemd[1]: other.service: Main process exited",
		}, "2026-12-02T03:15:00+0000 web1 systemd[1]: other.service: Main process exited, code=killed, status=15/TERM"},
		{"unit/php8.2-fpm-stopped.txt", "php8.2-fpm.service", &UnitEnd{
			Time: utc(t, "2026-12-02T07:00:00Z"), Result: "success",
			Line: "2026-12-02T07:00:00+00:00 web1 systemd[1]: php8.2-fpm.service: Deactivated successfully.",
		}, "2026-12-02T07:00:00+00:00 web1 systemd[1]: php8.2-fpm.service: Consumed 41.220s CPU time."},
		{"unit/nginx-timeout.txt", "nginx.service", &UnitEnd{
			Time: utc(t, "2026-12-02T02:00:00Z"), Code: "killed", Status: "9/KILL", Result: "timeout",
			Line: "2026-12-02T02:00:00+0000 web1 systemd[1]: nginx.service: Main process exited",
		}, "2026-12-02T02:00:00+0000 web1 systemd[1]: nginx.service: Failed with result 'timeout'."},
		{"unit/nginx-timeout.txt", "php8.2-fpm.service", nil, "2026-12-02T02:00:00+0000 web1 systemd[1]: nginx.service: Failed with result 'timeout'."},
	}
	for _, c := range cases {
		t.Run(c.file+"/"+c.unit, func(t *testing.T) {
			end, lines := ReadUnitJournal(fixture(t, c.file), c.unit, 3)
			if len(lines) == 0 || len(lines) > 3 || lines[len(lines)-1] != c.lastLine {
				t.Errorf("lines %q, want 3 at most ending in %q", lines, c.lastLine)
			}
			if c.want == nil || end == nil {
				if c.want != end {
					t.Fatalf("end %+v, want %+v", end, c.want)
				}
				return
			}
			w, g := *c.want, *end
			if !strings.HasPrefix(g.Line, w.Line) {
				t.Errorf("Line %q, want prefix %q", g.Line, w.Line)
			}
			g.Line, w.Line = "", ""
			if !g.Time.Equal(w.Time) || g.Code != w.Code || g.Status != w.Status || g.Result != w.Result || g.OOMKilled != w.OOMKilled {
				t.Errorf("end %+v\nwant %+v", g, w)
			}
		})
	}
}

// journalctl's markers are not journal lines, and keep 0 keeps none.
func TestReadUnitJournalMarkers(t *testing.T) {
	end, lines := ReadUnitJournal(strings.NewReader("-- No entries --\n"), "x.service", 10)
	if end != nil || len(lines) != 0 {
		t.Errorf("end %+v lines %q", end, lines)
	}
	end, lines = ReadUnitJournal(fixture(t, "unit/php8.2-fpm-exit255.txt"), "php8.2-fpm.service", 0)
	if end == nil || end.Status != "255/EXCEPTION" || lines != nil {
		t.Errorf("end %+v lines %q", end, lines)
	}
}
