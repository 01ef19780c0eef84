package service

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func mkdir(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(p, 0o755); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, p, data string) {
	t.Helper()
	mkdir(t, filepath.Dir(p))
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDetectManagerThisBox asserts what this machine is: PID 1 is not
// systemd and there is no /run/systemd/system, though systemctl is installed.
func TestDetectManagerThisBox(t *testing.T) {
	comm, err := os.ReadFile("/proc/1/comm")
	if err != nil {
		t.Fatal(err)
	}
	got := DetectManager("/")
	_, sdErr := os.Stat("/run/systemd/system")
	switch {
	case sdErr == nil:
		if got != Systemd {
			t.Fatalf("/run/systemd/system exists but DetectManager = %q", got)
		}
	case strings.TrimSpace(string(comm)) == "init":
		t.Skipf("PID 1 is init here; this test documents a box without a manager (got %q)", got)
	default:
		if got != None {
			t.Fatalf("DetectManager(/) = %q on a box whose PID 1 is %q, want none", got, strings.TrimSpace(string(comm)))
		}
	}
	t.Logf("PID 1 is %q; DetectManager says %q", strings.TrimSpace(string(comm)), got)
}

func TestDetectManagerFakeRoots(t *testing.T) {
	cases := []struct {
		name  string
		build func(root string)
		want  Manager
	}{
		{"empty", func(string) {}, None},
		{"systemd", func(r string) { mkdir(t, filepath.Join(r, "run/systemd/system")) }, Systemd},
		{"systemctl installed, not booted", func(r string) {
			write(t, filepath.Join(r, "usr/bin/systemctl"), "")
			mkdir(t, filepath.Join(r, "run/systemd")) // journald's leftovers, no system dir
			mkdir(t, filepath.Join(r, "etc/init.d"))
			write(t, filepath.Join(r, "proc/1/comm"), "process_api\n")
		}, None},
		{"openrc", func(r string) {
			mkdir(t, filepath.Join(r, "run/openrc"))
			mkdir(t, filepath.Join(r, "etc/init.d"))
			write(t, filepath.Join(r, "proc/1/comm"), "init\n")
		}, OpenRC},
		{"sysv", func(r string) {
			mkdir(t, filepath.Join(r, "etc/init.d"))
			write(t, filepath.Join(r, "proc/1/comm"), "init\n")
		}, SysV},
		{"init without scripts", func(r string) { write(t, filepath.Join(r, "proc/1/comm"), "init\n") }, None},
		{"systemd marker is a file", func(r string) { write(t, filepath.Join(r, "run/systemd/system"), "") }, None},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			c.build(root)
			if got := DetectManager(root); got != c.want {
				t.Errorf("DetectManager = %q, want %q", got, c.want)
			}
		})
	}
}

func TestUnitOfPID(t *testing.T) {
	proc := t.TempDir()
	write(t, filepath.Join(proc, "4242/cgroup"), "0::/system.slice/nginx.service\n")
	write(t, filepath.Join(proc, "4343/cgroup"), "12:pids:/\n1:name=systemd:/system.slice/php8.2-fpm.service\n0::/\n")
	write(t, filepath.Join(proc, "4444/cgroup"), "0::/user.slice/user-1000.slice/session-3.scope\n")
	for pid, want := range map[int]string{4242: "nginx.service", 4343: "php8.2-fpm.service", 4444: "", 9999: ""} {
		if got := UnitOfPID(proc, pid); got != want {
			t.Errorf("UnitOfPID(%d) = %q, want %q", pid, got, want)
		}
	}
}

// TestUnitOfPIDSelf reads the real /proc/self: under no systemd (this box) the
// cgroup holds no .service; under systemd whatever it names must be what we parse.
func TestUnitOfPIDSelf(t *testing.T) {
	data, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	got := UnitOfPID("/proc", os.Getpid())
	if !strings.Contains(string(data), ".service") {
		if got != "" {
			t.Fatalf("UnitOfPID(self) = %q but cgroup has no .service:\n%s", got, data)
		}
		return
	}
	if !strings.HasSuffix(got, ".service") || !strings.Contains(string(data), got) {
		t.Fatalf("UnitOfPID(self) = %q from\n%s", got, data)
	}
}

