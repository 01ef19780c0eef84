package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"ngx502/lab"
	"ngx502/probes/nginxtest"
)

// TestMain lets a test run ngx502 itself as a child process (for signals,
// which must not reach the test binary): NGX502_RUN_MAIN=1 makes the
// child behave as the real command with the arguments after "--". A lab
// runs its backends as this program again with a hidden first argument:
// in tests that program is the test binary, which then is the backend.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && (os.Args[1] == lab.BackendArg || os.Args[1] == lab.NamespaceArg) {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	if os.Getenv("NGX502_RUN_MAIN") == "1" {
		args := os.Args[1:]
		for i, a := range args {
			if a == "--" {
				args = args[i+1:]
				break
			}
		}
		os.Exit(run(args, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// startMain starts ngx502 with args as a child process.
func startMain(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), "NGX502_RUN_MAIN=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
	return cmd, &out, &errb
}

// waitExit waits at most d for cmd and returns its exit code.
func waitExit(t *testing.T, cmd *exec.Cmd, d time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		return cmd.ProcessState.ExitCode()
	case <-time.After(d):
		t.Fatalf("ngx502 still running %s after the signal", d)
	}
	return -1
}

// hangingNginx is a real nginx in front of an upstream that never answers.
func hangingNginx(t *testing.T) *nginxtest.Nginx {
	return nginxtest.Start(t, nginxtest.Options{HTTP: fmt.Sprintf(`server {
    listen 127.0.0.1:{{.Port}};
    location / { proxy_pass http://%s; proxy_read_timeout 60s; }
}`, nginxtest.Hanging(t))})
}

// SIGINT while a probe hangs: the probes stop, the report says which steps
// did not finish, never "healthy", and the exit code is 2.
func TestSIGINTReportsUnfinished(t *testing.T) {
	t.Parallel()
	n := hangingNginx(t)
	cmd, out, errb := startMain(t, "report", "--nginx", n.Binary, "--conf", n.Conf, "--prefix", n.Prefix, "--timeout", "30s")
	time.Sleep(1500 * time.Millisecond) // discovery done, probes hanging
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	code := waitExit(t, cmd, 5*time.Second)
	t.Logf("exit %d %s after SIGINT", code, time.Since(start).Round(time.Millisecond))
	if code != exitUsage {
		t.Errorf("exit %d, want %d; stderr %s", code, exitUsage, errb.String())
	}
	s := out.String()
	if strings.Contains(s, "VERDICT  healthy") || !strings.Contains(s, "did not finish") {
		t.Errorf("an interrupted run must say what did not finish, never healthy:\n%s", s)
	}
	if strings.Contains(s, "invalid-response") {
		t.Errorf("a cancelled probe was reported as a result:\n%s", s)
	}
}

// Two SIGINTs: ngx502 is gone at once, whatever it was doing.
func TestSecondSIGINTExitsAtOnce(t *testing.T) {
	t.Parallel()
	n := hangingNginx(t)
	cmd, _, _ := startMain(t, "report", "--nginx", n.Binary, "--conf", n.Conf, "--prefix", n.Prefix, "--timeout", "30s")
	time.Sleep(1500 * time.Millisecond)
	for range 2 {
		if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code := waitExit(t, cmd, 3*time.Second); code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
}
