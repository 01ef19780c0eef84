// Package nginxtest starts a real nginx in a temporary prefix on loopback, and small
// broken upstreams written in Go, for tests — like net/http/httptest, but for nginx.
// It is imported only by _test.go files.
package nginxtest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Bounds for starting and stopping nginx; a test box may be slow, but never this slow.
const (
	startTimeout = 15 * time.Second // a 5,000-location config on a busy 2-core CI box
	stopTimeout  = 3 * time.Second
	cmdTimeout   = 10 * time.Second
)

// Binary returns the nginx binary for tests: $NGX502_TEST_NGINX, else "nginx" on PATH,
// else /usr/sbin/nginx. When none exists the test is skipped, or fails when CI=true.
func Binary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("NGX502_TEST_NGINX"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("NGX502_TEST_NGINX=%s: %v", p, err)
		}
		return p
	}
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx"
	}
	const msg = "nginx not installed: apt-get install -y nginx-light"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// Nginx is a running test nginx in its own prefix.
type Nginx struct {
	Binary    string // the nginx executable
	Prefix    string // the -p prefix; every file nginx writes lives below it
	Conf      string // the generated nginx.conf
	ErrorLog  string // error log (also given with -e, so nothing is written elsewhere)
	AccessLog string // access log of the http{} block
	PIDFile   string // the pid directive's file
	Port      int    // the free port offered to the config as {{.Port}}
	PID       int    // the master process (leader of its own process group)
	Addr      string // "127.0.0.1:Port"

	argv      []string
	startArgv []string // argv that starts the master: argv, or argv in its own mount namespace
	master    *master
}

// Start writes a config from o into a fresh prefix, starts nginx in the foreground in its
// own process group, waits until Port answers, and stops it in t.Cleanup.
func Start(t testing.TB, o Options) *Nginx {
	t.Helper()
	bin := Binary(t)
	prefix := tempDir(t, "ngx502-nginx-")
	n := &Nginx{
		Binary:    bin,
		Prefix:    prefix,
		Conf:      filepath.Join(prefix, "nginx.conf"),
		ErrorLog:  filepath.Join(prefix, "logs", "error.log"),
		AccessLog: filepath.Join(prefix, "logs", "access.log"),
		PIDFile:   filepath.Join(prefix, "nginx.pid"),
		Port:      FreePort(t),
	}
	n.Addr = net.JoinHostPort("127.0.0.1", fmt.Sprint(n.Port))
	for _, d := range []string{"logs", "temp"} {
		if err := os.Mkdir(filepath.Join(prefix, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	conf, err := renderConf(n, o)
	if err != nil {
		t.Fatalf("nginxtest: %v", err)
	}
	if err := os.WriteFile(n.Conf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	n.argv = []string{bin, "-p", prefix + "/", "-c", n.Conf, "-e", n.ErrorLog}
	n.startArgv = n.argv
	if o.Hosts != "" {
		n.startArgv = withHosts(t, prefix, o.Hosts, n.argv)
	}
	if err := n.start(); err != nil {
		t.Fatalf("nginxtest: %v", err)
	}
	t.Cleanup(func() {
		if err := n.Stop(); err != nil {
			t.Errorf("nginxtest: stop: %v", err)
		}
	})
	if err := n.waitReady(startTimeout); err != nil {
		t.Fatalf("nginxtest: %v\nconfig:\n%s\nerror log:\n%s", err, conf, n.ErrorLogText())
	}
	return n
}

// start launches the master; its stderr (startup [emerg] lines) goes to logs/stderr.log.
func (n *Nginx) start() error {
	stderr, err := os.Create(filepath.Join(n.Prefix, "logs", "stderr.log"))
	if err != nil {
		return err
	}
	defer stderr.Close()
	m, err := startMaster(n.startArgv, n.Prefix, stderr)
	if err != nil {
		return err
	}
	n.master, n.PID = m, m.pid
	return nil
}

// waitReady polls until a TCP connect to Addr succeeds, the master exits, or d passes.
func (n *Nginx) waitReady(d time.Duration) error {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if gone, err := n.master.exited(); gone {
			return fmt.Errorf("nginx exited during start: %v; stderr: %s", err, n.stderrText())
		}
		if dialable(n.Addr, 200*time.Millisecond) {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("nginx did not answer on %s within %s; stderr: %s", n.Addr, d, n.stderrText())
}

// Stop sends SIGQUIT (graceful shutdown) to the master, and SIGKILL to its whole process
// group if it has not exited within a bound; it waits until the master is reaped.
// Calling it again is harmless.
func (n *Nginx) Stop() error { return n.master.stop() }

// ErrorLogText returns the whole error log (empty when it does not exist yet).
func (n *Nginx) ErrorLogText() string {
	b, _ := os.ReadFile(n.ErrorLog)
	return string(b)
}

// withHosts runs argv in a new mount namespace where hosts is bound over
// /etc/hosts; exec keeps the master's pid that of the started process.
func withHosts(t testing.TB, prefix, hosts string, argv []string) []string {
	t.Helper()
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Fatalf("nginxtest: Options.Hosts needs unshare (util-linux): %v", err)
	}
	path := filepath.Join(prefix, "hosts")
	if err := os.WriteFile(path, []byte(hosts), 0o644); err != nil {
		t.Fatal(err)
	}
	return append([]string{unshare, "--mount", "--propagation", "private", "--", "/bin/sh", "-c",
		`mount --bind "$0" /etc/hosts && exec "$@"`, path}, argv...)
}

// Argv returns the argv nginx was started with.
func (n *Nginx) Argv() []string {
	return append([]string(nil), n.argv...)
}

func (n *Nginx) stderrText() string {
	b, _ := os.ReadFile(filepath.Join(n.Prefix, "logs", "stderr.log"))
	return strings.TrimSpace(string(b))
}

// run executes nginx with the prefix flags plus extra, bounded by cmdTimeout.
func (n *Nginx) run(extra ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	argv := append(n.Argv(), extra...)
	out, err := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s: %w: %s", strings.Join(argv, " "), err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("nginxtest: free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// tempDir makes a directory under os.TempDir with mode 0755 and removes it in Cleanup.
// t.TempDir is 0700 (and so is its parent), which nginx workers running as nobody
// cannot enter; /tmp itself is world-searchable, so one level is enough. Paths stay
// short, which matters for unix sockets (108 bytes).
func tempDir(t testing.TB, pattern string) string {
	t.Helper()
	d, err := os.MkdirTemp("", pattern)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	if err := os.Chmod(d, 0o755); err != nil {
		t.Fatal(err)
	}
	return d
}