func FuzzUnitFromCgroup(f *testing.F) {
	f.Add([]byte("0::/system.slice/nginx.service\n"))
	f.Add([]byte("1:name=systemd:/user.slice/user@0.service/app.slice/web.service\n0::/\n"))
	f.Add([]byte("4:memory:/process_api/b9bb\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		u := UnitFromCgroup(data)
		if u == "" {
			return
		}
		if !strings.HasSuffix(u, ".service") || u == ".service" || strings.ContainsAny(u, "/\n") || !strings.Contains(string(data), u) {
			t.Fatalf("UnitFromCgroup(%q) = %q", data, u)
		}
	})
}

func TestCommandString(t *testing.T) {
	c := Command{Argv: []string{"/usr/sbin/nginx", "-s", "reload", "-g", "daemon on; pid /run/x.pid;", "-p", "", "it's"}}
	want := `/usr/sbin/nginx -s reload -g 'daemon on; pid /run/x.pid;' -p '' 'it'\''s'`
	if got := c.String(); got != want {
		t.Errorf("String = %s\nwant     %s", got, want)
	}
	if got := (Command{Argv: []string{"systemctl", "reload", "nginx.service"}}).String(); got != "systemctl reload nginx.service" {
		t.Errorf("String = %s", got)
	}
	if got := (Command{Argv: []string{"a$b", "x`y`", "*", "~"}}).String(); got != `'a$b' 'x`+"`y`"+`' '*' '~'` {
		t.Errorf("String = %s", got)
	}
}

func TestReloadNginx(t *testing.T) {
	cases := []struct {
		m                              Manager
		unit, bin, conf, prefix, globs string
		want                           []string
	}{
		{Systemd, "", "", "", "", "", []string{"systemctl", "reload", "nginx.service"}},
		{Systemd, "openresty.service", "", "", "", "", []string{"systemctl", "reload", "openresty.service"}},
		{OpenRC, "", "", "", "", "", []string{"rc-service", "nginx", "reload"}},
		{OpenRC, "nginx-alt.service", "", "", "", "", []string{"rc-service", "nginx-alt", "reload"}},
		{SysV, "", "", "", "", "", []string{"service", "nginx", "reload"}},
		{None, "", "/usr/sbin/nginx", "/tmp/p/nginx.conf", "/tmp/p", "daemon off;",
			[]string{"/usr/sbin/nginx", "-s", "reload", "-c", "/tmp/p/nginx.conf", "-p", "/tmp/p", "-g", "daemon off;"}},
		{None, "", "", "/etc/nginx/nginx.conf", "", "", []string{"nginx", "-s", "reload", "-c", "/etc/nginx/nginx.conf"}},
		{"", "", "/usr/sbin/nginx", "", "", "", []string{"/usr/sbin/nginx", "-s", "reload"}},
	}
	for _, c := range cases {
		got := ReloadNginx(c.m, c.unit, c.bin, c.conf, c.prefix, c.globs)
		if !slices.Equal(got.Argv, c.want) {
			t.Errorf("ReloadNginx(%q, %q, …) = %q, want %q", c.m, c.unit, got.Argv, c.want)
		}
		if got.Why == "" || got.Changes == "" {
			t.Errorf("ReloadNginx(%q) lacks Why/Changes", c.m)
		}
	}
}

func TestRestartStartService(t *testing.T) {
	cases := []struct {
		m      Manager
		unit   string
		want   []string
		wantOK bool
	}{
		{Systemd, "app.service", []string{"systemctl", "%s", "app.service"}, true},
		{OpenRC, "app.service", []string{"rc-service", "app", "%s"}, true},
		{OpenRC, "php-fpm82", []string{"rc-service", "php-fpm82", "%s"}, true},
		{SysV, "php8.2-fpm.service", []string{"service", "php8.2-fpm", "%s"}, true},
		{None, "app.service", nil, false},
		{Systemd, "", nil, false},
	}
	for _, verb := range []string{"restart", "start"} {
		build := RestartService
		if verb == "start" {
			build = StartService
		}
		for _, c := range cases {
			got, ok := build(c.m, c.unit)
			var want []string
			for _, w := range c.want {
				want = append(want, strings.ReplaceAll(w, "%s", verb))
			}
			if ok != c.wantOK || !slices.Equal(got.Argv, want) {
				t.Errorf("%s(%q, %q) = %q %v, want %q %v", verb, c.m, c.unit, got.Argv, ok, want, c.wantOK)
			}
			if ok && (!strings.Contains(got.Changes, c.unit) || got.Why == "") {
				t.Errorf("%s(%q): Changes %q does not name the unit", verb, c.m, got.Changes)
			}
		}
	}
}

