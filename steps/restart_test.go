package steps

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ngx502/probes/nginx"
	"ngx502/probes/service"
)

// On a systemd box whose unit file says it serves the refused port, step 5
// proposes restarting exactly that unit (argv, not a shell string).
func TestBackendActionFromUnitFile(t *testing.T) {
	root := t.TempDir()
	unit := filepath.Join(root, "etc/systemd/system/shop.service")
	if err := os.MkdirAll(filepath.Dir(unit), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "run/systemd/system"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(unit, []byte("[Service]\nExecStart=/usr/bin/gunicorn -b 127.0.0.1:48213 shop:app\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := &Case{Opts: Options{Root: root, ProcRoot: "/proc"}.withDefaults(), Manager: service.DetectManager(root)}
	if c.Manager != service.Systemd {
		t.Fatalf("fake root detected as %s, want systemd", c.Manager)
	}
	a, note, ok := backendAction(c, Verdict{Cause: CauseRefused, Subject: "127.0.0.1:48213"})
	if !ok {
		t.Fatalf("no action; note %+v", note)
	}
	if want := []string{"systemctl", "restart", "shop.service"}; !slices.Equal(a.Argv, want) {
		t.Errorf("argv %q, want %q", a.Argv, want)
	}
	if !strings.Contains(a.Changes, "shop.service should serve 127.0.0.1:48213") || !a.Gated {
		t.Errorf("action %+v: want the unit file line as the reason and a gate", a)
	}

	// No service manager: say who should serve it, propose nothing to run.
	c.Manager = service.None
	if _, note, ok := backendAction(c, Verdict{Cause: CauseRefused, Subject: "127.0.0.1:48213"}); ok || !strings.Contains(note.Result, "start it by hand") {
		t.Errorf("without a manager: ok=%v note %q", ok, note.Result)
	}
	// A verdict that no restart fixes gets no backend action.
	if _, _, ok := backendAction(c, Verdict{Cause: CauseHeaderTooBig, Subject: "127.0.0.1:48213"}); ok {
		t.Error("header-too-big is fixed in the config, not by a restart")
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
