package nginx

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestDiscoverFakeMaster(t *testing.T) {
	bin := nginxBinary(t)
	in, err := Discover(context.Background(), DiscoverOptions{ProcRoot: "testdata/proc"})
	if err != nil {
		t.Fatal(err)
	}
	if in.Source != "running master pid 4242" || in.Binary != bin || !in.BinaryTrusted || in.Master == nil || in.Master.PID != 4242 {
		t.Fatalf("master not preferred: %+v", in)
	}
	// Debian: no -c on the master, so the compiled --conf-path applies.
	if in.Conf != in.Build.ConfPath || in.Prefix != in.Build.Prefix+"/" || in.Globals != "daemon on; master_process on;" {
		t.Fatalf("paths: conf %q prefix %q globals %q build %+v", in.Conf, in.Prefix, in.Globals, in.Build)
	}
	if len(in.Masters) != 6 || !in.Ambiguous || len(in.Builds) != 1 || in.Builds[bin].Version == "" {
		t.Fatalf("masters %d, ambiguous %v, builds %v", len(in.Masters), in.Ambiguous, in.Builds)
	}
	want := []string{
		"ignored nginx master pid 6100: cannot read testdata/proc/6100/exe — run ngx502 as root",
		"ignored nginx master pid 7000: runs as uid 65534 (nobody), not root",
		"cannot recover pid 7100's command line exactly (its -g holds what looks like flags): not borrowing its -c/-p/-g",
		"ignored nginx master pid 7200: " + in.Masters[5].Distrust,
		// 4242 runs its build's default config: preferred over 6000 and 7100.
		"3 nginx masters run: pid 4242 (uid 0, -c " + in.Build.ConfPath + "), pid 6000 (uid 0, -c /srv/www/app/conf/app.conf), " +
			"pid 7100 (uid 0, -c unknown); inspecting pid 4242 — choose with --pid N or --conf FILE",
	}
	if !slices.Equal(in.Warnings, want) {
		t.Fatalf("warnings:\n%s\nwant:\n%s", strings.Join(in.Warnings, "\n"), strings.Join(want, "\n"))
	}
}

func TestDiscoverPIDAndConfFake(t *testing.T) {
	bin := nginxBinary(t)
	ctx := context.Background()
	// A fake master with a relative -p and -c: nginx resolves -p against its
	// cwd and -c against the prefix.
	in, _ := Discover(ctx, DiscoverOptions{ProcRoot: "testdata/proc", PID: 6000})
	if in.Master == nil || in.Master.PID != 6000 || in.Ambiguous || in.Binary != bin ||
		in.Prefix != "/srv/www/app/" || in.Conf != "/srv/www/app/conf/app.conf" || in.Globals != "pid /tmp/x.pid;" {
		t.Fatalf("--pid 6000: prefix %q conf %q master %+v", in.Prefix, in.Conf, in.Master)
	}
	in, _ = Discover(ctx, DiscoverOptions{ProcRoot: "testdata/proc", Conf: "/srv/www/app/conf/app.conf"})
	if in.Master == nil || in.Master.PID != 6000 || in.Ambiguous {
		t.Fatalf("--conf picks by config: %+v", in.Master)
	}
	// Debian's own master has no -c: --conf matches its build's --conf-path.
	in, _ = Discover(ctx, DiscoverOptions{ProcRoot: "testdata/proc", Conf: in.Build.ConfPath})
	if in.Master == nil || in.Master.PID != 4242 || in.Ambiguous {
		t.Fatalf("--conf %s must match the master started without -c: %+v", in.Build.ConfPath, in.Master)
	}
	// The untrusted and the unclear are never matched, by --conf or --pid.
	for _, o := range []DiscoverOptions{
		{ProcRoot: "testdata/proc", Conf: "/home/x/nginx.conf"},
		{ProcRoot: "testdata/proc", Conf: "/other/nginx.conf"},
		{ProcRoot: "testdata/proc", Conf: "/etc/nginx/other.conf"},
	} {
		if in, _ := Discover(ctx, o); in.Master != nil || in.Globals != "" || in.Conf != o.Conf {
			t.Errorf("--conf %s: master %+v globals %q conf %q", o.Conf, in.Master, in.Globals, in.Conf)
		}
	}
	in, _ = Discover(ctx, DiscoverOptions{ProcRoot: "testdata/proc", PID: 7000})
	if in.Master != nil || in.Globals != "" || in.Source == "running master pid 7000" ||
		!slices.Contains(in.Warnings, "--pid 7000 is not a trusted nginx master (runs as uid 65534 (nobody), not root): inspecting no running master") {
		t.Fatalf("--pid of an untrusted master: %+v", in)
	}
	in, _ = Discover(ctx, DiscoverOptions{ProcRoot: "testdata/proc", PID: 7100})
	if in.Master == nil || in.Master.PID != 7100 || in.Globals != "" || in.Prefix != in.Build.Prefix+"/" || in.Conf != in.Build.ConfPath {
		t.Fatalf("--pid of a trusted master with an unclear argv borrows nothing: %+v", in)
	}
	in, _ = Discover(ctx, DiscoverOptions{ProcRoot: "testdata/proc", PID: 99999})
	if in.Master != nil || !slices.Contains(in.Warnings, "--pid 99999 is not a running nginx master: inspecting no running master") {
		t.Fatalf("--pid of no master: %+v", in)
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
	if in.Source != "--nginx flag" || !in.BinaryTrusted || in.BinaryWhy != "" || in.Master != nil || in.Prefix != "/opt/p/" || in.Conf != wd+"/rel/x.conf" {
		t.Fatalf("flags: %+v", in)
	}
	in, err = Discover(context.Background(), DiscoverOptions{ProcRoot: empty})
	if err != nil {
		t.Fatal(err)
	}
	if (in.Source != "PATH" && in.Source != systemNginx) || !in.BinaryTrusted || in.Build.Version == "" {
		t.Fatalf("fallback: %+v", in)
	}
	if in.Conf != Resolve(in.Prefix, in.Build.ConfPath) {
		t.Fatalf("conf %q from build %q", in.Conf, in.Build.ConfPath)
	}
}

func TestDiscoverUntrustedFallback(t *testing.T) {
	bin := nginxBinary(t)
	requireRoot(t)
	// An nginx on PATH that someone else could have replaced is never run;
	// /usr/sbin/nginx (root's, not writable) is used instead.
	dir := nobodyDir(t)
	fake := writeMarkerScript(t, dir)
	t.Setenv("PATH", dir)
	in, err := Discover(context.Background(), DiscoverOptions{ProcRoot: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if in.Binary != bin || in.Source != systemNginx || !in.BinaryTrusted {
		t.Fatalf("fallback past an untrusted PATH nginx: %+v", in)
	}
	if !slices.Contains(in.Warnings, "not running the nginx from PATH: "+fake.path+" sits in /tmp, which is writable by group and others, and "+filepath.Base(dir)+" in it is owned by uid 65534") {
		t.Fatalf("warnings: %q", in.Warnings)
	}
	fake.assertNeverRun(t)
	// --nginx is the admin's choice: run, with a warning.
	in, _ = Discover(context.Background(), DiscoverOptions{ProcRoot: t.TempDir(), Binary: fake.path})
	if in.Binary != fake.path || !in.BinaryTrusted || in.BinaryWhy == "" || !strings.HasPrefix(in.Warnings[0], "--nginx "+fake.path+" is not safe to run as root") {
		t.Fatalf("--nginx untrusted: %+v", in)
	}
}
