package logsource

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"ngx502/probes/nginxtest"
)

// journaldConf keeps the private journald to itself: no kernel log, no
// forwarding anywhere, files in memory only.
const journaldConf = "[Journal]\nStorage=volatile\nReadKMsg=no\nForwardToSyslog=no\nForwardToKMsg=no\nForwardToConsole=no\nForwardToWall=no\n"

// journald is a private systemd-journald for a test: it runs in its own
// mount namespace with dir/run over /run/systemd and dir/log over
// /run/log, so its sockets are dir/run/journal/* and its files are
// dir/log/journal, and the box's own /run and journal are never touched.
type journald struct {
	dir string
}

// startJournald starts one and stops it (by PID) in t.Cleanup.
func startJournald(t *testing.T) *journald {
	t.Helper()
	needRoot(t)
	unshare := needBinary(t, "unshare")
	bin := ""
	for _, p := range []string{"/usr/lib/systemd/systemd-journald", "/lib/systemd/systemd-journald"} {
		if _, err := os.Stat(p); err == nil {
			bin = p
			break
		}
	}
	need(t, bin != "", "systemd-journald not installed")
	_, err := os.Stat("/run/systemd")
	need(t, err == nil, "no /run/systemd to mount over")
	_, err = os.Stat("/run/log")
	need(t, err == nil, "no /run/log to mount over")

	dir, err := os.MkdirTemp("", "ngx502-journald-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	// 0755 all the way: nginx's workers (nobody) send to the socket in it.
	for _, d := range []string{dir, filepath.Join(dir, "run"), filepath.Join(dir, "log")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "journald.conf"), []byte(journaldConf), 0o644); err != nil {
		t.Fatal(err)
	}
	script := `mount --bind "$1/run" /run/systemd && mount --bind "$1/log" /run/log &&
{ [ ! -e /etc/systemd/journald.conf ] || mount --bind "$1/journald.conf" /etc/systemd/journald.conf; } &&
exec "$2"`
	cmd := exec.Command(unshare, "--mount", "--propagation", "private", "--", "/bin/sh", "-c", script, "sh", dir, bin)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	out, err := os.Create(filepath.Join(dir, "journald.out"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start journald: %v", err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		syscall.Kill(cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
	j := &journald{dir: dir}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(j.socket("dev-log")); err == nil {
			return j
		}
		select {
		case <-done:
			b, _ := os.ReadFile(filepath.Join(dir, "journald.out"))
			need(t, false, "private journald did not start: "+strings.TrimSpace(string(b)))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("private journald made no sockets within 10s")
		}
	}
}

// socket is the path of one of journald's sockets.
func (j *journald) socket(name string) string { return filepath.Join(j.dir, "run", "journal", name) }

// send writes one entry over journald's native protocol.
func (j *journald) send(t *testing.T, fields ...string) {
	t.Helper()
	c, err := net.Dial("unixgram", j.socket("socket"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(strings.Join(fields, "\n") + "\n")); err != nil {
		t.Fatal(err)
	}
}

// read runs argv against this journal's files (-D) until the stripped
// output equals want or 10 s pass, and returns the last output.
func (j *journald) read(t *testing.T, argv []string, want string) string {
	t.Helper()
	argv = append([]string{argv[0], "-D", filepath.Join(j.dir, "log", "journal")}, argv[1:]...)
	var got string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		r, err := ReadJournal(context.Background(), argv, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil && !errors.Is(err, io.EOF) {
			t.Fatalf("%q: %v", argv, err)
		}
		if got = string(b); got == want {
			break
		}
	}
	return got
}

// realNginxErrors makes a real nginx log a 502's upstream error to its
// file log and to error_log extra (a syslog: destination), and returns
// the file log's text once it holds the error.
func realNginxErrors(t *testing.T, extra string) string {
	t.Helper()
	up := nginxtest.Refusing(t)
	n := nginxtest.Start(t, nginxtest.Options{
		Main: "error_log " + extra + " error;",
		HTTP: `server {
    listen 127.0.0.1:{{.Port}};
    location / { proxy_pass http://` + up + `; }
}`,
	})
	if status, _, err := n.Get("/"); err != nil || status != 502 {
		t.Fatalf("GET / = %d, %v; want a 502", status, err)
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if text := n.ErrorLogText(); strings.Contains(text, "Connection refused") {
			return text
		}
	}
	t.Fatalf("nginx logged no refused connect; error log:\n%s", n.ErrorLogText())
	return ""
}

func TestJournalUnitThroughRealJournald(t *testing.T) {
	j := startJournald(t)
	unit := fmt.Sprintf("ngx502-test-%d.service", os.Getpid())
	since := time.Now().Add(-time.Minute)
	lines := []string{
		`2026/12/02 05:00:01 [error] 1231#1231: *17 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: _, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:9/", host: "localhost"`,
		`2026/12/02 05:00:02 [crit] 1231#1231: *18 connect() to unix:/run/php/php8.2-fpm.sock failed (2: No such file or directory) while connecting to upstream`,
	}
	// What systemd itself writes about the unit, and nginx's lines as
	// journald stores a unit's stderr.
	j.send(t, "MESSAGE="+unit+": Main process exited, code=killed, status=9/KILL", "SYSLOG_IDENTIFIER=systemd", "OBJECT_SYSTEMD_UNIT="+unit)
	for _, l := range lines {
		j.send(t, "MESSAGE="+l, "SYSLOG_IDENTIFIER=nginx", "OBJECT_SYSTEMD_UNIT="+unit)
	}
	j.send(t, "MESSAGE=2026/12/02 05:00:03 [error] 1#1: another unit's nginx", "SYSLOG_IDENTIFIER=nginx", "OBJECT_SYSTEMD_UNIT=other.service")

	argv := JournalArgv(unit, since)
	need(t, argv != nil, "no trusted journalctl")
	want := strings.Join(lines, "\n") + "\n"
	if got := j.read(t, argv, want); got != want {
		t.Fatalf("journal of %s via %q:\n%s\nwant:\n%s", unit, argv, got, want)
	}
}

func TestSyslogThroughRealJournald(t *testing.T) {
	for _, tc := range []struct{ name, params string }{
		{"with hostname", ""},
		{"nohostname", ",tag=ngx_nohost,nohostname"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := startJournald(t)
			since := time.Now().Add(-time.Minute)
			path := "syslog:server=unix:" + j.socket("dev-log") + tc.params
			target, err := SyslogTarget(path)
			if err != nil {
				t.Fatal(err)
			}
			want := realNginxErrors(t, path)
			argv := JournalSyslogArgv(target, since)
			need(t, argv != nil, "no trusted journalctl")
			if got := j.read(t, argv, want); got != want {
				t.Fatalf("nginx's syslog entries via journald and %q:\n%s\nwant (its file log):\n%s", argv, got, want)
			}
		})
	}
}
