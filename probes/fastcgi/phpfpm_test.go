package fastcgi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// phpFPM is a php-fpm master started for one test, with its own config, pid file,
// error log and socket in a temp directory.
type phpFPM struct {
	dir, socket, errorLog string
}

// startPHPFPM runs `php-fpm8.2 -n -F -R -y conf` (foreground; -R because tests run as
// root and the pool runs as root too; -n so the box's php.ini plays no part) and stops
// it by PID at cleanup. Without the binary the test is skipped.
func startPHPFPM(t *testing.T) *phpFPM {
	t.Helper()
	bin := os.Getenv("NGX502_TEST_PHPFPM")
	if bin == "" {
		for _, c := range []string{"php-fpm8.2", "/usr/sbin/php-fpm8.2"} {
			if p, err := exec.LookPath(c); err == nil {
				bin = p
				break
			}
		}
	}
	if bin == "" {
		// CI installs php8.2-fpm (.ci/run), so there a missing binary is a failure.
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but php-fpm8.2 is missing: apt-get install -y php8.2-fpm")
		}
		t.Skip("php-fpm8.2 not installed: apt-get install -y php8.2-fpm")
	}
	dir, err := os.MkdirTemp("", "ngx502-fpm-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	f := &phpFPM{dir: dir, socket: filepath.Join(dir, "php.sock"), errorLog: filepath.Join(dir, "php-fpm.log")}
	conf := fmt.Sprintf(`[global]
pid = %[1]s/php-fpm.pid
error_log = %[2]s
daemonize = no
[test]
user = root
group = root
listen = %[3]s
listen.mode = 0660
pm = static
pm.max_children = 1
catch_workers_output = yes
; as on a production box: errors go to FastCGI stderr (nginx logs "FastCGI sent in
; stderr: PHP message: ..."), not into the page, and a fatal error is a 500
php_admin_flag[display_errors] = off
php_admin_flag[log_errors] = on
`, dir, f.errorLog, f.socket)
	confPath := filepath.Join(dir, "php-fpm.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-n", "-F", "-R", "-y", confPath)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	// A stuck master is killed with its whole process group (the workers).
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start %s: %v", bin, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = syscall.Kill(cmd.Process.Pid, syscall.SIGQUIT) // graceful stop
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			cancel()
			<-done
		}
		cancel()
	})
	for range 250 { // up to 5 s
		if c, err := net.DialTimeout("unix", f.socket, 100*time.Millisecond); err == nil {
			c.Close()
			return f
		}
		select {
		case err := <-done:
			log, _ := os.ReadFile(f.errorLog)
			t.Fatalf("php-fpm exited: %v\n%s\n%s", err, out.String(), log)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("php-fpm did not listen on %s within 5s", f.socket)
	return nil
}

func (f *phpFPM) script(t *testing.T, name, code string) string {
	t.Helper()
	p := filepath.Join(f.dir, name)
	if err := os.WriteFile(p, []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPHPFPM(t *testing.T) {
	f := startPHPFPM(t)
	hello := f.script(t, "hello.php", `<?php header("X-Probe: yes"); echo "php ok ", $_SERVER["REQUEST_URI"];`)
	down := f.script(t, "down.php", `<?php http_response_code(503); echo "down";`)
	fatal := f.script(t, "fatal.php", `<?php no_such_function();`)

	cases := []struct {
		name, script, uri string
		status            int
		stdout, stderr    string
		explain           string
	}{
		{"hello", hello, "/hello.php?x=1", 200, "php ok /hello.php?x=1", "", "answered 200 OK"},
		{"missing", filepath.Join(f.dir, "nope.php"), "/nope.php", 404, "File not found.", "Primary script unknown", "cannot open SCRIPT_FILENAME"},
		{"status", down, "/down.php", 503, "down", "", "answered 503 Service Unavailable"},
		{"fatal", fatal, "/fatal.php", 500, "", "PHP message: PHP Fatal error:  Uncaught Error: Call to undefined function no_such_function()", "answered 500 Internal Server Error"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := probe(t, Request{Network: "unix", Address: f.socket, ScriptFilename: c.script, RequestURI: c.uri}, 5*time.Second)
			if r.Err != nil || r.Status != c.status {
				t.Fatalf("status %d err %v stderr %q", r.Status, r.Err, r.Stderr)
			}
			if !strings.Contains(string(r.Stdout), c.stdout) || !strings.Contains(r.Stderr, c.stderr) {
				t.Errorf("stdout %q stderr %q, want %q and %q", r.Stdout, r.Stderr, c.stdout, c.stderr)
			}
			if !strings.Contains(Explain(r), c.explain) {
				t.Errorf("Explain = %q, want %q", Explain(r), c.explain)
			}
		})
	}
	r := probe(t, Request{Network: "unix", Address: f.socket, ScriptFilename: hello, RequestURI: "/hello.php"}, 5*time.Second)
	if r.Header.Get("X-Probe") != "yes" {
		t.Errorf("header X-Probe missing: %v", r.Header)
	}
}

// A pool whose only child is busy does not answer: the probe reports a timeout, as
// nginx reports a 504 when pm.max_children is reached.
func TestPHPFPMPoolBusy(t *testing.T) {
	f := startPHPFPM(t)
	slow := f.script(t, "slow.php", `<?php sleep(3); echo "late";`)
	busy := make(chan Result, 1)
	go func() {
		busy <- Probe(context.Background(), Request{Network: "unix", Address: f.socket, ScriptFilename: slow}, 5*time.Second)
	}()
	time.Sleep(300 * time.Millisecond)
	r := probe(t, Request{Network: "unix", Address: f.socket, ScriptFilename: slow}, 500*time.Millisecond)
	if !errors.Is(r.Err, context.DeadlineExceeded) || r.Phase != PhaseHeader || !strings.Contains(Explain(r), "pm.max_children") {
		t.Errorf("busy pool: phase %q err %v: %s", r.Phase, r.Err, Explain(r))
	}
	if first := <-busy; first.Err != nil || !strings.HasSuffix(string(first.Stdout), "late") {
		t.Errorf("slow request: %v %q", first.Err, first.Stdout)
	}
}
