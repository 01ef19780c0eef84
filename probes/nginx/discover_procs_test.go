package nginx

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// nobodyDir makes a 0755 directory under /tmp owned by nobody (t.TempDir's
// parent is 0700, which nobody cannot enter) and removes it in Cleanup.
func nobodyDir(t *testing.T) string {
	t.Helper()
	d := rootDir(t)
	must(t, os.Chown(d, nobodyUID, nobodyUID))
	return d
}

// rootDir makes a 0755 root-owned directory under /tmp, removed in Cleanup.
func rootDir(t *testing.T) string {
	t.Helper()
	d, err := os.MkdirTemp("", "ngx502-trust-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	must(t, os.Chmod(d, 0o755))
	return d
}

// markerScript is a fake nginx that records being run at all: the way to
// prove Discover never executed it.
type markerScript struct{ path, marker string }

// writeMarkerScript writes dir/nginx, owned by dir's owner, which touches a
// marker (in a directory of its own) whenever it runs.
func writeMarkerScript(t *testing.T, dir string) markerScript {
	t.Helper()
	s := markerScript{path: filepath.Join(dir, "nginx"), marker: filepath.Join(t.TempDir(), "ran")}
	s.write(t)
	return s
}

func (s markerScript) write(t *testing.T) {
	t.Helper()
	_ = os.Remove(s.path) // a running binary cannot be rewritten in place (ETXTBSY)
	must(t, os.WriteFile(s.path, []byte("#!/bin/sh\ntouch "+s.marker+"\necho 'nginx version: nginx/6.6.6' >&2\n"), 0o755))
	st, err := os.Stat(filepath.Dir(s.path))
	if err != nil {
		t.Fatal(err)
	}
	uid := int(st.Sys().(*syscall.Stat_t).Uid)
	must(t, os.Chmod(s.path, 0o755), os.Chown(s.path, uid, uid))
}

func (s markerScript) assertNeverRun(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(s.marker); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("%s was executed (marker %s: %v)", s.path, s.marker, err)
	}
}

// startProc starts path with argv exactly as given (argv[0] included) as
// uid:uid (0: as ourselves) in dir, in its own process group, output to
// out; t.Cleanup stops that group by its id and reaps the leader.
func startProc(t *testing.T, path string, argv []string, uid uint32, dir string, out io.Writer) int {
	t.Helper()
	cmd := &exec.Cmd{Path: path, Args: argv, Dir: dir, Stdout: out, Stderr: out}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if uid != 0 {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uid, Gid: uid}
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %q: %v", argv, err)
	}
	pid := cmd.Process.Pid
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-pid, syscall.SIGQUIT) // nginx: graceful; sleep: dies
		select {
		case <-done:
		case <-time.After(5 * time.Second):
		}
		_ = syscall.Kill(-pid, syscall.SIGKILL) // workers share the group
		<-done
	})
	return pid
}

// waitTitle polls /proc/PID/cmdline (bounded) until it starts with prefix.
func waitTitle(t *testing.T, pid int, prefix string, logPath string) {
	t.Helper()
	var last []byte
	for range 200 {
		last, _ = os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if strings.HasPrefix(string(last), prefix) {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	log, _ := os.ReadFile(logPath)
	t.Fatalf("pid %d never got title %q (cmdline %q); log: %s", pid, prefix, last, log)
}

// spoofMaster copies /bin/sleep to dir/nginx and runs it as uid under the
// title "nginx: master process dir/nginx -c dir/nginx.conf"; then it swaps
// the file for a marker script, as its owner could, so that running the
// master's binary (its /proc/PID/exe path) is caught.
func spoofMaster(t *testing.T, dir string, uid uint32) (int, markerScript) {
	t.Helper()
	s := markerScript{path: filepath.Join(dir, "nginx"), marker: filepath.Join(t.TempDir(), "ran")}
	sleep, err := os.ReadFile("/bin/sleep")
	if err != nil {
		t.Skipf("no /bin/sleep to disguise: %v", err)
	}
	must(t, os.WriteFile(s.path, sleep, 0o755), os.Chown(s.path, nobodyUID, nobodyUID), os.Chmod(s.path, 0o755))
	title := masterTitle + s.path + " -c " + filepath.Join(dir, "nginx.conf")
	pid := startProc(t, s.path, []string{title, "60"}, uid, "/", io.Discard)
	waitTitle(t, pid, title, "")
	s.write(t)
	must(t, os.Chown(s.path, nobodyUID, nobodyUID))
	return pid, s
}

// testNginxConf is a minimal config that keeps every path inside prefix.
func testNginxConf(prefix string, port int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "worker_processes 1;\npid %snginx.pid;\nerror_log %serror.log;\nevents { worker_connections 16; }\nhttp {\n", prefix, prefix)
	fmt.Fprintf(&b, "    access_log %saccess.log;\n", prefix)
	for _, kind := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		fmt.Fprintf(&b, "    %s_temp_path %stemp_%s;\n", kind, prefix, kind)
	}
	fmt.Fprintf(&b, "    server { listen 127.0.0.1:%d; return 200 \"ok\\n\"; }\n}\n", port)
	return b.String()
}

// startInjectedNginx runs the real nginx as uid in prefix (which uid must
// own) with -g "daemon off; #; -c /other/nginx.conf": a comment to nginx,
// but a title that also reads as a second -c.
func startInjectedNginx(t *testing.T, bin, prefix string, uid uint32, port int) (pid int, argv []string) {
	t.Helper()
	conf := prefix + "nginx.conf"
	must(t, os.WriteFile(conf, []byte(testNginxConf(prefix, port)), 0o644), os.Chown(conf, int(uid), int(uid)))
	out, err := os.Create(prefix + "stderr.log")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { out.Close() })
	argv = []string{bin, "-p", prefix, "-c", conf, "-e", prefix + "error.log", "-g", "daemon off; #; -c /other/nginx.conf"}
	pid = startProc(t, bin, argv, uid, prefix, out)
	waitTitle(t, pid, masterTitle, prefix+"stderr.log")
	return pid, argv
}
