package steps_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
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
	rep, _ := triageGet(t, httpBlock, "/", wantStatus)
	return rep
}

// triageGet is triage with the requests sent to path; it also returns the
// body of the last answer.
func triageGet(t *testing.T, httpBlock, path string, wantStatus int) (rep steps.Report, body string) {
	t.Helper()
	n := nginxtest.Start(t, nginxtest.Options{HTTP: httpBlock})
	for range 3 {
		status, b, err := n.Get(path)
		if err != nil {
			t.Fatalf("GET through nginx: %v", err)
		}
		if status != wantStatus {
			t.Fatalf("nginx answered %d, want %d; error log:\n%s", status, wantStatus, n.ErrorLogText())
		}
		body = b
	}
	rep, _ = runOn(t, n)
	return rep, body
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
				fmt.Fprintf(&b, "    finding %s %s %s current=%v %v\n", f.Cause, f.Subject, f.Kind, f.Current, f.Evidence)
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
	if !strings.Contains(rep.Verdict.Fix, "proxy_read_timeout 1s at ") {
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
	// The probe runs as root and gets through; that must not read as a
	// config nginx has not loaded.
	for _, o := range rep.Verdict.RunnerUps {
		if o.Cause == steps.CauseConfigStale {
			t.Errorf("runner-up %s: the worker's permission explains the 502, not a stale config", o.Cause)
		}
	}
}

// phpSite passes every request to php-fpm's socket, as a Debian site does.
func phpSite(f *nginxtest.FPM) string {
	return site("fastcgi_pass unix:"+f.Socket, "root "+f.Root+";\n"+
		"        include /etc/nginx/fastcgi_params;\n"+
		"        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;")
}

func TestE2EPHPHealthy(t *testing.T) {
	t.Parallel()
	f := nginxtest.PHPFPM(t, nginxtest.PHPOptions{})
	rep, body := triageGet(t, phpSite(f), "/index.php", 200)
	if body != "php ok" {
		t.Errorf("GET /index.php body %q, want php-fpm's \"php ok\"", body)
	}
	assertVerdict(t, rep, steps.CauseHealthy)
	o, _ := rep.Outcome(steps.Upstream)
	found := false
	for _, c := range o.Checks {
		if strings.HasPrefix(c.Name, "FastCGI unix:") {
			found = true
			if c.Status != steps.Pass {
				t.Errorf("check %s: %s %s", c.Name, c.Status, c.Result)
			}
		}
	}
	if !found {
		t.Errorf("upstream step has no FastCGI unix: check: %+v", o.Checks)
	}
}

func TestE2EPHPDown(t *testing.T) {
	t.Parallel()
	f := nginxtest.PHPFPM(t, nginxtest.PHPOptions{})
	if err := f.Stop(); err != nil {
		t.Fatal(err)
	}
	// Verified with php-fpm 8.2: a graceful stop unlinks the socket, so nginx logs
	// "(2: No such file or directory)" and the verdict is socket-missing, not
	// upstream-refused (which a stale socket left by a crash would give).
	if _, err := os.Stat(f.Socket); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("socket after php-fpm stopped: %v, want it removed", err)
	}
	rep, _ := triageGet(t, phpSite(f), "/index.php", 502)
	assertVerdict(t, rep, steps.CauseSocketMissing)
	if rep.Verdict.Subject != "unix:"+f.Socket {
		t.Errorf("verdict subject %q, want unix:%s", rep.Verdict.Subject, f.Socket)
	}
}

// php-fpm's default socket owner is the pool user (root); with 0660 the
// workers (nobody) are refused while the probe, running as root, gets in.
func TestE2EPHPSocketPermission(t *testing.T) {
	t.Parallel()
	f := nginxtest.PHPFPM(t, nginxtest.PHPOptions{Mode: 0o660})
	rep, _ := triageGet(t, phpSite(f), "/index.php", 502)
	assertVerdict(t, rep, steps.CauseSocketPerm)
	if rep.Verdict.Subject != "unix:"+f.Socket {
		t.Errorf("verdict subject %q, want unix:%s", rep.Verdict.Subject, f.Socket)
	}
	if !strings.Contains(rep.Verdict.Fix, "listen.owner = nobody") {
		t.Errorf("fix %q should give the socket to the worker user nobody", rep.Verdict.Fix)
	}
}
