package postmortem

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fpmMaster is a php-fpm master a test started, in its own process group.
type fpmMaster struct {
	pid  int
	done chan struct{}
	err  error
}

// startFPM runs `php-fpm -n -F -R -y conf` (foreground, as root, no php.ini),
// killing its process group by PID at cleanup.
func startFPM(t *testing.T, bin, conf string) *fpmMaster {
	t.Helper()
	cmd := exec.Command(bin, "-n", "-F", "-R", "-y", conf)
	cmd.Dir = filepath.Dir(conf)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start php-fpm: %v", err)
	}
	m := &fpmMaster{pid: cmd.Process.Pid, done: make(chan struct{})}
	go func() { m.err = cmd.Wait(); close(m.done) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-m.pid, syscall.SIGKILL)
		select {
		case <-m.done:
		case <-time.After(10 * time.Second):
			t.Errorf("php-fpm %d not reaped after SIGKILL", m.pid)
		}
	})
	return m
}

// wait waits at most d for the master to exit and returns its exit code.
func (m *fpmMaster) wait(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-m.done:
	case <-time.After(d):
		t.Fatalf("php-fpm %d still runs after %v", m.pid, d)
	}
	var ee *exec.ExitError
	if errors.As(m.err, &ee) {
		return ee.ExitCode()
	}
	return 0
}

// fpmTestConf is a php-fpm.conf with a dynamic pool that spawns slowly.
func fpmTestConf(dir, name, listen, errorLog string) string {
	return fmt.Sprintf(`[global]
pid = %[1]s/%[2]s.pid
error_log = %[3]s
daemonize = no
[www]
user = root
group = root
listen = %[4]s
pm = dynamic
pm.max_children = 5
pm.start_servers = 1
pm.min_spare_servers = 1
pm.max_spare_servers = 3
`, dir, name, errorLog, listen)
}

// waitFor polls until cond holds, at most d; false when it never did.
func waitFor(d time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// fileHas reports whether the file at path contains s.
func fileHas(path, s string) bool {
	b, _ := os.ReadFile(path)
	return bytes.Contains(b, []byte(s))
}

// fcgiRequest sends one FastCGI request for script on c and leaves it open:
// BEGIN_REQUEST (responder), PARAMS, empty PARAMS, empty STDIN.
func fcgiRequest(c net.Conn, script string) error {
	record := func(typ byte, body []byte) []byte {
		h := []byte{1, typ, 0, 1, 0, 0, 0, 0}
		binary.BigEndian.PutUint16(h[4:], uint16(len(body)))
		return append(h, body...)
	}
	var params []byte
	for _, kv := range [][2]string{{"SCRIPT_FILENAME", script}, {"REQUEST_METHOD", "GET"}, {"SCRIPT_NAME", "/" + filepath.Base(script)}} {
		params = append(params, byte(len(kv[0])), byte(len(kv[1])))
		params = append(params, kv[0]+kv[1]...)
	}
	var req []byte
	req = append(req, record(1, []byte{0, 1, 0, 0, 0, 0, 0, 0})...)
	req = append(req, record(4, params)...)
	req = append(req, record(4, nil)...)
	req = append(req, record(5, nil)...)
	_, err := c.Write(req)
	return err
}

// children lists the PIDs whose parent is ppid, from /proc.
func children(ppid int) []int {
	ents, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// "PID (comm) STATE PPID …": comm may hold spaces, so cut at its last ")".
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(stat[i+1:]))
		if len(f) > 1 && f[1] == strconv.Itoa(ppid) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// dialUnix connects to a unix socket within ctx.
func dialUnix(ctx context.Context, path string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "unix", path)
}
