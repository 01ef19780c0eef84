package ui

import (
	"strings"
	"testing"

	"ngx502/steps"
)

// A config root does not own: step 3 offers nginx -t, t shows the exact
// command and what it changes, y runs step 3 again with consent, n does not.
func TestNginxTAsksFirst(t *testing.T) {
	outs := healthyOutcomes()
	cfg := outs[steps.Config]
	argv := []string{"/usr/sbin/nginx", "-t", "-c", "/srv/x/nginx.conf"}
	cfg.Actions = []steps.Action{{ID: steps.ActionNginxT, Label: "run nginx -t on this config", Argv: argv,
		Command: strings.Join(argv, " "), Changes: "nginx -t is not read-only: it creates the pid file"}}
	outs[steps.Config] = cfg
	m, f := finished(t, outs)
	if !m.keys.Test.Enabled() {
		t.Fatal("t is not offered though step 3 asks to run nginx -t")
	}
	m, _ = press(t, m, "t")
	s := screen(m)
	for _, want := range []string{"run nginx -t on this config", "$ /usr/sbin/nginx -t -c /srv/x/nginx.conf", "creates the pid file", "step 3 runs again"} {
		if !strings.Contains(s, want) {
			t.Errorf("dialog lacks %q:\n%s", want, s)
		}
	}
	m, _ = press(t, m, "n")
	if m.confirm.open || m.c.Opts.NginxT {
		t.Fatal("n must close the dialog and leave nginx -t unrun")
	}
	before := len(f.calls)
	m, cmd := press(t, m, "t", "y")
	if !m.c.Opts.NginxT || m.steps[configIdx].state != running || cmd == nil {
		t.Fatalf("y did not rerun step 3 with consent (NginxT %v, state %v)", m.c.Opts.NginxT, m.steps[configIdx].state)
	}
	m = settle(t, m, cmd)
	if call, ok := f.last(steps.Config); !ok || len(f.calls) <= before || call.id != steps.Config {
		t.Error("step 3 did not run again")
	}
}

// Without the offer, t does nothing and is not in the help bar.
func TestNginxTKeyOffWithoutOffer(t *testing.T) {
	m, _ := finished(t, healthyOutcomes())
	if m.keys.Test.Enabled() {
		t.Error("t offered though nginx -t needs no consent")
	}
	m, _ = press(t, m, "t")
	if m.confirm.open {
		t.Error("t opened a dialog with nothing to confirm")
	}
}
