package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"ngx502/probes/nginxtest"
)

// A stopped nginx whose config writes its pid, logs and temp files
// relative to its own prefix is started again with that prefix (-p), not
// the compiled one, under which those paths do not exist; the proof then
// asks it. The compiled error log (/var/log/nginx), which nginx opens
// before it reads its config, is a tmpfs only this test's namespace sees.
func TestFixStartsStoppedNginxWithItsOwnPrefix(t *testing.T) {
	bin := nginxtest.Binary(t)
	if !inOwnMounts(t, ownMounts{Tmpfs: []string{"/var/log/nginx"}}) {
		return
	}
	backend := nginxtest.Healthy(t)
	prefix, addr := stoppedNginxPrefix(t, backend)
	conf := filepath.Join(prefix, "nginx.conf")
	pidFile := filepath.Join(prefix, "nginx.pid")
	t.Cleanup(func() {
		// nginx -t leaves an empty pid file: only a pid is a started nginx.
		if b, err := os.ReadFile(pidFile); err == nil && len(strings.TrimSpace(string(b))) > 0 {
			stopByPIDFile(t, pidFile, syscall.SIGQUIT)
		}
	})
	args := []string{"report", "--nginx", bin, "--conf", conf, "--timeout", "2s", "--verify", "1s",
		"--fix", "start-nginx", "--audit-log", filepath.Join(prefix, "actions.log")}
	var out, errb strings.Builder
	want := "would run start-nginx: " + bin + " -p " + prefix + "/ -c " + conf
	if code := run(append(args, "--dry-run"), &out, &errb); code != exitOK || !strings.Contains(out.String(), want) {
		t.Fatalf("--dry-run: exit %d, want %q\n%s\n%s", code, want, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "prefix "+prefix+"/: 7 of the config's 8 relative paths") {
		t.Errorf("the plan does not say how the prefix was found:\n%s", out.String())
	}
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Fatal("--dry-run started nginx")
	}
	out.Reset()
	code := run(args, &out, &errb)
	if !strings.Contains(out.String(), "VERDICT  nginx-down") {
		t.Errorf("a stopped nginx in front of a healthy backend is nginx-down:\n%s", out.String())
	}
	if code != exitOK || !strings.Contains(out.String(), "running start-nginx: ") || !strings.Contains(out.String(), "fixed: 5/5 requests 200") {
		t.Fatalf("--fix: exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	if _, err := os.Stat(filepath.Join(prefix, "logs", "access.log")); err != nil {
		t.Errorf("nginx did not write its access log under its own prefix: %v", err)
	}
}

// stoppedNginxPrefix writes an nginx prefix whose config proxies to
// backend and names its files relative to the prefix, and that ran before
// (its logs/ and temp/ exist); it returns the prefix and nginx's address.
func stoppedNginxPrefix(t *testing.T, backend string) (dir, addr string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "ngx502-stopped-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	conf := fmt.Sprintf(`worker_processes 1;
pid nginx.pid;
error_log logs/error.log;
events { worker_connections 64; }
http {
    access_log logs/access.log;
    client_body_temp_path temp/body;
    proxy_temp_path temp/proxy;
    fastcgi_temp_path temp/fastcgi;
    uwsgi_temp_path temp/uwsgi;
    scgi_temp_path temp/scgi;
    server {
        listen 127.0.0.1:%d;
        location / { proxy_pass http://%s; }
    }
}
`, port, backend)
	for _, d := range []string{"logs", "temp"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, l.Addr().String()
}
