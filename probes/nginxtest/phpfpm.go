package nginxtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// PHPOptions describe the php-fpm pool PHPFPM starts.
type PHPOptions struct {
	// Mode is the socket's listen.mode; 0 means 0666, so nginx workers running as
	// nobody can connect. 0660 with the default owner (root) locks them out.
	Mode os.FileMode
	// Owner and Group are listen.owner and listen.group; empty leaves php-fpm's
	// default, the pool's user and group (root here).
	Owner, Group string
	// MaxChildren is pm.max_children of the static pool; 0 means 2.
	MaxChildren int
}

// FPM is a php-fpm master started for one test, with its own config, pid file, error
// log, socket and docroot in a 0755 temp directory.
type FPM struct {
	Socket   string // the pool's unix socket
	Root     string // a docroot holding index.php, which answers "php ok"
	PID      int    // the master process (leader of its own process group)
	ErrorLog string // php-fpm's error log (workers' stderr is caught into it)

	stderr string // file with the master's stdout and stderr
	master *master
}

// PHPBinary returns the php-fpm binary for tests: $NGX502_TEST_PHPFPM, else
// php-fpm8.2 on PATH, else /usr/sbin/php-fpm8.2. When none exists the test is
// skipped, or fails when CI=true (CI installs php8.2-fpm, see .ci/run).
func PHPBinary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("NGX502_TEST_PHPFPM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("NGX502_TEST_PHPFPM=%s: %v", p, err)
		}
		return p
	}
	for _, c := range []string{"php-fpm8.2", "/usr/sbin/php-fpm8.2"} {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	const msg = "php-fpm8.2 not installed: apt-get install -y php8.2-fpm"
	if os.Getenv("CI") == "true" {
		t.Fatal("CI=true but " + msg)
	}
	t.Skip(msg)
	return ""
}

// PHPFPM runs `php-fpm8.2 -n -F -R -y conf` (foreground; -R because tests run as root
// and the pool runs as root too; -n so the box's php.ini plays no part), waits until
// its socket accepts, and stops it by PID at cleanup.
func PHPFPM(t testing.TB, o PHPOptions) *FPM {
	t.Helper()
	bin := PHPBinary(t)
	dir := tempDir(t, "ngx502-fpm-")
	f := &FPM{
		Socket:   filepath.Join(dir, "php.sock"),
		Root:     filepath.Join(dir, "www"),
		ErrorLog: filepath.Join(dir, "php-fpm.log"),
		stderr:   filepath.Join(dir, "stderr.log"),
	}
	if err := os.Mkdir(f.Root, 0o755); err != nil {
		t.Fatal(err)
	}
	f.Script(t, "index.php", `<?php echo "php ok";`)
	confPath := filepath.Join(dir, "php-fpm.conf")
	if err := os.WriteFile(confPath, []byte(fpmConf(dir, f, o)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(f.stderr)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	m, err := startMaster([]string{bin, "-n", "-F", "-R", "-y", confPath}, dir, out)
	if err != nil {
		t.Fatalf("nginxtest: %v", err)
	}
	f.master, f.PID = m, m.pid
	t.Cleanup(func() {
		if err := f.Stop(); err != nil {
			t.Errorf("nginxtest: stop php-fpm: %v", err)
		}
	})
	if err := f.waitReady(startTimeout); err != nil {
		t.Fatalf("nginxtest: %v", err)
	}
	return f
}

// fpmConf is the php-fpm config: every path inside dir, one static pool.
func fpmConf(dir string, f *FPM, o PHPOptions) string {
	mode, children := o.Mode, o.MaxChildren
	if mode == 0 {
		mode = 0o666
	}
	if children <= 0 {
		children = 2
	}
	var owner strings.Builder
	if o.Owner != "" {
		fmt.Fprintf(&owner, "listen.owner = %s\n", o.Owner)
	}
	if o.Group != "" {
		fmt.Fprintf(&owner, "listen.group = %s\n", o.Group)
	}
	return fmt.Sprintf(`[global]
pid = %[1]s/php-fpm.pid
error_log = %[2]s
daemonize = no
[test]
user = root
group = root
listen = %[3]s
listen.mode = %04[4]o
%[5]spm = static
pm.max_children = %[6]d
catch_workers_output = yes
; as on a production box: errors go to FastCGI stderr (nginx logs "FastCGI sent in
; stderr: PHP message: ..."), not into the page, and a fatal error is a 500
php_admin_flag[display_errors] = off
php_admin_flag[log_errors] = on
`, dir, f.ErrorLog, f.Socket, uint32(mode.Perm()), owner.String(), children)
}

// waitReady polls until the socket accepts, the master exits, or d passes.
func (f *FPM) waitReady(d time.Duration) error {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("unix", f.Socket, 100*time.Millisecond); err == nil {
			c.Close()
			return nil
		}
		if gone, err := f.master.exited(); gone {
			out, _ := os.ReadFile(f.stderr)
			log, _ := os.ReadFile(f.ErrorLog)
			return fmt.Errorf("php-fpm exited during start: %v\n%s\n%s", err, out, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("php-fpm did not listen on %s within %s", f.Socket, d)
}

// Stop sends SIGQUIT (graceful stop) to the master, and SIGKILL to its whole process
// group if it has not exited within a bound; it waits until the master is reaped.
// Calling it again is harmless.
func (f *FPM) Stop() error { return f.master.stop() }

// Script writes a PHP file named name into Root and returns its path.
func (f *FPM) Script(t testing.TB, name, code string) string {
	t.Helper()
	p := filepath.Join(f.Root, name)
	if err := os.WriteFile(p, []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
