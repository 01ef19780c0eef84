package postmortem

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// copyFixture copies testdata/name into dir and returns the copy's path.
func copyFixture(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, dir, filepath.Base(name), string(b))
}

func TestGatherFiles(t *testing.T) {
	dir := t.TempDir()
	fpmLog := copyFixture(t, dir, "fpm/php8.2-fpm-busyday.log")
	conf := writeFile(t, dir, "php-fpm.conf", "[global]\nerror_log = "+fpmLog+"\n")
	initLog := writeFile(t, dir, "php-fpm-init.log", "starting\nphp-fpm: start failed\n")
	journalCopy := copyFixture(t, dir, "kernel/journal-6.1-global.txt")
	missing := filepath.Join(dir, "kern.log.none")
	d := Gather(context.Background(), Request{
		Process:    "php-fpm8.2",
		FPMConfig:  conf,
		InitLogs:   []string{filepath.Join(dir, "none.log"), initLog},
		KernelLogs: []string{filepath.Join("testdata", "kernel", "journal-6.1-global.txt"), journalCopy, missing},
		DmesgFile:  filepath.Join("testdata", "kernel", "dmesg-iso-long-comm.txt"),
		NoJournal:  true,
	})
	// The same kill read from two files is one kill.
	if len(d.OOM) != 1 || d.OOM[0].PID != 1234 || d.OOM[0].RSS != "524288kB" {
		t.Errorf("OOM %+v", d.OOM)
	}
	wantSources := []string{filepath.Join("testdata", "kernel", "journal-6.1-global.txt"), journalCopy, filepath.Join("testdata", "kernel", "dmesg-iso-long-comm.txt"), fpmLog, initLog}
	if !slices.Equal(d.Sources, wantSources) {
		t.Errorf("Sources %q\nwant %q", d.Sources, wantSources)
	}
	if len(d.Missing) != 2 || !strings.HasPrefix(d.Missing[0], missing+": open ") || !strings.Contains(d.Missing[1], "none.log: open ") {
		t.Errorf("Missing %q", d.Missing)
	}
	if n, _, _ := countFPM(d.FPM, FPMMaxChildren); n != 37 {
		t.Errorf("max_children %d", n)
	}
	if !slices.Equal(d.Tail, []string{"starting", "php-fpm: start failed"}) {
		t.Errorf("Tail %q", d.Tail)
	}
	if r := d.Reason(); !strings.HasPrefix(r, "killed by the kernel's OOM killer at ") || !strings.HasSuffix(r, "(php-fpm8.2, pid 1234, anon-rss 512 MiB, cgroup /system.slice/php8.2-fpm.service)") {
		t.Errorf("Reason %q", r)
	}
	if d.At.IsZero() {
		t.Error("At not set")
	}
}

// The journal is read with the commands shown in Sources; this box's
// journal may be empty, and that is not missing.
func TestGatherJournal(t *testing.T) {
	needJournalctl(t)
	since := time.Now().Add(-time.Hour)
	d := Gather(context.Background(), Request{
		Since:      since,
		Process:    "php-fpm8.2",
		Unit:       "ngx502-test-none.service",
		KernelLogs: []string{},
	})
	want := []string{strings.Join(KernelJournalArgv(since), " "), strings.Join(UnitJournalArgv("ngx502-test-none.service", since, defaultUnitLines), " ")}
	if !slices.Equal(d.Sources, want) || len(d.Missing) != 0 {
		t.Errorf("Sources %q Missing %q\nwant %q", d.Sources, d.Missing, want)
	}
	d = Gather(context.Background(), Request{Unit: "--all", KernelLogs: []string{}})
	if len(d.Missing) != 1 || d.Missing[0] != "the journal of --all: not a plain unit name" {
		t.Errorf("Missing %q", d.Missing)
	}
}

func TestGatherFPMSyslog(t *testing.T) {
	dir := t.TempDir()
	conf := writeFile(t, dir, "php-fpm.conf", "[global]\nerror_log = syslog\n")
	d := Gather(context.Background(), Request{FPMConfig: conf, NoJournal: true, KernelLogs: []string{}})
	if len(d.Missing) != 1 || !strings.Contains(d.Missing[0], "sends it to syslog as php-fpm") || d.Reason() != "" {
		t.Errorf("Missing %q Reason %q", d.Missing, d.Reason())
	}
}
