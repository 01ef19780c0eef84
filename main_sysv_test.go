package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"ngx502/probes/nginxtest"
)

// php-fpm is down on a box whose PID 1 is not init: its SysV script
// still works, so step 5 proposes `/usr/sbin/service php8.2-fpm start`; --dry-run
// runs nothing, --fix runs it and the proof through nginx says fixed.
// The init script, service(8) and php-fpm are the box's own; the config
// they read (/etc/php/8.2/fpm) and /run, where the pid file and socket
// live, are the test's, in a mount namespace only this test sees.
func TestSysVFixStartsPHPFPM(t *testing.T) {
	if _, err := os.Stat("/etc/init.d/php8.2-fpm"); err != nil {
		needs(t, "php8.2-fpm's init script is not installed: apt-get install -y php8.2-fpm")
	}
	dir := sysvFixture(t)
	if !inOwnMounts(t, ownMounts{Tmpfs: []string{"/run"}, Bind: [][2]string{{filepath.Join(dir, "fpm"), "/etc/php/8.2/fpm"}}}) {
		return
	}
	const sock, pidFile = "/run/php/php8.2-fpm.sock", "/run/php/php8.2-fpm.pid"
	t.Cleanup(func() {
		if _, err := os.Stat(pidFile); err == nil {
			stopByPIDFile(t, pidFile, syscall.SIGQUIT)
		}
	})
	n := nginxtest.Start(t, nginxtest.Options{HTTP: `server {
    listen 127.0.0.1:{{.Port}};
    location /app/ {
        fastcgi_pass unix:` + sock + `;
        fastcgi_param SCRIPT_FILENAME ` + filepath.Join(dir, "www", "index.php") + `;
        fastcgi_param REQUEST_METHOD $request_method;
    }
}`})
	if status, _, err := n.Get("/app/"); err != nil || status != 502 {
		t.Fatalf("before: %d %v, want 502 (php-fpm is down)", status, err)
	}
	args := []string{"report", "--nginx", n.Binary, "--conf", n.Conf, "--prefix", n.Prefix, "--timeout", "2s",
		"--verify", "2s", "--fix", "start-backend", "--audit-log", filepath.Join(dir, "actions.log")}

	var out, errb strings.Builder
	if code := run(append(args, "--dry-run"), &out, &errb); code != exitOK || !strings.Contains(out.String(), "would run start-backend: /usr/sbin/service php8.2-fpm start") {
		t.Fatalf("--dry-run: exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	if _, err := os.Stat(sock); err == nil {
		t.Fatal("--dry-run started php-fpm")
	}

	out.Reset()
	code := run(args, &out, &errb)
	if code != exitOK || !strings.Contains(out.String(), "running start-backend: /usr/sbin/service php8.2-fpm start") ||
		!strings.Contains(out.String(), "fixed: 5/5 requests 200, no new upstream errors in 2s") {
		log, _ := os.ReadFile(filepath.Join(dir, "php-fpm.log"))
		t.Fatalf("--fix: exit %d\n%s\n%s\nphp-fpm log:\n%s", code, out.String(), errb.String(), log)
	}
	if c, err := net.Dial("unix", sock); err != nil {
		t.Fatalf("php-fpm does not listen after the fix: %v", err)
	} else {
		c.Close()
	}
	if status, body, err := n.Get("/app/"); err != nil || status != 200 || body != "php ok" {
		t.Fatalf("after: %d %q %v, want 200 php ok", status, body, err)
	}
}

// sysvFixture writes the php-fpm config the init script will read (one
// pool on the Debian socket, workers as nobody) and a docroot, in a 0755
// directory nginx's and php-fpm's workers can enter.
func sysvFixture(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("NGX502_TEST_SYSV_DIR") // the namespaced copy reuses its parent's
	if dir != "" {
		return dir
	}
	dir, err := os.MkdirTemp("", "ngx502-sysv-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	t.Setenv("NGX502_TEST_SYSV_DIR", dir)
	files := map[string]string{
		"fpm/php-fpm.conf": "[global]\npid = /run/php/php8.2-fpm.pid\nerror_log = " + filepath.Join(dir, "php-fpm.log") +
			"\ninclude=/etc/php/8.2/fpm/pool.d/*.conf\n",
		"fpm/pool.d/www.conf": "[www]\nuser = nobody\ngroup = nogroup\nlisten = /run/php/php8.2-fpm.sock\nlisten.mode = 0666\n" +
			"pm = static\npm.max_children = 2\n",
		"www/index.php": `<?php echo "php ok";`,
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
