package postmortem

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// needJournalctl returns the trusted journalctl, or skips (fails in CI).
func needJournalctl(t *testing.T) string {
	t.Helper()
	bin, err := Journalctl()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return bin
}

func TestJournalArgv(t *testing.T) {
	bin := needJournalctl(t)
	since := time.Date(2026, 12, 2, 4, 0, 0, 0, time.Local)
	cases := []struct {
		name string
		got  []string
		want []string
	}{
		{"kernel", KernelJournalArgv(since), []string{bin, "-k", "--since", "2026-12-02 04:00:00", "-n", "20000", "-o", "short-iso", "--no-pager", "-q"}},
		{"kernel, all", KernelJournalArgv(time.Time{}), []string{bin, "-k", "-n", "20000", "-o", "short-iso", "--no-pager", "-q"}},
		{"unit", UnitJournalArgv("php8.2-fpm.service", since, 30), []string{bin, "-u", "php8.2-fpm.service", "-n", "30", "--no-pager", "-o", "short-iso", "--since", "2026-12-02 04:00:00", "-q"}},
		{"unit, defaults", UnitJournalArgv("php-fpm@8.2.service", time.Time{}, 0), []string{bin, "-u", "php-fpm@8.2.service", "-n", "50", "--no-pager", "-o", "short-iso", "-q"}},
		{"unit, bounded", UnitJournalArgv("nginx", time.Time{}, 1<<20), []string{bin, "-u", "nginx", "-n", "1000", "--no-pager", "-o", "short-iso", "-q"}},
		{"option as unit", UnitJournalArgv("--file=/etc/shadow", since, 10), nil},
		{"glob as unit", UnitJournalArgv("php*", since, 10), nil},
		{"empty unit", UnitJournalArgv("", since, 10), nil},
	}
	for _, c := range cases {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s: %q\nwant %q", c.name, c.got, c.want)
		}
	}
	// since is written in local time, whatever zone it came in.
	if got := KernelJournalArgv(since.UTC()); got[3] != "2026-12-02 04:00:00" {
		t.Errorf("since in UTC written as %q", got[3])
	}
}

func TestDmesgArgv(t *testing.T) {
	got := DmesgArgv()
	if got == nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("no trusted dmesg")
		}
		t.Skip("no dmesg in /usr/bin or /bin that root may run")
	}
	if !slices.Equal(got[1:], []string{"--kernel", "--time-format", "iso", "--nopager", "--color=never"}) || !filepath.IsAbs(got[0]) {
		t.Errorf("DmesgArgv = %q", got)
	}
}

// The real dmesg of this box runs, and its lines are read as dated kernel lines.
func TestRunDmesg(t *testing.T) {
	argv := DmesgArgv()
	if argv == nil {
		t.Skip("no dmesg")
	}
	out, err := Run(context.Background(), argv, 16<<20)
	if err != nil {
		if os.Getenv("CI") != "true" && strings.Contains(err.Error(), "Operation not permitted") {
			t.Skip("dmesg needs CAP_SYSLOG here: ", err)
		}
		t.Fatal(err)
	}
	lines, dated := 0, 0
	eachLine(bytes.NewReader(out), func(line string) bool {
		lines++
		if at, _, ok := kernelLine(line, kernelOpts{}); ok && !at.IsZero() {
			dated++
		}
		return true
	})
	if lines == 0 || dated != lines {
		t.Errorf("%d of %d dmesg lines dated", dated, lines)
	}
	_ = OOMKills(bytes.NewReader(out), time.Time{}, "") // whatever this box went through, it parses
	// Over the limit, Run stops and says so.
	if out, err := Run(context.Background(), argv, 64); !errors.Is(err, ErrOutputLimit) || len(out) != 64 {
		t.Errorf("limit: %d bytes, %v", len(out), err)
	}
}

// journalctl runs with the fixed options; with no journal it finds nothing.
func TestRunJournalctl(t *testing.T) {
	needJournalctl(t)
	out, err := Run(context.Background(), KernelJournalArgv(time.Now().Add(-time.Hour)), 16<<20)
	if err != nil {
		t.Fatal(err)
	}
	_ = OOMKills(bytes.NewReader(out), time.Time{}, "php-fpm8.2")
	if _, err := Run(context.Background(), append(KernelJournalArgv(time.Time{}), "--no-such-option"), 1024); err == nil || !strings.Contains(err.Error(), "journalctl: exit status") {
		t.Errorf("bad option: %v", err)
	}
}

func TestRunRefuses(t *testing.T) {
	dir := t.TempDir()
	script := writeFile(t, dir, "fake-journalctl", "#!/bin/sh\necho hi\n")
	if err := os.Chmod(script, 0o777); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		argv []string
		want string
	}{
		{nil, "empty command"},
		{[]string{"journalctl", "-k"}, "not an absolute path"},
		{[]string{script}, "writable by group and others"},
		{[]string{"/usr/bin/journalctl"}, "limit 0"},
	}
	for _, c := range cases {
		limit := int64(1024)
		if c.want == "limit 0" {
			limit = 0
		}
		if _, err := Run(context.Background(), c.argv, limit); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Run(%q) = %v, want %q", c.argv, err, c.want)
		}
	}
	// A cancelled context stops it before it starts anything long.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if argv := DmesgArgv(); argv != nil {
		if _, err := Run(ctx, argv, 1024); err == nil {
			t.Error("ran with a cancelled context")
		}
	}
}
