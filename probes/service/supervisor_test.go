package service

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const supervisorMain = `; Debian's supervisord.conf
[unix_http_server]
file=/var/run/supervisor.sock   ; (the path to the socket file)

[supervisord]
logfile=/var/log/supervisor/supervisord.log ; main log file
pidfile=/var/run/supervisord.pid

[include]
files = conf.d/*.conf
`

const supervisorShop = `[program:shop]
command=gunicorn -b 127.0.0.1:8080
  --workers 4 shop:app   ; continued on an indented line
directory=/srv/shop

[program:worker]
command=/usr/bin/php /srv/shop/artisan queue:work --port 90%(process_num)02d
process_name=%(program_name)s_%(process_num)02d
numprocs=3

[group:web]
programs=shop
`

func TestParseSupervisorConfig(t *testing.T) {
	cfg := parseSupervisorConfig([]byte(supervisorMain+supervisorShop), "/etc/supervisor/supervisord.conf")
	if !slices.Equal(cfg.Includes, []string{"conf.d/*.conf"}) || cfg.PidFile != "/var/run/supervisord.pid" {
		t.Errorf("includes %q pidfile %q", cfg.Includes, cfg.PidFile)
	}
	if len(cfg.Programs) != 2 {
		t.Fatalf("programs = %+v", cfg.Programs)
	}
	shop, worker := cfg.Programs[0], cfg.Programs[1]
	if shop.Name != "shop" || shop.Command != "gunicorn -b 127.0.0.1:8080 --workers 4 shop:app" || shop.Line != 12 || shop.NumProcs != 1 {
		t.Errorf("shop = %+v", shop)
	}
	if worker.NumProcs != 3 || worker.ProcessName != "%(program_name)s_%(process_num)02d" {
		t.Errorf("worker = %+v", worker)
	}
	if !slices.Equal(cfg.Groups["web"], []string{"shop"}) {
		t.Errorf("groups = %v", cfg.Groups)
	}
	vars := map[string]string{"program_name": "worker", "process_num": "7"}
	if got := expandSupervisor(worker.Command, vars); got != "/usr/bin/php /srv/shop/artisan queue:work --port 9007" {
		t.Errorf("expand = %q", got)
	}
	if got := expandSupervisor("%(ENV_HOME)s/x %(program_name)s", vars); got != "%(ENV_HOME)s/x worker" {
		t.Errorf("unknown variables must stay: %q", got)
	}
	if got := splitSupervisorCommand(`/bin/sh -c "exec foo --name 'a b'" x\ y`); !slices.Equal(got, []string{"/bin/sh", "-c", "exec foo --name 'a b'", "x y"}) {
		t.Errorf("split = %q", got)
	}
}

// supervisorBox is a Debian box whose supervisord (PID 1, as in a container)
// runs shop (a gunicorn the kernel shows behind its interpreter) and three workers.
func supervisorBox(t *testing.T, supArgv []string) (root, procRoot string) {
	t.Helper()
	root, procRoot = box(t, "supervisord",
		fakeProc{pid: 10, ppid: 1, comm: "gunicorn", argv: []string{"/usr/bin/python3", "/usr/local/bin/gunicorn", "-b", "127.0.0.1:8080", "--workers", "4", "shop:app"}, exe: "/usr/bin/python3.11"},
		fakeProc{pid: 11, ppid: 10, comm: "gunicorn", argv: []string{"/usr/bin/python3", "/usr/local/bin/gunicorn", "-b", "127.0.0.1:8080", "--workers", "4", "shop:app"}, exe: "/usr/bin/python3.11"},
		fakeProc{pid: 21, ppid: 1, comm: "php", argv: []string{"/usr/bin/php", "/srv/shop/artisan", "queue:work", "--port", "9001"}, exe: "/usr/bin/php8.2"},
		fakeProc{pid: 50, ppid: 1, comm: "queue", argv: []string{"/usr/bin/queue", "--fast"}, exe: "/usr/bin/queue"},
		fakeProc{pid: 30, ppid: 1, comm: "php-fpm8.2", argv: []string{"php-fpm: master process (/etc/php/8.2/fpm/php-fpm.conf)"}, exe: "/usr/sbin/php-fpm8.2"},
	)
	// PID 1 is supervisord itself: rewrite its cmdline as Debian's package starts it.
	write(t, filepath.Join(procRoot, "1/cmdline"), strings.Join(supArgv, "\x00")+"\x00")
	write(t, filepath.Join(root, "etc/supervisor/supervisord.conf"), supervisorMain)
	write(t, filepath.Join(root, "etc/supervisor/conf.d/shop.conf"), supervisorShop)
	write(t, filepath.Join(root, "etc/supervisor/conf.d/fpm.conf"), "[program:fpm]\ncommand=/usr/sbin/php-fpm8.2 -F\n[program:queue]\ncommand=queue --fast\nnumprocs=4\n")
	writeExec(t, root, "etc/init.d/php8.2-fpm", fpmScript)
	return root, procRoot
}

