package main

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// nsChildEnv marks the copy of a test that runs inside its own mount
// namespace; its value is the test's name.
const nsChildEnv = "NGX502_TEST_MOUNTNS"

// ownMounts is what a test's private mount namespace changes: an empty
// tmpfs over each of Tmpfs, and each Bind[i][0] bound over Bind[i][1].
// Processes started inside see these paths; the box's files are untouched.
type ownMounts struct {
	Tmpfs []string
	Bind  [][2]string
}

// inOwnMounts runs the calling test again in a new mount namespace with
// m applied, and reports true there: the caller then does its work, which
// the box's own files (init scripts' pid files, /var/log) never see. In
// the first run it waits for that copy, fails when it failed or did not
// run, and reports false. Root only (mount namespaces).
func inOwnMounts(t *testing.T, m ownMounts) bool {
	t.Helper()
	if os.Getenv(nsChildEnv) == t.Name() {
		return true
	}
	if os.Geteuid() != 0 {
		needs(t, "mount namespaces need root")
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		needs(t, "unshare (util-linux) is not installed")
	}
	// The script takes its paths as arguments: nothing is quoted into it.
	script := `while [ "$1" != -- ]; do mount -t tmpfs -o mode=0755 tmpfs "$1" || exit 97; shift; done; shift
while [ "$1" != -- ]; do mount --bind "$1" "$2" || exit 98; shift 2; done; shift
exec "$@"`
	argv := []string{"--mount", "--propagation", "private", "--", "/bin/sh", "-c", script, "sh"}
	argv = append(argv, m.Tmpfs...)
	argv = append(argv, "--")
	for _, b := range m.Bind {
		argv = append(argv, b[0], b[1])
	}
	argv = append(argv, "--", os.Args[0], "-test.run", "^"+t.Name()+"$", "-test.count", "1", "-test.v")
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, unshare, argv...)
	cmd.Env = append(os.Environ(), nsChildEnv+"="+t.Name())
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("in its own mount namespace: %v\n%s", err, out)
	}
	t.Logf("in its own mount namespace:\n%s", out)
	return false
}

// needs skips a test whose prerequisite is missing, except in CI, where a
// missing prerequisite is a broken runner.
func needs(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal("CI=true but " + why)
	}
	t.Skip(why)
}

// stopByPIDFile stops the daemon whose pid file is path, as the test
// started it, and waits (bounded) until it is gone.
func stopByPIDFile(t *testing.T, path string, sig syscall.Signal) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("pid file %s: %v", path, err)
		return
	}
	var pid int
	for _, c := range strings.TrimSpace(string(b)) {
		if c < '0' || c > '9' {
			t.Errorf("pid file %s holds %q", path, b)
			return
		}
		pid = pid*10 + int(c-'0')
	}
	if pid <= 1 {
		t.Errorf("pid file %s holds %q", path, b)
		return
	}
	_ = syscall.Kill(pid, sig)
	for range 100 { // 10 s at most
		if syscall.Kill(pid, 0) != nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
	t.Errorf("pid %d (%s) did not stop on %v: killed", pid, path, sig)
}
