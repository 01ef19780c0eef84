package ui

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"ngx502/probes/nginxtest"
	"ngx502/steps"
)

// TestE2EWizardReload drives the real wizard (steps.RunStep and
// steps.Execute, no injected results) against a real nginx in a temp
// prefix: the config was fixed but never reloaded, so nginx still answers
// 502. The wizard must show a verdict, offer "reload nginx" with its exact
// argv, run it only after y, and report that the 502 is gone.
func TestE2EWizardReload(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real nginx")
	}
	n := nginxtest.Start(t, nginxtest.Options{HTTP: fmt.Sprintf(`server {
    listen 127.0.0.1:{{.Port}};
    location / {
        proxy_pass http://%s;
    }
}`, nginxtest.Refusing(t))})
	for range 3 {
		if status, _, err := n.Get("/"); err != nil || status != 502 {
			t.Fatalf("before: status %d, err %v; want 502", status, err)
		}
	}
	conf, err := os.ReadFile(n.Conf)
	if err != nil {
		t.Fatal(err)
	}
	fixed := strings.Replace(string(conf), "proxy_pass http://127.0.0.1:", "proxy_pass http://"+nginxtest.Healthy(t)+"; #", 1)
	if err := os.WriteFile(n.Conf, []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	kase, err := steps.Discover(ctx, steps.Options{Binary: n.Binary, Conf: n.Conf, Prefix: n.Prefix, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}

	m := newModel(ctx, kase, nil, nil)
	m = settle(t, m, m.Init())
	if !m.decided || !m.steps[restartIdx].has {
		t.Fatalf("wizard did not finish: decided %v\n%s", m.decided, screen(m))
	}
	checkFits(t, m.View().Content, 80, 24)
	if os.Getenv("UI_DUMP") != "" {
		for i := range 5 {
			m.sel = i
			m.refresh()
			t.Log("\n" + screen(m))
		}
	}
	if up := m.steps[1].out; up.Status != steps.Fail {
		t.Fatalf("upstream step %s (%s): nginx still answers 502", up.Status, up.Summary)
	}
	m, _ = press(t, m, "r")
	for range len(m.confirm.actions) {
		if m.confirm.current().Label == "reload nginx" {
			break
		}
		m, _ = press(t, m, "tab")
	}
	a := m.confirm.current()
	if a.Label != "reload nginx" || a.Blocked != "" {
		t.Fatalf("no runnable reload action: %+v\n%s", m.confirm.actions, screen(m))
	}
	if !strings.Contains(screen(m), quoteArgv(a.Argv)[:20]) {
		t.Errorf("dialog does not show the argv %v:\n%s", a.Argv, screen(m))
	}
	if status, _, _ := n.Get("/"); status != 502 {
		t.Fatal("something reloaded nginx before y")
	}
	m, cmd := press(t, m, "y")
	m = settle(t, m, cmd)
	m, _ = send(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	if s := screen(m); !strings.Contains(s, "✓ the 502 is gone") {
		t.Fatalf("after the reload the wizard does not say the 502 is gone:\n%s", s)
	}
	if status, _, err := n.Get("/"); err != nil || status != 200 {
		t.Fatalf("after: status %d, err %v; want 200", status, err)
	}
}
