package service

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ngx502/probes/nginxtest"
)

// TestManagerForRealFPMByHand starts a real php-fpm8.2 by hand (its own
// config in a temp dir) on this box. /etc/init.d/php8.2-fpm names that
// binary, but its pid file does not hold this master, so ManagerFor must
// not hand it to the script: it is a plain process, described as it runs.
func TestManagerForRealFPMByHand(t *testing.T) {
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
	fpm := nginxtest.PHPFPM(t, nginxtest.PHPOptions{})
	bin, err := filepath.EvalSymlinks(nginxtest.PHPBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, unit := range []string{"", "php8.2-fpm"} {
		o, ev := ManagerFor("/", "/proc", unit, fpm.PID)
		if o.Manager != PlainProcess || o.Process == nil || o.Process.PID != fpm.PID {
			t.Fatalf("ManagerFor(%q, %d) = %+v; %s", unit, fpm.PID, o, ev)
		}
		if !strings.Contains(ev.String(), script+" names php-fpm8.2, but did not start pid") {
			t.Errorf("evidence does not say why the script is not its owner: %s", ev)
		}
		if o.Process.Exe != bin || o.Process.UID != 0 || o.Process.User != "root" || len(o.Process.Argv) == 0 {
			t.Errorf("process facts = %+v, want exe %s, root", o.Process, bin)
		}
		if _, err := CommandFor("/", o, Start); err == nil || !strings.Contains(err.Error(), "start it the same way by hand") {
			t.Errorf("start of a hand-started php-fpm: %v", err)
		}
		t.Logf("%q: %s", unit, ev)
	}
}
