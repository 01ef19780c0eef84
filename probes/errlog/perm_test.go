package errlog

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// permEnv names the log file the helper process must fail to read.
const permEnv = "ERRLOG_PERM_HELPER_LOG"

// TestSummarizePermissionDenied provokes a real EACCES. Tests run as root,
// which ignores file modes, so the test binary re-runs itself as the
// unprivileged user nobody (65534) against a root-owned 0600 log.
func TestSummarizePermissionDenied(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} { // t.TempDir and its parent are 0700
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	log := filepath.Join(dir, "error.log")
	writeLog(t, log, time.Now(), refused("2026/11/25 12:44:01", "a"))
	if err := os.Chmod(log, 0o600); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		if err := os.Chmod(log, 0); err != nil {
			t.Fatal(err)
		}
		s := Summarize(context.Background(), []string{log}, time.Time{}, time.UTC)
		if !errors.Is(s.Files[0].Err, fs.ErrPermission) {
			t.Fatalf("err = %v, want fs.ErrPermission", s.Files[0].Err)
		}
		return
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "errlog.test")
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil { // the build dir is not reachable by nobody
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(), permEnv+"="+log)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper as nobody: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "uid=65534 permission=true read=false") {
		t.Fatalf("helper did not see a permission error:\n%s", out)
	}
}

// TestMain doubles as the child processes of TestSummarizePermissionDenied
// (permEnv: run as nobody) and TestSummarizeRSS (rssRelayEnv, rssEnv):
// each only reports what it saw and exits, so no skipped helper test shows
// in the run.
func TestMain(m *testing.M) {
	if log := os.Getenv(rssRelayEnv); log != "" {
		relaySummarizeRSS(log)
		os.Exit(0)
	}
	if log := os.Getenv(rssEnv); log != "" {
		helperSummarizeRSS(log)
		os.Exit(0)
	}
	if log := os.Getenv(permEnv); log != "" {
		s := Summarize(context.Background(), []string{log}, time.Time{}, time.UTC)
		f := s.Files[0]
		fmt.Printf("HELPER uid=%d permission=%v read=%v err=%v\n", os.Geteuid(), errors.Is(f.Err, fs.ErrPermission), f.Read, f.Err)
		os.Exit(0)
	}
	os.Exit(m.Run())
}