func TestManagerForSupervisordChain(t *testing.T) {
	needRoot(t)
	root, procRoot := supervisorBox(t, []string{"/usr/bin/python3", "/usr/bin/supervisord", "-n", "-c", "/etc/supervisor/supervisord.conf"})
	cases := []struct {
		pid  int
		want string
		fact string
	}{
		{11, "web:shop", "through pid 10 (gunicorn); [program:shop] /etc/supervisor/conf.d/shop.conf:2 command= matches its argv"},
		{21, "worker:worker_01", "[program:worker]"},
		// php-fpm rewrote its argv: its binary decides, and supervisord wins over the init script.
		{30, "fpm", "runs php-fpm8.2, its binary"},
		{50, "queue:*", "all 4 instances run it, so all restart"},
	}
	for _, c := range cases {
		o, ev := ManagerFor(root, procRoot, "", c.pid)
		if o.Manager != Supervisord || o.Name != c.want || o.Config != "/etc/supervisor/supervisord.conf" {
			t.Errorf("pid %d: %+v, want supervisord %q; %s", c.pid, o, c.want, ev)
			continue
		}
		if !strings.Contains(ev.String(), c.fact) {
			t.Errorf("pid %d: evidence %q lacks %q", c.pid, ev, c.fact)
		}
		cmd, err := CommandFor(toolRootWith(t, root), o, Restart)
		want := []string{"/usr/bin/supervisorctl", "-c", "/etc/supervisor/supervisord.conf", "restart", c.want}
		if err != nil || !slices.Equal(cmd.Argv, want) {
			t.Errorf("pid %d restart: %q, %v; want %q", c.pid, cmd.Argv, err, want)
		}
	}
}

// toolRootWith installs supervisorctl into root.
func toolRootWith(t *testing.T, root string) string {
	writeExec(t, root, "usr/bin/supervisorctl", "#!/bin/sh\n")
	return root
}

func TestManagerForSupervisordUnmatched(t *testing.T) {
	needRoot(t)
	root, procRoot := supervisorBox(t, []string{"supervisord"})
	fakeProc{pid: 40, ppid: 1, comm: "redis-server", argv: []string{"redis-server", "*:6379"}, exe: "/usr/bin/redis-server"}.write(t, procRoot)
	o, ev := ManagerFor(root, procRoot, "redis-server", 40)
	if o.Manager != Supervisord || o.Name != "" || !strings.Contains(ev.String(), "no [program:] command=") {
		t.Fatalf("%+v; %s", o, ev)
	}
	if _, err := CommandFor(root, o, Restart); err == nil || !strings.Contains(err.Error(), "under which name is not known") {
		t.Errorf("restart without a program name: %v", err)
	}
}

// TestManagerForSupervisordRealChain runs a real parent chain: a process
// whose comm is "supervisord" (a shell script of that name) and its child
// sleep; /proc is the real one, the config sits in a temp root.
func TestManagerForSupervisordRealChain(t *testing.T) {
	needRoot(t)
	root := t.TempDir()
	sup := writeExec(t, root, "usr/bin/supervisord", "#!/bin/sh\n/bin/sleep 30 &\necho $!\nwait\n")
	write(t, filepath.Join(root, "etc/sup.conf"), "[program:napper]\ncommand=/bin/sleep 30\n")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd := exec.Command(sup, "-c", "/etc/sup.conf")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stdout = w
	err = cmd.Start()
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // the group: the script and its sleep
		_ = cmd.Wait()
	})
	if err := r.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 32)
	n, err := r.Read(buf)
	if err != nil {
		t.Fatalf("child pid: %v", err)
	}
	child, err := strconv.Atoi(strings.TrimSpace(string(buf[:n])))
	if err != nil {
		t.Fatal(err)
	}
	// $! is known before the forked shell has exec'd sleep.
	waitFor(t, "the child to become sleep", func() bool {
		comm, _ := os.ReadFile("/proc/" + strconv.Itoa(child) + "/comm")
		return strings.TrimSpace(string(comm)) == "sleep"
	})
	o, ev := ManagerFor(root, "/proc", "", child)
	if o.Manager != Supervisord || o.Name != "napper" || o.Config != "/etc/sup.conf" {
		t.Fatalf("ManagerFor(real sleep %d) = %+v; %s", child, o, ev)
	}
	if !strings.Contains(ev.String(), "reaches supervisord (pid "+strconv.Itoa(cmd.Process.Pid)+")") {
		t.Errorf("evidence %q does not name the real supervisord pid %d", ev, cmd.Process.Pid)
	}
}

func FuzzParseSupervisorConfig(f *testing.F) {
	f.Add([]byte(supervisorMain + supervisorShop))
	f.Add([]byte("[program:x]\ncommand=a 'b c' \"d\\\" e\" %(process_num)03d\nnumprocs=2\n[group:g]\nprograms=x,\n y\n"))
	f.Add([]byte("[fcgi-program:php]\nsocket=tcp://127.0.0.1:9000\ncommand=/usr/bin/php-cgi\n[include]\nfiles=a b\n  c\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg := parseSupervisorConfig(data, "/f.conf")
		lines := strings.Count(string(data), "\n") + 1
		for _, p := range cfg.Programs {
			if p.Name == "" || p.NumProcs < 1 || p.Line < 1 || p.Line > lines || p.File != "/f.conf" {
				t.Fatalf("bad program %+v from %q", p, data)
			}
		}
		set := supervisorSet{programs: cfg.Programs, group: map[string]string{}}
		for g, ps := range cfg.Groups {
			for _, p := range ps {
				set.group[p] = g
			}
		}
		// Matching must not panic whatever the commands say, nor name a program that is not there.
		name, _, ok := set.match(Process{Argv: []string{"/usr/bin/x", "a"}, Exe: "/usr/bin/x"})
		if ok && name == "" {
			t.Fatalf("matched with no name from %q", data)
		}
	})
}
