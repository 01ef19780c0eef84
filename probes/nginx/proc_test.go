package nginx

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"syscall"
	"testing"
	"time"
)

func TestFindMastersFakeProc(t *testing.T) {
	bin := nginxBinary(t) // the fake exe links point at it, and trust looks at the real file
	ms, err := FindMasters("testdata/proc", "")
	if err != nil {
		t.Fatal(err)
	}
	want := []Master{
		{PID: 4242, UID: 0, Binary: bin, Cwd: "/", Globals: "daemon on; master_process on;", ArgvExact: true, Trusted: true,
			Cmdline: []string{"/usr/sbin/nginx", "-g", "daemon on; master_process on;"}},
		{PID: 6000, UID: 0, Binary: bin, Cwd: "/srv/www", Prefix: "app/", Conf: "conf/app.conf", Globals: "pid /tmp/x.pid;", ArgvExact: true, Trusted: true,
			Cmdline: []string{"nginx", "-q", "-p", "app/", "-cconf/app.conf", "-g", "pid /tmp/x.pid;"}},
		// exe unreadable (as for a non-root caller): untrusted, never guessed from argv[0].
		{PID: 6100, UID: 0, Cwd: "/", Conf: "/etc/nginx/other.conf", ArgvExact: true,
			Distrust: "cannot read testdata/proc/6100/exe — run ngx502 as root",
			Cmdline:  []string{"nginx", "-c", "/etc/nginx/other.conf"}},
		{PID: 7000, UID: 65534, Binary: bin, Cwd: "/home/x", Conf: "/home/x/nginx.conf", ArgvExact: true,
			Distrust: "runs as uid 65534 (nobody), not root",
			Cmdline:  []string{"/usr/sbin/nginx", "-c", "/home/x/nginx.conf"}},
		// Trusted, but its -g may or may not hold the -c: nothing is borrowed.
		{PID: 7100, UID: 0, Binary: bin, Cwd: "/", Trusted: true, ArgvWhy: "its -g holds what looks like flags",
			Cmdline: []string{"/usr/sbin/nginx", "-g", "daemon", "off;", "#;", "-c", "/other/nginx.conf"}},
		// A title that was never rewritten: NULs are the argv boundaries.
		{PID: 7200, UID: 1000, Binary: bin, Cwd: "/", Conf: "/etc/a b.conf", ArgvExact: true,
			Distrust: "runs as uid 1000, not root",
			Cmdline:  []string{"/usr/sbin/nginx", "-c", "/etc/a b.conf"}},
	}
	if u := uidName(1000); u != "uid 1000" {
		want[5].Distrust = "runs as " + u + ", not root"
	}
	if len(ms) != len(want) {
		t.Fatalf("got %d masters, want %d: %+v", len(ms), len(want), ms)
	}
	for i := range want {
		if !reflect.DeepEqual(ms[i], want[i]) {
			t.Errorf("master %d:\ngot  %+v\nwant %+v", want[i].PID, ms[i], want[i])
		}
	}
	// A --nginx binary that is another file distrusts even root's masters.
	other := filepath.Join(t.TempDir(), "nginx")
	if err := os.WriteFile(other, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	ms, _ = FindMasters("testdata/proc", other)
	if ms[0].Trusted || ms[0].Distrust != "its binary "+bin+" is not the --nginx binary "+other {
		t.Fatalf("--nginx mismatch: %+v", ms[0])
	}
	if ms, _ = FindMasters("testdata/proc", bin); !ms[0].Trusted {
		t.Fatalf("--nginx %s is the master's own binary: %+v", bin, ms[0])
	}
	if _, err := FindMasters("testdata/no-such-proc", ""); err == nil {
		t.Fatal("a missing procRoot must be an error")
	}
}

func TestParseMasterTitle(t *testing.T) {
	m, ok := parseMasterTitle("nginx: master process /opt/nginx/sbin/nginx -c /etc/my nginx/nginx.conf -g daemon on; error_log /x -p /opt/")
	if !ok || m.ArgvExact || m.Conf != "" || m.Globals != "" || m.Prefix != "" {
		// "-p /opt/" may be inside -g or not: nothing may be borrowed.
		t.Fatalf("%+v", m)
	}
	m, ok = parseMasterTitle("nginx: master process /usr/sbin/nginx -p /srv/t/ -c /srv/t/nginx.conf -e /srv/t/logs/error.log\x00\x00")
	if !ok || !m.ArgvExact || m.Prefix != "/srv/t/" || m.Conf != "/srv/t/nginx.conf" || m.ErrorLog != "/srv/t/logs/error.log" {
		t.Fatalf("-p -c -e: %+v", m)
	}
	m, ok = parseMasterTitle("nginx: master process /usr/sbin/nginx -g daemon off; #; -c /other/nginx.conf")
	if !ok || m.ArgvExact || m.Conf != "" || m.Globals != "" || m.ArgvWhy != "its -g holds what looks like flags" {
		t.Fatalf("injected -c: %+v", m)
	}
	if _, ok := parseMasterTitle("nginx: worker process"); ok {
		t.Fatal("a worker is not a master")
	}
	if _, ok := parseMasterTitle("/usr/sbin/nginx\x00-c\x00/etc/nginx/nginx.conf\x00"); ok {
		t.Fatal("an untitled argv is not a master")
	}
}

func TestFindMastersRealProc(t *testing.T) {
	bin := nginxBinary(t)
	requireRoot(t) // a master started by anyone else is rightly distrusted
	prefix := tempPrefix(t, map[string]string{"nginx.conf": "worker_processes 1;\nevents {}\n"})
	globals := "daemon off; " + privateGlobals(prefix)
	// Not CommandContext: its cancel at return would SIGKILL the master
	// alone and orphan the workers; the cleanup stops the whole group.
	cmd := exec.Command(bin, "-p", prefix, "-c", prefix+"nginx.conf", "-g", globals)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	t.Cleanup(func() {
		_ = syscall.Kill(-pid, syscall.SIGQUIT) // our own process group: master and workers
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			<-done
		}
	})
	var found *Master
	for i := 0; i < 100 && found == nil; i++ { // the title is set once the master is up
		ms, err := FindMasters("/proc", "")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.PID == pid {
				found = &m
			}
		}
		if found == nil {
			time.Sleep(50 * time.Millisecond)
		}
	}
	if found == nil {
		t.Fatalf("master pid %d not found in /proc", pid)
	}
	want := Master{PID: pid, Binary: bin, Conf: prefix + "nginx.conf", Prefix: prefix, Globals: globals}
	wd, _ := os.Getwd()
	if !found.Trusted || !found.ArgvExact || found.UID != 0 || found.Distrust != "" {
		t.Fatalf("root's own nginx from %s must be trusted and exact: %+v", bin, *found)
	}
	if found.PID != want.PID || found.Binary != want.Binary || found.Conf != want.Conf || found.Prefix != want.Prefix || found.Globals != want.Globals || found.Cwd != wd {
		t.Fatalf("got %+v\nwant %+v (cwd %s)", *found, want, wd)
	}
	// Other masters may run on this box (other tests, the system's own):
	// --conf must pick the one running that config, and -t use its argv.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	in, err := Discover(ctx, DiscoverOptions{Binary: bin, Conf: prefix + "nginx.conf", Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	if in.Master == nil || in.Master.PID != pid || in.Globals != globals {
		t.Fatalf("Discover picked master %+v globals %q, want pid %d running %snginx.conf", in.Master, in.Globals, pid, prefix)
	}
	if r := Test(ctx, in); !r.OK {
		t.Fatalf("nginx -t with the master's own argv: %+v", r)
	}
}
