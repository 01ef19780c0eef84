package nginx

import (
	"context"
	"os"
	"os/exec"
	"reflect"
	"syscall"
	"testing"
	"time"
)

func TestFindMastersFakeProc(t *testing.T) {
	ms, err := FindMasters("testdata/proc")
	if err != nil {
		t.Fatal(err)
	}
	want := []Master{
		{PID: 4242, Binary: "/usr/sbin/nginx", Cwd: "/", Globals: "daemon on; master_process on;",
			Cmdline: []string{"/usr/sbin/nginx", "-g", "daemon", "on;", "master_process", "on;"}},
		// exe unreadable (as for a non-root caller): Binary stays empty, not fatal.
		{PID: 6000, Cwd: "/srv/www", Prefix: "app/", Conf: "conf/app.conf", Globals: "pid /tmp/x.pid;",
			Cmdline: []string{"nginx", "-p", "app/", "-cconf/app.conf", "-g", "pid", "/tmp/x.pid;", "-q"}},
	}
	if !reflect.DeepEqual(ms, want) {
		t.Fatalf("got  %+v\nwant %+v", ms, want)
	}
	if _, err := FindMasters("testdata/no-such-proc"); err == nil {
		t.Fatal("a missing procRoot must be an error")
	}
}

func TestParseMasterTitle(t *testing.T) {
	m, ok := parseMasterTitle("nginx: master process /opt/nginx/sbin/nginx -c /etc/my nginx/nginx.conf -g daemon on; error_log /x -p /opt/")
	if !ok || m.Conf != "/etc/my nginx/nginx.conf" || m.Globals != "daemon on; error_log /x -p /opt/" || m.Prefix != "" {
		// -g only ends after a ";": "-p" inside an unterminated -g value is part of it.
		t.Fatalf("%+v", m)
	}
	m, ok = parseMasterTitle("nginx: master process /usr/sbin/nginx -p /srv/t/ -c /srv/t/nginx.conf -e /srv/t/logs/error.log")
	if !ok || m.Prefix != "/srv/t/" || m.Conf != "/srv/t/nginx.conf" || m.ErrorLog != "/srv/t/logs/error.log" {
		t.Fatalf("-p -c -e: %+v", m)
	}
	if _, ok := parseMasterTitle("nginx: worker process"); ok {
		t.Fatal("a worker is not a master")
	}
}

func TestFindMastersRealProc(t *testing.T) {
	bin := nginxBinary(t)
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
		ms, err := FindMasters("/proc")
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

func TestDiscoverFakeMaster(t *testing.T) {
	bin := nginxBinary(t)
	in, err := Discover(context.Background(), DiscoverOptions{ProcRoot: "testdata/proc"})
	if err != nil {
		t.Fatal(err)
	}
	if in.Source != "running master pid 4242" || in.Binary != bin || in.Master == nil || in.Master.PID != 4242 {
		t.Fatalf("master not preferred: %+v", in)
	}
	// Debian: no -c on the master, so the compiled --conf-path applies.
	if in.Conf != in.Build.ConfPath || in.Prefix != in.Build.Prefix+"/" || in.Globals != "daemon on; master_process on;" {
		t.Fatalf("paths: conf %q prefix %q globals %q build %+v", in.Conf, in.Prefix, in.Globals, in.Build)
	}
	if len(in.Warnings) != 1 { // two masters in the fake tree
		t.Fatalf("warnings: %q", in.Warnings)
	}
}

func TestDiscoverFlagsAndFallbacks(t *testing.T) {
	bin := nginxBinary(t)
	empty := t.TempDir()
	in, err := Discover(context.Background(), DiscoverOptions{ProcRoot: empty, Binary: bin, Conf: "rel/x.conf", Prefix: "/opt/p"})
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	if in.Source != "--nginx flag" || in.Master != nil || in.Prefix != "/opt/p/" || in.Conf != wd+"/rel/x.conf" {
		t.Fatalf("flags: %+v", in)
	}
	in, err = Discover(context.Background(), DiscoverOptions{ProcRoot: empty})
	if err != nil {
		t.Fatal(err)
	}
	if (in.Source != "PATH" && in.Source != systemNginx) || in.Build.Version == "" {
		t.Fatalf("fallback: %+v", in)
	}
	if in.Conf != Resolve(in.Prefix, in.Build.ConfPath) {
		t.Fatalf("conf %q from build %q", in.Conf, in.Build.ConfPath)
	}
	// A fake master with a relative -p and -c: nginx resolves -p against its
	// cwd and -c against the prefix.
	in, _ = Discover(context.Background(), DiscoverOptions{ProcRoot: "testdata/proc", Binary: "/opt/nginx/sbin/nginx"})
	if in.Master == nil || in.Master.PID != 6000 || in.Prefix != "/srv/www/app/" || in.Conf != "/srv/www/app/conf/app.conf" {
		t.Fatalf("relative master paths: prefix %q conf %q master %+v", in.Prefix, in.Conf, in.Master)
	}
}
