package lab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// NamespaceArg is the hidden first argument with which ngx502 runs
// itself inside a new mount namespace to bind a lab's hosts file over
// /etc/hosts and exec nginx there: the box's own /etc/hosts is never
// changed, and only this nginx sees the lab's.
const NamespaceArg = "__lab-ns"

// NamespaceMain is HOSTS NGINX ARGS…: run in a fresh mount namespace
// (the parent set CLONE_NEWNS; Go made / private), it binds HOSTS over
// /etc/hosts and becomes nginx.
func NamespaceMain(args []string) int {
	if len(args) < 2 || !filepath.IsAbs(args[0]) || !filepath.IsAbs(args[1]) {
		fmt.Fprintln(os.Stderr, "ngx502 lab: want HOSTS NGINX ARGS…")
		return 2
	}
	if err := syscall.Mount(args[0], "/etc/hosts", "", syscall.MS_BIND, ""); err != nil {
		fmt.Fprintln(os.Stderr, "ngx502 lab: bind the lab's hosts file:", err)
		return 1
	}
	err := syscall.Exec(args[1], args[1:], []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"})
	fmt.Fprintln(os.Stderr, "ngx502 lab: exec nginx:", err)
	return 1
}

// startNginx starts the installed nginx on the lab's config (it forks
// into the background) and records its master.
func (l *Lab) startNginx(ctx context.Context, s Scenario, self string) error {
	argv := []string{l.Nginx, "-p", l.Prefix(), "-c", l.Conf, "-e", filepath.Join(l.Dir, "logs", "error.log")}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	var cmd *exec.Cmd
	if s.Hosts != "" {
		hosts := filepath.Join(l.Dir, "hosts")
		if err := os.WriteFile(hosts, []byte(s.Hosts), 0o644); err != nil {
			return err
		}
		cmd = exec.CommandContext(ctx, self, append([]string{NamespaceArg, hosts}, argv...)...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS, Setsid: true}
	} else {
		cmd = exec.CommandContext(ctx, argv[0], argv[1:]...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	}
	cmd.Dir = l.Dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("nginx did not start: %w: %s", err, strings.TrimSpace(string(out)))
	}
	pid, err := readPID(filepath.Join(l.Dir, "nginx.pid"))
	if err != nil {
		return fmt.Errorf("nginx started but wrote no pid: %w", err)
	}
	l.Procs = append(l.Procs, Proc{What: "nginx master", PID: pid, Start: startTime(pid)})
	if !waitDial(ctx, "tcp", "127.0.0.1:"+strconv.Itoa(l.Port), 5*time.Second) {
		log, _ := os.ReadFile(filepath.Join(l.Dir, "logs", "error.log"))
		return fmt.Errorf("nginx does not listen on 127.0.0.1:%d: %s", l.Port, tail(string(log), 400))
	}
	return nil
}

// Get requests path from the lab's nginx (10 s at most) and returns the
// status.
func Get(ctx context.Context, port int, path string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.1:"+strconv.Itoa(port)+path, nil)
	if err != nil {
		return 0, err
	}
	req.Host = "lab.test"
	resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, nil
}

// Stop stops every process the lab started, by pid and only while the
// pid is still that process (its start time), then removes the directory.
func (l *Lab) Stop() error {
	var errs []error
	for i := len(l.Procs) - 1; i >= 0; i-- {
		if err := stopProc(l.Procs[i]); err != nil {
			errs = append(errs, err)
		}
	}
	if err := os.RemoveAll(l.Dir); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// stopProc sends SIGTERM (nginx: fast shutdown), then SIGKILL after 5 s.
func stopProc(p Proc) error {
	if !p.Alive() {
		return nil
	}
	_ = syscall.Kill(p.PID, syscall.SIGTERM)
	for range 50 {
		time.Sleep(100 * time.Millisecond)
		if !p.Alive() {
			return nil
		}
	}
	_ = syscall.Kill(p.PID, syscall.SIGKILL)
	time.Sleep(100 * time.Millisecond)
	if p.Alive() {
		return fmt.Errorf("%s (pid %d) does not stop", p.What, p.PID)
	}
	return nil
}

// Alive reports whether p still runs: the pid exists, is not a zombie,
// and started when the lab recorded it.
func (p Proc) Alive() bool {
	if p.PID <= 1 {
		return false
	}
	st, state := statOf(p.PID)
	return st != 0 && st == p.Start && state != "Z"
}

// startTime is field 22 of /proc/PID/stat, 0 when unreadable.
func startTime(pid int) uint64 {
	st, _ := statOf(pid)
	return st
}

func statOf(pid int) (start uint64, state string) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, ""
	}
	// comm may hold spaces and parens: the fields start after the last ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, ""
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return 0, ""
	}
	n, err := strconv.ParseUint(f[19], 10, 64)
	if err != nil {
		return 0, ""
	}
	return n, f[0]
}

func readPID(path string) (int, error) {
	for range 50 { // the forked master writes it a moment later
		if b, err := os.ReadFile(path); err == nil {
			if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && n > 1 {
				return n, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return 0, fmt.Errorf("no pid in %s", path)
}

func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
