package service

import (
	"context"
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

const nginxBin = "/usr/sbin/nginx"

// TestReloadNginxReal starts Debian's nginx in a temp prefix on a free loopback
// port, reloads it with the argv ReloadNginx builds for a box with no manager,
// and checks the master logged the reconfiguration. It never touches /etc/nginx.
func TestReloadNginxReal(t *testing.T) {
	if _, err := os.Stat(nginxBin); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("nginx missing in CI: %v", err)
		}
		t.Skipf("nginx not installed: %v", err)
	}
	prefix := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	conf := filepath.Join(prefix, "nginx.conf")
	tmp := filepath.Join(prefix, "tmp")
	write(t, conf, fmt.Sprintf(`pid %[1]s/nginx.pid;
error_log %[1]s/error.log notice;
worker_processes 1;
events { worker_connections 32; }
http {
  access_log off;
  client_body_temp_path %[2]s; proxy_temp_path %[2]s; fastcgi_temp_path %[2]s;
  uwsgi_temp_path %[2]s; scgi_temp_path %[2]s;
  server { listen %[3]s; return 204; }
}
`, prefix, tmp, addr))
	mkdir(t, tmp)
	globals := "daemon off; master_process on;"
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// Not CommandContext: its cancel at return would SIGKILL the master
	// alone and orphan the workers; the cleanup stops the whole group.
	master := exec.Command(nginxBin, "-p", prefix, "-c", conf, "-g", globals)
	master.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := master.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pgid := master.Process.Pid
		_ = syscall.Kill(-pgid, syscall.SIGQUIT)
		done := make(chan struct{})
		go func() { _ = master.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-done
		}
	})
	waitFor(t, "nginx to write its pid file", func() bool {
		b, err := os.ReadFile(filepath.Join(prefix, "nginx.pid"))
		return err == nil && strings.TrimSpace(string(b)) == fmt.Sprint(master.Process.Pid)
	})

	c := ReloadNginx(None, "", nginxBin, conf, prefix, globals)
	r := Run(ctx, c, 10*time.Second)
	if r.Err != nil || r.ExitCode != 0 {
		t.Fatalf("%s: %+v", c, r)
	}
	waitFor(t, "the master to log the reload", func() bool {
		b, _ := os.ReadFile(filepath.Join(prefix, "error.log"))
		return strings.Contains(string(b), "signal 1 (SIGHUP) received") && strings.Contains(string(b), "reconfiguring")
	})
	// Still serving after the reload.
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatalf("nginx stopped answering after reload: %v", err)
	}
	conn.Close()
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for i := 0; i < 100; i++ {
		if ok() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}
