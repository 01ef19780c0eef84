package steps

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ngx502/probes/nginx"
)

// The prefix of a stopped nginx is where its relative paths exist: the
// config's directory, the parent of nginx's own conf/ layout, or the
// compiled one; never inferred for the packaged config or with --prefix.
func TestInferPrefix(t *testing.T) {
	root := t.TempDir()
	mk := func(dirs ...string) {
		for _, d := range dirs {
			if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	mk("flat/logs", "flat/temp", "layout/conf", "layout/logs", "layout/temp", "compiled/logs", "bare")
	rel := []string{"logs/error.log", "temp/proxy"}
	build := nginx.Build{Prefix: filepath.Join(root, "compiled"), ConfPath: "conf/nginx.conf"}
	for _, tc := range []struct {
		name, conf, prefixFlag string
		rel                    []string
		master                 bool
		want                   string // "" = not inferred
	}{
		{"config's own directory", "flat/nginx.conf", "", rel, false, "flat/"},
		{"nginx's conf/ layout", "layout/conf/nginx.conf", "", rel, false, "layout/"},
		{"the compiled prefix serves", "bare/nginx.conf", "", rel, false, ""},
		{"packaged config", "compiled/conf/nginx.conf", "", rel, false, ""},
		{"--prefix wins", "flat/nginx.conf", "/srv/", rel, false, ""},
		{"a running master says", "flat/nginx.conf", "", rel, true, ""},
		{"no relative path", "flat/nginx.conf", "", nil, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &Case{Opts: Options{Prefix: tc.prefixFlag}, Config: &nginx.Config{Relative: tc.rel},
				Install: nginx.Install{Build: build, Conf: filepath.Join(root, tc.conf)}}
			if tc.master {
				c.Install.Master = &nginx.Master{PID: 1}
			}
			p, why, ok := inferPrefix(c)
			if tc.want == "" {
				if ok {
					t.Fatalf("inferred %s (%s), want none", p, why)
				}
				return
			}
			if want := filepath.Join(root, tc.want) + "/"; !ok || p != want || !strings.Contains(why, "of the config's 2 relative paths") {
				t.Fatalf("inferPrefix = %q, %q, %v; want %s", p, why, ok, want)
			}
		})
	}
}

// daemon off: a start from here would hold ngx502 in nginx's foreground,
// so none is proposed, and the check says where to start it instead.
func TestStartNginxDaemonOff(t *testing.T) {
	c := &Case{Config: &nginx.Config{Daemon: "off"}, Install: nginx.Install{Binary: "/usr/sbin/nginx", Conf: "/x/nginx.conf"}}
	cmd, ch, ok := startNginx(c)
	if ok || len(cmd.Argv) != 0 || ch.Status != Warn || !strings.Contains(ch.Result, "daemon off") {
		t.Fatalf("startNginx = %v, %+v, %v", cmd.Argv, ch, ok)
	}
}

// A pid file left behind tells that nginx did not stop cleanly.
func TestStalePIDFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "nginx.pid"), []byte("99999999\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := &Case{Config: &nginx.Config{PID: "nginx.pid"}, Opts: Options{ProcRoot: dir}}
	if got := stalePIDFile(c, dir+"/"); !strings.Contains(got, "did not stop cleanly") || !strings.Contains(got, "99999999") {
		t.Fatalf("stalePIDFile = %q", got)
	}
}