func TestRunTrue(t *testing.T) {
	r := Run(context.Background(), Command{Argv: []string{"/bin/true"}}, 5*time.Second)
	if r.Err != nil || r.ExitCode != 0 || r.Took <= 0 || !slices.Equal(r.Argv, []string{"/bin/true"}) {
		t.Fatalf("Run(/bin/true) = %+v", r)
	}
}

func TestRunExitCodeAndOutput(t *testing.T) {
	r := Run(context.Background(), Command{Argv: []string{"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}}, 5*time.Second)
	if r.ExitCode != 3 || r.Err == nil {
		t.Fatalf("exit: %+v", r)
	}
	if !strings.Contains(r.Output, "out\n") || !strings.Contains(r.Output, "err\n") {
		t.Errorf("combined output = %q", r.Output)
	}
	r = Run(context.Background(), Command{Argv: []string{"/nonexistent/ngx502-cmd"}}, time.Second)
	if r.Err == nil || r.ExitCode != -1 {
		t.Errorf("missing binary: %+v", r)
	}
	if r := Run(context.Background(), Command{}, time.Second); r.Err == nil {
		t.Error("empty argv ran")
	}
}

func TestRunOutputCapped(t *testing.T) {
	// head writes 200 KiB; the capture keeps 64 KiB and says how much it dropped.
	r := Run(context.Background(), Command{Argv: []string{"/usr/bin/head", "-c", "204800", "/dev/zero"}}, 10*time.Second)
	if r.Err != nil || r.ExitCode != 0 {
		t.Fatalf("head: %+v", r.Err)
	}
	if len(r.Output) > maxOutput+100 || !strings.Contains(r.Output, fmt.Sprintf("%d more bytes", 204800-maxOutput)) {
		t.Errorf("output %d bytes, tail %q", len(r.Output), r.Output[max(0, len(r.Output)-60):])
	}
}

// TestRunTimeoutKillsGroup runs a shell that forks a sleep: the timeout must
// kill both (the sleep holds the output pipe, so Run would hang otherwise).
func TestRunTimeoutKillsGroup(t *testing.T) {
	start := time.Now()
	r := Run(context.Background(), Command{Argv: []string{"/bin/sh", "-c", "sleep 5 & echo $!; wait"}}, 300*time.Millisecond)
	if took := time.Since(start); took > 1500*time.Millisecond {
		t.Fatalf("Run returned after %v, want about 300ms", took)
	}
	if r.Err == nil || r.ExitCode != -1 || !strings.Contains(r.Err.Error(), "deadline") {
		t.Fatalf("timeout result = %+v", r)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(r.Output))
	if err != nil {
		t.Fatalf("sleep pid from %q: %v", r.Output, err)
	}
	assertGone(t, pid)
}

func TestRunCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	r := Run(ctx, Command{Argv: []string{"/bin/sleep", "5"}}, 10*time.Second)
	if time.Since(start) > 1500*time.Millisecond || r.Err == nil || !strings.Contains(r.Err.Error(), "canceled") {
		t.Fatalf("cancel: %+v after %v", r, time.Since(start))
	}
}

// assertGone waits (bounded) until pid no longer runs; a zombie left for the
// reaper counts as gone.
func assertGone(t *testing.T, pid int) {
	t.Helper()
	for i := 0; i < 50; i++ {
		if err := syscall.Kill(pid, 0); err == syscall.ESRCH {
			return
		}
		if st, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
			if f := strings.Fields(string(st[strings.LastIndexByte(string(st), ')')+1:])); len(f) > 0 && f[0] == "Z" {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("process %d outlived the timeout", pid)
}
