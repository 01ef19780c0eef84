package logsource

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestJournalArgvExact(t *testing.T) {
	since := time.Date(2026, 12, 2, 5, 0, 0, 0, time.Local)
	got := journalArgv("/usr/bin/journalctl", []string{"-u", "nginx.service"}, since)
	want := []string{"/usr/bin/journalctl", "-u", "nginx.service", "--since", "2026-12-02 05:00:00",
		"-o", "short-iso", "--no-pager", "-q"}
	if !slices.Equal(got, want) {
		t.Fatalf("argv\n got %q\nwant %q", got, want)
	}
	// A time in another zone is written in local time, the zone journalctl reads.
	utc := since.Add(1500 * time.Millisecond).UTC()
	if got := journalArgv("/bin/journalctl", []string{"-u", "x"}, utc); got[4] != "2026-12-02 05:00:01" {
		t.Errorf("since %v written as %q, want local 2026-12-02 05:00:01", utc, got[4])
	}
	if got := journalArgv("/bin/journalctl", []string{"-u", "x"}, time.Time{}); slices.Contains(got, "--since") {
		t.Errorf("zero since still gives --since: %q", got)
	}
}

func TestJournalArgvOnThisBox(t *testing.T) {
	_, err := Journalctl()
	need(t, err == nil, "no trusted journalctl here: "+errString(err))
	since := time.Now().Add(-time.Hour).Truncate(time.Second)
	got := JournalArgv("nginx.service", since)
	if len(got) == 0 || !slices.Contains(journalctlPaths, got[0]) {
		t.Fatalf("JournalArgv = %q, want one of %q first", got, journalctlPaths)
	}
	want := []string{"-u", "nginx.service", "--since", since.Format(sinceLayout), "-o", "short-iso", "--no-pager", "-q"}
	if !slices.Equal(got[1:], want) {
		t.Fatalf("argv %q, want %q after the binary", got, want)
	}
	sys := JournalSyslogArgv(Target{Tag: "web_1"}, time.Time{})
	if want := []string{got[0], "SYSLOG_IDENTIFIER=web_1", "+", "_COMM=nginx", "-o", "short-iso", "--no-pager", "-q"}; !slices.Equal(sys, want) {
		t.Errorf("JournalSyslogArgv = %q, want %q", sys, want)
	}
	sys = JournalSyslogArgv(Target{Tag: "web_1", NoHostname: true}, time.Time{})
	if want := []string{got[0], "SYSLOG_IDENTIFIER=web_1", "-o", "short-iso", "--no-pager", "-q"}; !slices.Equal(sys, want) {
		t.Errorf("JournalSyslogArgv(nohostname) = %q, want %q", sys, want)
	}
}

func TestJournalArgvRefusesOddUnits(t *testing.T) {
	for _, unit := range []string{"", "-q", "--since=x", "nginx service", "nginx;rm", "a\nb", strings.Repeat("a", 300)} {
		if got := JournalArgv(unit, time.Now()); got != nil {
			t.Errorf("JournalArgv(%q) = %q, want nil", unit, got)
		}
	}
	for _, unit := range []string{"nginx.service", "nginx@blue.service", `system-nginx\x2dx.slice`} {
		if !plainName(unit) {
			t.Errorf("plainName(%q) = false", unit)
		}
	}
}

func TestFirstTrustedSaysWhy(t *testing.T) {
	needRoot(t)
	dir := t.TempDir()
	write := func(name string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil { // past the umask
			t.Fatal(err)
		}
		return p
	}
	good := write("good", 0o755)
	open := write("open", 0o777)
	foreign := write("foreign", 0o755)
	if err := os.Chown(foreign, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")

	got, err := firstTrusted([]string{missing, open, foreign, good})
	if err != nil || got != good {
		t.Fatalf("firstTrusted = %q, %v; want %q", got, err, good)
	}
	_, err = firstTrusted([]string{missing, open, foreign})
	if err == nil {
		t.Fatal("firstTrusted accepted only untrusted binaries")
	}
	for _, want := range []string{"cannot stat " + missing, open + " is writable by group and others", foreign + " is owned by uid 65534"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	// A directory others may write is as bad as the file.
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(sub, 0o777); err != nil {
		t.Fatal(err)
	}
	inSub := filepath.Join(sub, "bin")
	if err := os.WriteFile(inSub, nil, 0o755); err != nil {
		t.Fatal(err)
	}
	if why := untrustedBinary(inSub); !strings.Contains(why, "which is writable by group and others") {
		t.Errorf("binary in a 0777 dir: %q", why)
	}
}

// errString is err's text, or "".
func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestStripJournalCaptured(t *testing.T) {
	for _, name := range []string{"nginx-unit", "precise"} {
		t.Run(name, func(t *testing.T) {
			in, err := os.Open(filepath.Join("testdata", "journal", name+".short-iso"))
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			got := readAll(t, StripJournal(in))
			if want := readFile(t, filepath.Join("testdata", "journal", name+".want")); got != want {
				t.Errorf("stripped\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func TestStripJournalLongLine(t *testing.T) {
	long := "2026-12-02T05:00:01+0000 h nginx[1]: 2026/12/02 05:00:01 [error] 1#1: " + strings.Repeat("x", 100<<10) + "\n" +
		"2026-12-02T05:00:02+0000 h nginx[1]: after\n"
	got := readAll(t, StripJournal(strings.NewReader(long)))
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 2 || len(lines[0]) > maxLine || lines[1] != "after" {
		t.Fatalf("got %d lines, first %d bytes, last %q; want a line cut at %d then \"after\"",
			len(lines), len(lines[0]), lines[len(lines)-1], maxLine)
	}
}
