package steps_test

import (
	"io"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"ngx502/probes/nginxtest"
	"ngx502/steps"
)

// The admin fixed the upstream address in the config but never reloaded:
// nginx still answers 502. Step 5 proposes the reload, runs it after
// nginx -t passes, and the re-probe through nginx proves the 502 is gone.
func TestE2EReloadFixes502(t *testing.T) {
	t.Parallel()
	n := nginxtest.Start(t, nginxtest.Options{HTTP: site("proxy_pass http://"+nginxtest.Refusing(t), "")})
	if status, _, err := n.Get("/"); err != nil || status != 502 {
		t.Fatalf("before: status %d, err %v; want 502", status, err)
	}
	conf, err := os.ReadFile(n.Conf)
	if err != nil {
		t.Fatal(err)
	}
	// The edit comes clearly after nginx loaded its config (process
	// start times have clock-tick precision).
	time.Sleep(300 * time.Millisecond)
	healthy := nginxtest.Healthy(t)
	fixed := strings.Replace(string(conf), "proxy_pass http://127.0.0.1:", "proxy_pass http://"+healthy+"; #", 1)
	if err := os.WriteFile(n.Conf, []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}

	rep, kase := runOn(t, n)
	ctx := t.Context()
	assertVerdict(t, rep, steps.CauseConfigStale)
	up, _ := rep.Outcome(steps.Upstream)
	if up.Status != steps.Fail {
		t.Fatalf("upstream step %s (%s): nginx still answers 502 and the step must say so", up.Status, up.Summary)
	}
	plan, _ := rep.Outcome(steps.Restart)
	if len(plan.Actions) == 0 || plan.Actions[0].Label != "reload nginx" {
		t.Fatalf("a stale config is cured by a reload, so it must come first: %+v", plan.Actions)
	}
	reload := findAction(t, plan, "reload nginx")
	if reload.Blocked != "" || !reload.Gated {
		t.Fatalf("reload action %+v: want gated and not blocked", reload)
	}
	ex := steps.Execute(ctx, kase, reload)
	if !ex.Ran || ex.ExitCode != 0 {
		t.Fatalf("reload did not run: %+v", ex)
	}
	if !ex.Fixed {
		t.Fatalf("after reload the 502 should be gone: %s\n%+v", ex.Summary, ex.After.Checks)
	}
	if status, _, err := n.Get("/"); err != nil || status != 200 {
		t.Fatalf("after: status %d, err %v; want 200", status, err)
	}
}

// A broken config blocks the reload in the plan and again at execution,
// and nginx keeps running untouched.
func TestE2EReloadRefusedWhenConfigBroken(t *testing.T) {
	t.Parallel()
	n := nginxtest.Start(t, nginxtest.Options{HTTP: site("proxy_pass http://"+nginxtest.Healthy(t), "")})
	conf, err := os.ReadFile(n.Conf)
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(conf), "server_name shop.test;", "server_name shop.test;\n    no_such_directive on;", 1)
	if err := os.WriteFile(n.Conf, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, kase := runOn(t, n)
	ctx := t.Context()
	assertVerdict(t, rep, steps.CauseConfigInvalid)
	plan, _ := rep.Outcome(steps.Restart)
	reload := findAction(t, plan, "reload nginx")
	if reload.Blocked == "" {
		t.Fatalf("reload must be blocked while nginx -t fails: %+v", reload)
	}
	ex := steps.Execute(ctx, kase, reload)
	if ex.Ran {
		t.Fatalf("Execute ran a reload although nginx -t fails: %+v", ex)
	}
	if err := syscall.Kill(n.PID, 0); err != nil {
		t.Fatalf("nginx master %d is gone: %v", n.PID, err)
	}
	if !strings.Contains(ex.Gate.Result, "no_such_directive") {
		t.Errorf("gate result %q does not name the bad directive", ex.Gate.Result)
	}
}

func findAction(t *testing.T, o steps.Outcome, label string) steps.Action {
	t.Helper()
	for _, a := range o.Actions {
		if a.Label == label {
			return a
		}
	}
	t.Fatalf("restart plan has no %q action: %+v (summary %s)", label, o.Actions, o.Summary)
	return steps.Action{}
}

// The backend was down, came back, and nginx was reloaded since: the old
// refusals stay in the log, but they are history and the verdict is
// healthy, with the log step saying so.
func TestE2EPastErrorsAfterReloadAreHistory(t *testing.T) {
	t.Parallel()
	port := nginxtest.Reserve(t)
	n := nginxtest.Start(t, nginxtest.Options{HTTP: site("proxy_pass http://"+port.Addr, "")})
	if status, _, err := n.Get("/"); err != nil || status != 502 {
		t.Fatalf("before: %d %v", status, err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "back\n") })}
	go srv.Serve(port.Listen(t))
	t.Cleanup(func() { srv.Close() })
	time.Sleep(1100 * time.Millisecond) // log times have 1 s precision
	if err := n.Reload(); err != nil {
		t.Fatal(err)
	}
	if status, _, err := n.Get("/"); err != nil || status != 200 {
		t.Fatalf("after: %d %v", status, err)
	}
	rep, _ := runOn(t, n)
	assertVerdict(t, rep, steps.CauseHealthy)
	logs, _ := rep.Outcome(steps.Logs)
	if logs.Status != steps.Warn || !strings.Contains(logs.Summary, "none since nginx last loaded its config") {
		t.Errorf("logs step %s: %q; want a warning that the errors are from before the reload", logs.Status, logs.Summary)
	}
}

// A reload that fails (here: the pid file is gone, so nginx -s reload
// cannot find the master) is reported with the restart that would be the
// next step — named, not run: nginx keeps running untouched.
func TestE2EFailedReloadNamesTheRestart(t *testing.T) {
	t.Parallel()
	n := nginxtest.Start(t, nginxtest.Options{HTTP: site("proxy_pass http://"+nginxtest.Healthy(t), "")})
	rep, kase := runOn(t, n)
	reload := findAction(t, mustOutcome(t, rep, steps.Restart), "reload nginx")
	if err := os.Remove(n.PIDFile); err != nil {
		t.Fatal(err)
	}
	ex := steps.Execute(t.Context(), kase, reload)
	if !ex.Ran || ex.ExitCode == 0 || ex.Fixed {
		t.Fatalf("the reload should have failed: %+v", ex)
	}
	want := "restart nginx: " + n.Binary + " -s quit -p " + n.Prefix + "/ -c " + n.Conf + ", then "
	if !strings.Contains(ex.Summary, want) {
		t.Errorf("summary %q\nwant it to name %q", ex.Summary, want)
	}
	if err := syscall.Kill(n.PID, 0); err != nil {
		t.Fatalf("nginx master %d is gone: a failed reload must not stop it: %v", n.PID, err)
	}
}

func mustOutcome(t *testing.T, rep steps.Report, s steps.ID) steps.Outcome {
	t.Helper()
	o, ok := rep.Outcome(s)
	if !ok {
		t.Fatalf("no outcome for step %v", s)
	}
	return o
}
