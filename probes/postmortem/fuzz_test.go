package postmortem

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// addFixtures seeds f with every file under testdata/dirs.
func addFixtures(f *testing.F, dirs ...string) {
	for _, d := range dirs {
		ents, err := os.ReadDir(filepath.Join("testdata", d))
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range ents {
			b, err := os.ReadFile(filepath.Join("testdata", d, e.Name()))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(string(b))
		}
	}
}

// checkLine fails when a line kept from input breaks the bounds.
func checkLine(t *testing.T, what, line string) {
	t.Helper()
	if len(line) > maxLine || strings.IndexByte(line, 0) >= 0 || strings.ContainsAny(line, "\n") {
		t.Fatalf("%s line of %d bytes, NUL or newline: %q", what, len(line), line[:min(len(line), 80)])
	}
}

func FuzzOOMKills(f *testing.F) {
	addFixtures(f, "kernel")
	f.Add("2026-12-02T05:12:03+0000 h kernel: oom-kill:task=,pid=1,uid=0\n")
	boot := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	since := boot.Add(time.Hour)
	f.Fuzz(func(t *testing.T, in string) {
		for _, kills := range [][]OOMKill{
			parseOOM(strings.NewReader(in), kernelOpts{now: since, loc: time.UTC}, time.Time{}, ""),
			parseOOM(strings.NewReader(in), kernelOpts{boot: boot, now: since, loc: time.UTC}, since, ""),
		} {
			if len(kills) > maxKept {
				t.Fatalf("%d kills kept", len(kills))
			}
			for _, k := range kills {
				if k.PID <= 0 || len(k.Name) > 4*commLen {
					t.Fatalf("kill %+v", k)
				}
				checkLine(t, "kill", k.Line)
			}
			_ = Death{OOM: kills}.Reason()
		}
		for _, k := range parseOOM(strings.NewReader(in), kernelOpts{boot: boot, now: since, loc: time.UTC}, since, "") {
			if !k.Time.IsZero() && k.Time.Before(since) {
				t.Fatalf("kill before since: %+v", k)
			}
		}
	})
}

func FuzzReadUnitJournal(f *testing.F) {
	addFixtures(f, "unit")
	f.Add("2026-12-02T05:12:03+0000 h systemd[1]: u: Failed with result ''\n")
	f.Fuzz(func(t *testing.T, in string) {
		end, lines := ReadUnitJournal(strings.NewReader(in), "", 7)
		if len(lines) > 7 {
			t.Fatalf("%d lines kept", len(lines))
		}
		for _, l := range lines {
			checkLine(t, "unit", l)
		}
		if end != nil {
			checkLine(t, "end", end.Line)
			_ = Death{Unit: end}.Reason()
		}
	})
}

func FuzzFPMEvents(f *testing.F) {
	addFixtures(f, "fpm")
	f.Add("[02-Dec-2026 05:00:00] WARNING: [pool ] child exited on signal \n")
	since := time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, in string) {
		events := parseFPM(strings.NewReader(in), since, time.UTC, since)
		got := tallyFPM(events)
		if got[FPMOther].events > maxOther || len(events)-got[FPMOther].events > maxKept {
			t.Fatalf("kept %+v", got)
		}
		for _, e := range events {
			if e.Count < 1 || e.Last.Before(e.Time) || e.Time.Before(since) {
				t.Fatalf("event %+v", e)
			}
			checkLine(t, "fpm", e.Line)
		}
		_ = Death{FPM: events}.Reason()
	})
}

func FuzzFPMConf(f *testing.F) {
	addFixtures(f, "fpmconf")
	f.Add("[global]\nerror_log = \"x\nsyslog.ident=\ninclude=a\n")
	f.Fuzz(func(t *testing.T, in string) {
		_, _ = parseFPMINI("php-fpm.conf", []byte(in), func(file string, n int, key, value string) {
			if n < 1 || strings.ContainsAny(key, "\n") || strings.ContainsAny(value, "\n") {
				t.Fatalf("line %d key %q value %q", n, key, value)
			}
		})
	})
}
