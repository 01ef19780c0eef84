package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// An unprivileged run that can read nothing cannot decide: exit 2, and it
// names the error_log of the config it read, not nginx's built-in default.
func TestUnprivilegedReadsNothingExit2(t *testing.T) {
	if os.Geteuid() != 0 {
		const msg = "needs root to run ngx502 as nobody"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	t.Parallel()
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} { // t.TempDir makes both 0700
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	logs := filepath.Join(dir, "logs")
	if err := os.Mkdir(logs, 0o700); err != nil { // root's: nobody may not read it
		t.Fatal(err)
	}
	errorLog := filepath.Join(logs, "error.log")
	if err := os.WriteFile(errorLog, []byte("2026/12/01 10:00:00 [error] 7#7: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: _, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:9/\", host: \"x\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "nginx.conf")
	text := "error_log " + errorLog + ";\nevents {}\nhttp { server { listen 127.0.0.1:9; location / { return 200; } } }\n"
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	// The test binary lives in a directory only root may enter: copy it.
	bin := filepath.Join(dir, "ngx502.test")
	copyFile(t, os.Args[0], bin)
	var cmd *exec.Cmd
	var out, errb bytes.Buffer
	// A parallel test's fork may hold the copy's write descriptor for a
	// moment (ETXTBSY until its exec): retry, bounded.
	for try := 0; ; try++ {
		cmd = exec.Command(bin, "-test.run=^$", "--", "report", "--conf", conf, "--nginx", "/usr/sbin/nginx")
		cmd.Env = append(os.Environ(), "NGX502_RUN_MAIN=1")
		cmd.Dir = dir
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		out.Reset()
		errb.Reset()
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		if cmd.ProcessState != nil {
			break
		}
		if !errors.Is(err, syscall.ETXTBSY) || try == 20 {
			t.Fatalf("cannot run ngx502 as nobody: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code := cmd.ProcessState.ExitCode(); code != exitUsage {
		t.Errorf("exit %d, want %d (could not decide); stderr %s", code, exitUsage, errb.String())
	}
	s := out.String()
	if !strings.Contains(s, errorLog+": permission denied") && !strings.Contains(s, "read "+errorLog+": permission denied") {
		t.Errorf("report does not name the config's own error_log %s as unreadable:\n%s", errorLog, s)
	}
	if strings.Contains(s, "/var/log/nginx/error.log") || strings.Contains(s, "VERDICT  healthy") {
		t.Errorf("report names the build default or claims healthy:\n%s", s)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}
