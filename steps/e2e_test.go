package steps_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"ngx502/probes/nginxtest"
	"ngx502/steps"
)

// site is an nginx server on the test port proxying every request with
// pass (e.g. "proxy_pass http://127.0.0.1:9"), plus extra location lines.
func site(pass, extra string) string {
	return fmt.Sprintf(`server {
    listen 127.0.0.1:{{.Port}};
    server_name shop.test;
    location / {
        %s;
        %s
    }
}`, pass, extra)
}

// triage starts nginx with httpBlock, sends requests through it so nginx
// writes its own error lines, then runs the whole triage on that nginx.
func triage(t *testing.T, httpBlock string, wantStatus int) steps.Report {
	t.Helper()
	n := nginxtest.Start(t, nginxtest.Options{HTTP: httpBlock})
	for range 3 {
		status, _, err := n.Get("/")
		if err != nil {
			t.Fatalf("GET through nginx: %v", err)
		}
		if status != wantStatus {
			t.Fatalf("nginx answered %d, want %d; error log:\n%s", status, wantStatus, n.ErrorLogText())
		}
	}
	rep, _ := runOn(t, n)
	return rep
}

// runOn runs the whole triage on a test nginx, as `ngx502 --nginx --conf
// --prefix` would, and returns the report and the case it inspected.
func runOn(t *testing.T, n *nginxtest.Nginx) (steps.Report, *steps.Case) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	kase, err := steps.Discover(ctx, steps.Options{
		Binary: n.Binary, Conf: n.Conf, Prefix: n.Prefix, Timeout: 2 * time.Second,
	})
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	return steps.RunAll(ctx, kase), kase
}

func assertVerdict(t *testing.T, rep steps.Report, want steps.CauseID) {
	t.Helper()
	if rep.Verdict.Cause != want {
		var b strings.Builder
		for _, o := range rep.Outcomes {
			fmt.Fprintf(&b, "  %s %s: %s\n", o.Step, o.Status, o.Summary)
			for _, f := range o.Findings {
				fmt.Fprintf(&b, "    finding %s %s w=%d %v\n", f.Cause, f.Subject, f.Weight, f.Evidence)
			}
			for _, c := range o.Checks {
				fmt.Fprintf(&b, "    check %s %s: %s\n", c.Status, c.Name, c.Result)
			}
		}
		t.Fatalf("verdict %s (%s), want %s\n%s", rep.Verdict.Cause, rep.Verdict.Title, want, b.String())
	}
	if len(rep.Verdict.Evidence) == 0 || rep.Verdict.Fix == "" {
		t.Errorf("verdict %s has no evidence or fix: %+v", want, rep.Verdict)
	}
}

func TestE2EHealthy(t *testing.T) {
	t.Parallel()
	rep := triage(t, site("proxy_pass http://"+nginxtest.Healthy(t), ""), 200)
	assertVerdict(t, rep, steps.CauseHealthy)
	o, _ := rep.Outcome(steps.Config)
	if o.Status != steps.Pass {
		t.Errorf("config step %s: %s", o.Status, o.Summary)
	}
}

func TestE2ERefused(t *testing.T) {
	t.Parallel()
	addr := nginxtest.Refusing(t)
	rep := triage(t, site("proxy_pass http://"+addr, ""), 502)
	assertVerdict(t, rep, steps.CauseRefused)
	if rep.Verdict.Subject != addr {
		t.Errorf("verdict subject %q, want %q", rep.Verdict.Subject, addr)
	}
	if !strings.Contains(rep.Verdict.Fix, "start the service that should listen on "+addr) {
		t.Errorf("fix %q does not say to start the service on %s", rep.Verdict.Fix, addr)
	}
}

func TestE2ETimeout(t *testing.T) {
	t.Parallel()
	rep := triage(t, site("proxy_pass http://"+nginxtest.Hanging(t), "proxy_read_timeout 1s;"), 504)
	assertVerdict(t, rep, steps.CauseTimeout)
	if !strings.Contains(rep.Verdict.Fix, "after proxy_read_timeout (1s at ") {
		t.Errorf("fix %q should name the effective proxy_read_timeout and its file:line", rep.Verdict.Fix)
	}
}

func TestE2EClosed(t *testing.T) {
	t.Parallel()
	rep := triage(t, site("proxy_pass http://"+nginxtest.ClosingAfterRequest(t), ""), 502)
	assertVerdict(t, rep, steps.CauseClosed)
}

func TestE2EHeaderTooBig(t *testing.T) {
	t.Parallel()
	rep := triage(t, site("proxy_pass http://"+nginxtest.HugeHeader(t, 64<<10), ""), 502)
	assertVerdict(t, rep, steps.CauseHeaderTooBig)
	if !strings.Contains(rep.Verdict.Fix, "proxy_buffer_size 128k;") || !strings.Contains(rep.Verdict.Fix, "location / (") {
		t.Errorf("fix %q should size proxy_buffer_size for the 64 KiB header and name the location", rep.Verdict.Fix)
	}
}

func TestE2ESocketMissing(t *testing.T) {
	t.Parallel()
	path := nginxtest.MissingSocket(t)
	rep := triage(t, site("proxy_pass http://unix:"+path+":", ""), 502)
	assertVerdict(t, rep, steps.CauseSocketMissing)
	if rep.Verdict.Subject != "unix:"+path {
		t.Errorf("verdict subject %q, want unix:%s", rep.Verdict.Subject, path)
	}
}

func TestE2EReset(t *testing.T) {
	t.Parallel()
	rep := triage(t, site("proxy_pass http://"+nginxtest.Resetting(t), ""), 502)
	assertVerdict(t, rep, steps.CauseReset)
}

// A socket only root may write: the workers (nobody) are refused, while
// the probe, running as root, gets through — the log and the config check
// must still name the permission problem.
func TestE2ESocketPermission(t *testing.T) {
	t.Parallel()
	path := nginxtest.UnixHealthy(t, 0o600)
	rep := triage(t, site("proxy_pass http://unix:"+path+":", ""), 502)
	assertVerdict(t, rep, steps.CauseSocketPerm)
	if !strings.Contains(rep.Verdict.Fix, "nobody") {
		t.Errorf("fix %q should name the worker user nobody", rep.Verdict.Fix)
	}
}
