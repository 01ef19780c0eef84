package steps

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ngx502/probes/nginx"
	"ngx502/probes/service"
)

// On a systemd box (PID 1 is systemd) whose unit file says it serves the
// refused port, step 5 proposes starting exactly that unit, with the
// box's own systemctl (argv, not a shell string).
func TestBackendActionFromUnitFile(t *testing.T) {
	root, procRoot := t.TempDir(), t.TempDir()
	write := func(path, text string, mode os.FileMode) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), mode); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(root, "etc/systemd/system/shop.service"), "[Service]\nExecStart=/usr/bin/gunicorn -b 127.0.0.1:48213 shop:app\n", 0o644)
	write(filepath.Join(root, "usr/bin/systemctl"), "#!/bin/sh\n", 0o755)
	write(filepath.Join(procRoot, "1/comm"), "systemd\n", 0o644)
	if err := os.MkdirAll(filepath.Join(root, "run/systemd/system"), 0o755); err != nil {
		t.Fatal(err)
	}
	c := &Case{Opts: Options{Root: root, ProcRoot: procRoot}.withDefaults(), Manager: service.DetectManager(root)}
	a, note, ok := backendAction(context.Background(), c, Verdict{Cause: CauseRefused, Subject: "127.0.0.1:48213"})
	if !ok {
		t.Fatalf("no action; note %+v", note)
	}
	if want := []string{"/usr/bin/systemctl", "start", "shop.service"}; !slices.Equal(a.Argv, want) {
		t.Errorf("argv %q, want %q", a.Argv, want)
	}
	if !strings.Contains(a.Changes, "shop.service should serve 127.0.0.1:48213") || !a.Gated || a.ID != "start-backend" {
		t.Errorf("action %+v: want the unit file line as the reason, a gate and a stable ID", a)
	}

	// PID 1 is not systemd: systemctl would not answer, so nothing is run.
	write(filepath.Join(procRoot, "1/comm"), "bash\n", 0o644)
	if _, note, ok := backendAction(context.Background(), c, Verdict{Cause: CauseRefused, Subject: "127.0.0.1:48213"}); ok {
		t.Errorf("without systemd as PID 1: an action was offered (%q)", note.Result)
	}
	// A verdict that no restart fixes gets no backend action.
	if _, _, ok := backendAction(context.Background(), c, Verdict{Cause: CauseHeaderTooBig, Subject: "127.0.0.1:48213"}); ok {
		t.Error("header-too-big is fixed in the config, not by a restart")
	}
}

// On this very box (a Debian container: PID 1 is not systemd, php8.2-fpm
// installed with its SysV init script), a missing php-fpm socket is fixed
// by `service php8.2-fpm start` — proposed, not run.
func TestBackendActionSysVOnThisBox(t *testing.T) {
	if _, err := os.Stat("/etc/init.d/php8.2-fpm"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI installs php8.2-fpm: %v", err)
		}
		t.Skip("php8.2-fpm is not installed")
	}
	if _, err := os.Stat("/run/php/php8.2-fpm.sock"); err == nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the CI box's own php-fpm runs: this test needs it stopped")
		}
		t.Skip("the box's own php-fpm runs: nothing to start")
	}
	c := &Case{Opts: Options{}.withDefaults()}
	a, note, ok := backendAction(context.Background(), c, Verdict{Cause: CauseSocketMissing, Subject: "unix:/run/php/php8.2-fpm.sock"})
	if !ok {
		t.Fatalf("no action; note %q", note.Result)
	}
	if want := []string{"/usr/sbin/service", "php8.2-fpm", "start"}; !slices.Equal(a.Argv, want) {
		t.Errorf("argv %q, want %q", a.Argv, want)
	}
}

// systemctl reloads the unit that really runs the master; a master started
// by hand on a systemd box gets the signal itself.
func TestReloadNginxFollowsTheMastersUnit(t *testing.T) {
	proc := t.TempDir()
	writeCgroup := func(text string) {
		if err := os.MkdirAll(filepath.Join(proc, "4242"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(proc, "4242", "cgroup"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := &Case{Opts: Options{ProcRoot: proc}.withDefaults(), Manager: service.Systemd,
		Install: nginx.Install{Binary: "/usr/sbin/nginx", Conf: "/etc/nginx/nginx.conf", Master: &nginx.Master{PID: 4242}}}
	writeCgroup("0::/system.slice/openresty.service\n")
	if got, want := reloadNginx(c).Argv, []string{"systemctl", "reload", "openresty.service"}; !slices.Equal(got, want) {
		t.Errorf("master in openresty.service: argv %q, want %q", got, want)
	}
	writeCgroup("0::/user.slice/user-0.slice/session-3.scope\n")
	if got, want := reloadNginx(c).Argv, []string{"/usr/sbin/nginx", "-s", "reload", "-c", "/etc/nginx/nginx.conf"}; !slices.Equal(got, want) {
		t.Errorf("master started by hand: argv %q, want %q", got, want)
	}
}
