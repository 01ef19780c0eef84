package nginx

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	line := []byte("4242 (nginx: (worker) x) S 4200 4200 4200 0 -1 4194624 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10 18446744073709551615\n")
	start, ppid, err := ParseStat(line)
	if err != nil || ppid != 4200 || start != 987654 {
		t.Fatalf("ParseStat = %d, %d, %v; want 987654, 4200", start, ppid, err)
	}
	for _, bad := range []string{"", "1 (x", "1 (x) S 1", "1 (x) S y 1 1 0 -1 0 0 0 0 0 0 0 0 0 0 0 1 0 5"} {
		if _, _, err := ParseStat([]byte(bad)); err == nil {
			t.Errorf("ParseStat(%q) accepted a malformed line", bad)
		}
	}
}

func FuzzParseStat(f *testing.F) {
	f.Add([]byte("1 (init) S 0 1 1 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 5 0 0 0"))
	f.Fuzz(func(t *testing.T, b []byte) { _, _, _ = ParseStat(b) })
}

// A real process tree: the "master" is this test's child sleep, its
// "worker" a grandchild started later; LoadedAt must be the worker's start.
func TestLoadedAtRealProc(t *testing.T) {
	before := time.Now().Add(-2 * time.Second)
	master := exec.Command("/bin/sleep", "30")
	master.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := master.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-master.Process.Pid, syscall.SIGKILL); _ = master.Wait() })
	at, err := LoadedAt("/proc", master.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if at.Before(before) || at.After(time.Now().Add(2*time.Second)) {
		t.Fatalf("LoadedAt = %s, want about now (%s)", at, time.Now())
	}
	dir := t.TempDir()
	f := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(f, []byte("events {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := &Config{Files: []string{f}}
	if got := c.ChangedSince(time.Now().Add(-time.Hour)); len(got) != 1 {
		t.Errorf("ChangedSince an hour ago = %v, want the file", got)
	}
	if got := c.ChangedSince(time.Now().Add(time.Hour)); len(got) != 0 {
		t.Errorf("ChangedSince in an hour = %v, want none", got)
	}
}
