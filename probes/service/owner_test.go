package service

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fakeProc lays out one process the way the kernel shows it under procRoot.
type fakeProc struct {
	pid, ppid int
	comm      string
	argv      []string
	exe, cwd  string // symlink targets; "" leaves the link out (as for another user's process)
	uid       int
	cgroup    string
}

func (p fakeProc) write(t *testing.T, procRoot string) {
	t.Helper()
	dir := filepath.Join(procRoot, fmt.Sprint(p.pid))
	write(t, filepath.Join(dir, "stat"), fmt.Sprintf("%d (%s) S %d %d %d 0 -1 4194560 0 0 0 0\n", p.pid, p.comm, p.ppid, p.pid, p.pid))
	write(t, filepath.Join(dir, "comm"), p.comm+"\n")
	write(t, filepath.Join(dir, "cmdline"), strings.Join(p.argv, "\x00")+"\x00")
	write(t, filepath.Join(dir, "status"), fmt.Sprintf("Name:\t%s\nUid:\t%d\t%d\t%d\t%d\n", p.comm, p.uid, p.uid, p.uid, p.uid))
	cg := p.cgroup
	if cg == "" {
		cg = "0::/\n"
	}
	write(t, filepath.Join(dir, "cgroup"), cg)
	for name, target := range map[string]string{"exe": p.exe, "cwd": p.cwd} {
		if target != "" {
			if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// box is a fake root whose procRoot is root/proc, PID 1 named pid1.
func box(t *testing.T, pid1 string, procs ...fakeProc) (root, procRoot string) {
	t.Helper()
	root = t.TempDir()
	procRoot = filepath.Join(root, "proc")
	fakeProc{pid: 1, comm: pid1, argv: []string{"/sbin/" + pid1}}.write(t, procRoot)
	write(t, filepath.Join(procRoot, "self/cgroup"), "0::/\n")
	write(t, filepath.Join(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n")
	for _, p := range procs {
		p.write(t, procRoot)
	}
	return root, procRoot
}

const fpmScript = "#!/bin/sh\nNAME=php-fpm8.2\nDAEMON=/usr/sbin/$NAME\nPIDFILE=${CONF_PIDFILE:-/run/php/php8.2-fpm.pid}\ncase \"$1\" in start|stop|restart|reload) ;; esac\n"

var fpmMaster = fakeProc{pid: 4242, ppid: 1, comm: "php-fpm8.2", argv: []string{"php-fpm: master process (/etc/php/8.2/fpm/php-fpm.conf)"},
	exe: "/usr/sbin/php-fpm8.2", cwd: "/", uid: 0}

func TestManagerForBoxes(t *testing.T) {
	needRoot(t)
	cases := []struct {
		name          string
		pid1          string
		procs         []fakeProc
		build         func(root string)
		unit          string
		pid           int
		want          Owner  // Manager, Name, Script, Runtime, Config are compared
		fact, skipped string // substrings of Evidence.Facts and .Skipped
	}{
		{name: "systemd by unit file", pid1: "systemd", unit: "php8.2-fpm",
			build: func(r string) {
				mkdir(t, filepath.Join(r, "run/systemd/system"))
				write(t, filepath.Join(r, "lib/systemd/system/php8.2-fpm.service"), "[Service]\n")
				writeExec(t, r, "etc/init.d/php8.2-fpm", fpmScript)
			},
			want: Owner{Manager: Systemd, Name: "php8.2-fpm.service"}, fact: "/lib/systemd/system/php8.2-fpm.service"},
		{name: "systemd by cgroup", pid1: "systemd", pid: 4242,
			procs: []fakeProc{withCgroup(fpmMaster, "0::/system.slice/php8.2-fpm.service\n")},
			build: func(r string) { mkdir(t, filepath.Join(r, "run/systemd/system")) },
			want:  Owner{Manager: Systemd, Name: "php8.2-fpm.service"}, fact: "runs in php8.2-fpm.service"},
		{name: "systemd, process started by hand", pid1: "systemd", pid: 4242, unit: "php8.2-fpm",
			procs: []fakeProc{withCgroup(fpmMaster, "0::/user.slice/user-0.slice/session-3.scope\n")},
			build: func(r string) {
				mkdir(t, filepath.Join(r, "run/systemd/system"))
				writeExec(t, r, "etc/init.d/php8.2-fpm", fpmScript)
			},
			want: Owner{Manager: PlainProcess}, skipped: "PID 1 is systemd: service(8) hands /etc/init.d/php8.2-fpm to systemctl"},
		{name: "systemd user unit", pid1: "systemd", pid: 4242,
			procs: []fakeProc{withCgroup(fpmMaster, "0::/user.slice/user-1000.slice/user@1000.service/app.slice/web.service\n")},
			build: func(r string) { mkdir(t, filepath.Join(r, "run/systemd/system")) },
			want:  Owner{Manager: PlainProcess}, skipped: "runs in web.service under user@1000.service, the user's own systemd"},
		{name: "systemd marker but PID 1 is not systemd", pid1: "bash", unit: "php8.2-fpm",
			build: func(r string) {
				mkdir(t, filepath.Join(r, "run/systemd/system"))
				write(t, filepath.Join(r, "lib/systemd/system/php8.2-fpm.service"), "[Service]\n")
			},
			want: Owner{Manager: None}, skipped: `systemd: PID 1 is "bash", not systemd`},
		{name: "openrc", pid1: "init", unit: "php-fpm82",
			build: func(r string) {
				mkdir(t, filepath.Join(r, "run/openrc"))
				writeExec(t, r, "etc/init.d/php-fpm82", "#!/sbin/openrc-run\ncommand=/usr/sbin/php-fpm82\n")
			},
			want: Owner{Manager: OpenRC, Name: "php-fpm82", Script: "/etc/init.d/php-fpm82"}, fact: "openrc-run script"},
		{name: "openrc script without openrc", pid1: "bash", unit: "php-fpm82",
			build: func(r string) { writeExec(t, r, "etc/init.d/php-fpm82", "#!/sbin/openrc-run\n") },
			want:  Owner{Manager: None}, skipped: "OpenRC does not run here"},
		{name: "sysv container, nothing running", pid1: "process_api", unit: "php8.2-fpm.service",
			build: func(r string) { writeExec(t, r, "etc/init.d/php8.2-fpm", fpmScript) },
			want:  Owner{Manager: SysV, Name: "php8.2-fpm", Script: "/etc/init.d/php8.2-fpm"}, fact: `PID 1 is "process_api"`},
		{name: "sysv container, script found from the binary", pid1: "bash", pid: 4242, procs: []fakeProc{fpmMaster},
			build: func(r string) {
				writeExec(t, r, "etc/init.d/php8.2-fpm", fpmScript)
				writeExec(t, r, "etc/init.d/nginx", "#!/bin/sh\nDAEMON=/usr/sbin/nginx\n")
				write(t, filepath.Join(r, "run/php/php8.2-fpm.pid"), "4242\n")
			},
			want: Owner{Manager: SysV, Name: "php8.2-fpm", Script: "/etc/init.d/php8.2-fpm"}, fact: "its pid file /run/php/php8.2-fpm.pid holds pid 4242"},
		{name: "sysv, a worker of the script's master", pid1: "bash", pid: 4243, unit: "php8.2-fpm",
			procs: []fakeProc{fpmMaster, {pid: 4243, ppid: 4242, comm: "php-fpm8.2", argv: []string{"php-fpm: pool www"}, exe: "/usr/sbin/php-fpm8.2", uid: 33}},
			build: func(r string) {
				writeExec(t, r, "etc/init.d/php8.2-fpm", fpmScript)
				write(t, filepath.Join(r, "run/php/php8.2-fpm.pid"), "4242\n")
			},
			want: Owner{Manager: SysV, Name: "php8.2-fpm", Script: "/etc/init.d/php8.2-fpm"}, fact: "holds pid 4242, which runs php-fpm8.2"},
		{name: "sysv script names the binary but did not start it", pid1: "bash", pid: 4242, unit: "php8.2-fpm", procs: []fakeProc{fpmMaster},
			build: func(r string) { writeExec(t, r, "etc/init.d/php8.2-fpm", fpmScript) },
			want:  Owner{Manager: PlainProcess}, skipped: "names php-fpm8.2, but did not start pid 4242: /run/php/php8.2-fpm.pid is absent"},
		{name: "sysv script without a pid file, matched by binary", pid1: "bash", pid: 4242, procs: []fakeProc{fpmMaster},
			build: func(r string) {
				writeExec(t, r, "etc/init.d/php8.2-fpm", "#!/bin/sh\nexec /usr/sbin/php-fpm8.2 \"$@\"\n")
			},
			want: Owner{Manager: SysV, Name: "php8.2-fpm", Script: "/etc/init.d/php8.2-fpm"}, fact: "no pid file to confirm"},
		{name: "sysv script that does not run that process", pid1: "bash", pid: 900, unit: "php8.2-fpm",
			procs: []fakeProc{{pid: 900, ppid: 1, comm: "node", argv: []string{"node", "app.js"}, exe: "/usr/bin/node", cwd: "/srv", uid: 33}},
			build: func(r string) { writeExec(t, r, "etc/init.d/php8.2-fpm", fpmScript) },
			want:  Owner{Manager: PlainProcess}, skipped: "does not name node, pid 900's binary"},
		{name: "sysv script not executable", pid1: "bash", unit: "app",
			build: func(r string) { write(t, filepath.Join(r, "etc/init.d/app"), "#!/bin/sh\n") },
			want:  Owner{Manager: None}, skipped: "not an executable file"},
		{name: "untrusted sysv script is found, and says so", pid1: "bash", unit: "shady",
			build: func(r string) {
				p := writeExec(t, r, "etc/init.d/shady", "#!/bin/sh\n")
				if err := os.Chmod(p, 0o775); err != nil {
					t.Fatal(err)
				}
			},
			want: Owner{Manager: SysV, Name: "shady", Script: "/etc/init.d/shady"}, fact: "ngx502 will not run it: /etc/init.d/shady is writable by group"},
		{name: "runit by parent runsv", pid1: "runit", pid: 501,
			procs: []fakeProc{
				{pid: 500, ppid: 1, comm: "runsv", argv: []string{"runsv", "shop"}, cwd: "/etc/sv/shop"},
				{pid: 501, ppid: 500, comm: "gunicorn", argv: []string{"/usr/bin/python3", "/usr/bin/gunicorn", "shop:app"}, exe: "/usr/bin/python3.11"},
			},
			build: func(r string) { mkdir(t, filepath.Join(r, "etc/service/shop")) },
			want:  Owner{Manager: Runit, Name: "shop"}, fact: "supervised by runsv (pid 500) in /etc/sv/shop"},
		{name: "runit, nothing running, supervised dir", pid1: "runit", unit: "shop",
			build: func(r string) { write(t, filepath.Join(r, "etc/service/shop/supervise/ok"), "") },
			want:  Owner{Manager: Runit, Name: "shop"}, fact: "supervise/ok exists"},
		{name: "runit dir nobody supervises", pid1: "bash", unit: "shop",
			build: func(r string) { writeExec(t, r, "etc/sv/shop/run", "#!/bin/sh\n") },
			want:  Owner{Manager: None}, skipped: "no runsv supervises it"},
		{name: "s6 by parent s6-supervise", pid1: "s6-svscan", pid: 601,
			procs: []fakeProc{
				{pid: 600, ppid: 1, comm: "s6-supervise", argv: []string{"s6-supervise", "api"}, cwd: "/run/service/api"},
				{pid: 601, ppid: 600, comm: "node", argv: []string{"node", "api.js"}, exe: "/usr/bin/node"},
			},
			want: Owner{Manager: S6, Name: "/run/service/api"}},
		{name: "docker cgroup v1", pid1: "bash", pid: 4242, unit: "php8.2-fpm",
			procs: []fakeProc{withCgroup(fpmMaster, "12:memory:/docker/"+testID+"\n1:name=systemd:/docker/"+testID+"\n")},
			build: func(r string) { writeExec(t, r, "etc/init.d/php8.2-fpm", fpmScript) },
			want:  Owner{Manager: InContainer, Name: testID, Runtime: "docker"}, fact: "docker container 4b825dc642cb"},
		{name: "docker cgroup v2 under systemd", pid1: "systemd", pid: 4242,
			procs: []fakeProc{withCgroup(fpmMaster, "0::/system.slice/docker-"+testID+".scope\n")},
			build: func(r string) { mkdir(t, filepath.Join(r, "run/systemd/system")) },
			want:  Owner{Manager: InContainer, Name: testID, Runtime: "docker"}},
		{name: "podman cgroup v2", pid1: "systemd", pid: 4242,
			procs: []fakeProc{withCgroup(fpmMaster, "0::/machine.slice/libpod-"+testID+".scope/container\n")},
			want:  Owner{Manager: InContainer, Name: testID, Runtime: "podman"}},
		{name: "plain process", pid1: "bash", pid: 900,
			procs: []fakeProc{{pid: 900, ppid: 1, comm: "node", argv: []string{"/usr/bin/node", "server.js", "--port", "3000"}, exe: "/usr/bin/node", cwd: "/srv/app", uid: 33}},
			want:  Owner{Manager: PlainProcess}, fact: "started as www-data (uid 33) in /srv/app: /usr/bin/node server.js --port 3000"},
		{name: "nothing at all", pid1: "bash", unit: "ghost", want: Owner{Manager: None}},
		{name: "a path is not a name", pid1: "bash", unit: "../../tmp/x",
			build: func(r string) { writeExec(t, r, "tmp/x", "#!/bin/sh\n") },
			want:  Owner{Manager: None}, skipped: `"../../tmp/x" is not a plain service name`},
		{name: "an option is not a name", pid1: "bash", unit: "--help",
			build: func(r string) { writeExec(t, r, "etc/init.d/--help", "#!/bin/sh\n") },
			want:  Owner{Manager: None}, skipped: "is not a plain service name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root, procRoot := box(t, c.pid1, c.procs...)
			if c.build != nil {
				c.build(root)
			}
			got, ev := ManagerFor(root, procRoot, c.unit, c.pid)
			if got.Manager != c.want.Manager || got.Name != c.want.Name || got.Script != c.want.Script ||
				got.Runtime != c.want.Runtime || got.Config != c.want.Config {
				t.Fatalf("ManagerFor = %+v\nwant %+v\nevidence: %s", got, c.want, ev)
			}
			if c.pid > 0 && (got.Process == nil || got.Process.PID != c.pid) {
				t.Errorf("Process = %+v, want pid %d", got.Process, c.pid)
			}
			if !strings.Contains(strings.Join(ev.Facts, "\n"), c.fact) {
				t.Errorf("facts %q lack %q", ev.Facts, c.fact)
			}
			if !strings.Contains(strings.Join(ev.Skipped, "\n"), c.skipped) {
				t.Errorf("skipped %q lack %q", ev.Skipped, c.skipped)
			}
			if got.Manager != None && len(ev.Facts) == 0 {
				t.Error("an answer without a fact")
			}
		})
	}
}

func withCgroup(p fakeProc, cg string) fakeProc {
	p.cgroup = cg
	return p
}

// TestManagerForOwnContainer: a process in ngx502's own container is not
// "in a container" from here; the box's own script is the answer.
func TestManagerForOwnContainer(t *testing.T) {
	needRoot(t)
	cg := "0::/system.slice/docker-" + testID + ".scope\n"
	root, procRoot := box(t, "bash", withCgroup(fpmMaster, cg))
	write(t, filepath.Join(procRoot, "self/cgroup"), cg)
	writeExec(t, root, "etc/init.d/php8.2-fpm", fpmScript)
	write(t, filepath.Join(root, "run/php/php8.2-fpm.pid"), "4242")
	got, ev := ManagerFor(root, procRoot, "", 4242)
	if got.Manager != SysV || !strings.Contains(ev.String(), "shares ngx502's own docker container") {
		t.Fatalf("ManagerFor = %+v; %s", got, ev)
	}
}

func TestManagerForPlainProcessFacts(t *testing.T) {
	needRoot(t)
	p := fakeProc{pid: 900, ppid: 1, comm: "node", argv: []string{"/usr/bin/node", "server.js"}, exe: "/usr/bin/node (deleted)", cwd: "/srv/app", uid: 33}
	root, procRoot := box(t, "bash", p)
	got, _ := ManagerFor(root, procRoot, "", 900)
	want := Process{PID: 900, PPID: 1, Comm: "node", Argv: p.argv, Exe: "/usr/bin/node (deleted)", UID: 33, User: "www-data", Cwd: "/srv/app"}
	if got.Process == nil || !slices.Equal(got.Process.Argv, want.Argv) || got.Process.User != want.User ||
		got.Process.Cwd != want.Cwd || got.Process.UID != 33 || got.Process.Exe != want.Exe || got.Process.PPID != 1 {
		t.Fatalf("Process = %+v, want %+v", got.Process, want)
	}
	if exeBase(*got.Process) != "node" {
		t.Errorf("exeBase = %q, want node (the kernel's \" (deleted)\" dropped)", exeBase(*got.Process))
	}
	if _, ev := ManagerFor(root, procRoot, "", 31337); !strings.Contains(ev.String(), "pid 31337 is not running") {
		t.Errorf("gone pid: %s", ev)
	}
}

// TestManagerForThisBox: on this Debian container (PID 1 is not systemd),
// php8.2-fpm is its SysV script run through service(8). Nothing is run.
func TestManagerForThisBox(t *testing.T) {
	const script = "/etc/init.d/php8.2-fpm"
	if _, err := os.Stat(script); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s missing in CI: %v", script, err)
		}
		t.Skipf("php8.2-fpm's init script is not installed: %v", err)
	}
	if comm, _ := os.ReadFile("/proc/1/comm"); strings.TrimSpace(string(comm)) == "systemd" {
		t.Skip("PID 1 is systemd here: this test is about a box without it")
	}
	for _, unit := range []string{"php8.2-fpm", "php8.2-fpm.service"} {
		o, ev := ManagerFor("/", "/proc", unit, 0)
		if o.Manager != SysV || o.Script != script || o.Name != "php8.2-fpm" {
			t.Fatalf("ManagerFor(%s) = %+v; %s", unit, o, ev)
		}
		c, err := CommandFor("/", o, Start)
		if err != nil || !slices.Equal(c.Argv, []string{"/usr/sbin/service", "php8.2-fpm", "start"}) {
			t.Fatalf("start argv = %q, %v", c.Argv, err)
		}
		t.Logf("%s → %s (%s)", unit, c, ev)
	}
}

// TestManagerForSelf: this test binary is a plain process started by go
// test; its argv, user and cwd are the ones the kernel reports.
func TestManagerForSelf(t *testing.T) {
	o, ev := ManagerFor("/", "/proc", "", os.Getpid())
	if o.Process == nil {
		t.Fatalf("no process facts: %s", ev)
	}
	if o.Manager != PlainProcess {
		t.Skipf("this test runs under %s here (%s), not by hand", o.Manager, ev)
	}
	wd, _ := os.Getwd()
	if !slices.Equal(o.Process.Argv, os.Args) || o.Process.Cwd != wd || o.Process.UID != os.Getuid() || o.Process.PPID != os.Getppid() {
		t.Fatalf("Process = %+v, want argv %q cwd %s uid %d", o.Process, os.Args, wd, os.Getuid())
	}
}
