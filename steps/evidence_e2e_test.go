package steps_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"ngx502/probes/nginxtest"
	"ngx502/steps"
)

// getN sends n requests through nginx and counts the answers by status.
func getN(t *testing.T, n *nginxtest.Nginx, path string, count int) map[int]int {
	t.Helper()
	got := map[int]int{}
	for range count {
		status, _, err := n.Get(path)
		if err != nil {
			t.Fatalf("GET %s through nginx: %v", path, err)
		}
		got[status]++
	}
	return got
}

func assertVerdictOf(t *testing.T, rep steps.Report, cause steps.CauseID, subject string, conf steps.Confidence) {
	t.Helper()
	assertVerdict(t, rep, cause)
	v := rep.Verdict
	if v.Subject != subject || v.Confidence != conf {
		t.Errorf("verdict %s %q %s (rule %q), want subject %q confidence %s", v.Cause, v.Subject, v.Confidence, v.Rule, subject, conf)
	}
}

func hasRunnerUp(rep steps.Report, cause steps.CauseID, role string) bool {
	for _, ru := range rep.Verdict.RunnerUps {
		if ru.Cause == cause && ru.Role == role {
			return true
		}
	}
	return false
}

// A backend that closes every third connection without answering: nginx
// logs "upstream prematurely closed connection" while a single probe
// passes. That is an intermittent failure, never healthy.
func TestE2EIntermittentClose(t *testing.T) {
	t.Parallel()
	addr := nginxtest.Flaky(t, 3)
	n := nginxtest.Start(t, nginxtest.Options{HTTP: site("proxy_pass http://"+addr, "")})
	if got := getN(t, n, "/", 9); got[502] != 3 || got[200] != 6 {
		t.Fatalf("answers %v, want 3×502 and 6×200", got)
	}
	rep, _ := runOn(t, n)
	assertVerdictOf(t, rep, steps.CauseClosed, addr, steps.Medium)
	if !rep.Verdict.Intermittent || !strings.HasPrefix(rep.Verdict.Title, "intermittent") {
		t.Errorf("verdict %q not marked intermittent", rep.Verdict.Title)
	}
}

// A dead backup behind a healthy primary: every client gets 200. Healthy,
// with the backup as a warning — not upstream-refused.
func TestE2EDeadBackupIsAWarning(t *testing.T) {
	t.Parallel()
	primary, backup := nginxtest.Healthy(t), nginxtest.Refusing(t)
	n := nginxtest.Start(t, nginxtest.Options{HTTP: fmt.Sprintf(`upstream app {
    server %s;
    server %s backup;
}
%s`, primary, backup, site("proxy_pass http://app", ""))})
	if got := getN(t, n, "/", 3); got[200] != 3 {
		t.Fatalf("answers %v, want 3×200", got)
	}
	rep, _ := runOn(t, n)
	assertVerdictOf(t, rep, steps.CauseHealthy, "", steps.High)
	if !hasRunnerUp(rep, steps.CauseRefused, "warning") {
		t.Errorf("the dead backup must show as a warning: %+v", rep.Verdict.RunnerUps)
	}
}

// php-fpm "Primary script unknown" only (404s, no 502 at all): healthy,
// with the FastCGI error as a note.
func TestE2EPrimaryScriptUnknownIsANote(t *testing.T) {
	t.Parallel()
	f := nginxtest.PHPFPM(t, nginxtest.PHPOptions{})
	n := nginxtest.Start(t, nginxtest.Options{HTTP: phpSite(f)})
	if got := getN(t, n, "/missing.php", 3); got[404] != 3 {
		t.Fatalf("answers %v, want 3×404", got)
	}
	if !strings.Contains(n.ErrorLogText(), "Primary script unknown") {
		t.Fatalf("nginx did not log Primary script unknown:\n%s", n.ErrorLogText())
	}
	rep, _ := runOn(t, n)
	assertVerdictOf(t, rep, steps.CauseHealthy, "", steps.High)
	if !hasRunnerUp(rep, steps.CauseFastCGI, "note") {
		t.Errorf("Primary script unknown must show as a note: %+v", rep.Verdict.RunnerUps)
	}
}

// A typo on disk plus a stale running config: reloading would fail, so the
// broken config comes first, not "reload nginx".
func TestE2ETypoAndStaleConfig(t *testing.T) {
	t.Parallel()
	refusing := nginxtest.Refusing(t)
	n := nginxtest.Start(t, nginxtest.Options{HTTP: site("proxy_pass http://"+refusing, "")})
	if got := getN(t, n, "/", 3); got[502] != 3 {
		t.Fatalf("answers %v, want 3×502", got)
	}
	conf, err := os.ReadFile(n.Conf)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the edit comes after nginx loaded its config
	edited := strings.Replace(string(conf), "proxy_pass http://"+refusing, "proxy_pass http://"+nginxtest.Healthy(t)+";\n        no_such_directive on", 1)
	if err := os.WriteFile(n.Conf, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, _ := runOn(t, n)
	assertVerdictOf(t, rep, steps.CauseConfigInvalid, "", steps.High)
	if !hasRunnerUp(rep, steps.CauseConfigStale, "cause") {
		t.Errorf("the stale running config must be the runner-up: %+v", rep.Verdict.RunnerUps)
	}
}

// server localhost:PORT: nginx logs 127.0.0.1:PORT, the network step
// connects to 127.0.0.1:PORT — one backend, one finding, one subject.
func TestE2ELocalhostIsOneSubject(t *testing.T) {
	t.Parallel()
	addr := nginxtest.Refusing(t)
	port := addr[strings.LastIndex(addr, ":")+1:]
	n := nginxtest.Start(t, nginxtest.Options{HTTP: fmt.Sprintf(`upstream app { server localhost:%s; }
%s`, port, site("proxy_pass http://app", ""))})
	if got := getN(t, n, "/", 3); got[502] != 3 {
		t.Fatalf("answers %v, want 3×502", got)
	}
	rep, _ := runOn(t, n)
	want := "localhost:" + port
	assertVerdictOf(t, rep, steps.CauseRefused, want, steps.High)
	for _, o := range rep.Outcomes {
		for _, f := range o.Findings {
			if f.Cause == steps.CauseRefused && f.Subject != want {
				t.Errorf("step %s: refused finding under %q, want every one under %q", o.Step, f.Subject, want)
			}
			for _, e := range f.Evidence {
				if strings.Contains(e, "not in the config on disk") {
					t.Errorf("step %s: %q — localhost:%s is in the config", o.Step, e, port)
				}
			}
		}
	}
}

// The application itself answers 502 on one path, nothing in the error
// log: the access log's $upstream_status and $upstream_header_time tell
// it is the app's own answer (upstream-status), not healthy.
func TestE2EAppOwn502OnOnePath(t *testing.T) {
	t.Parallel()
	app502, healthy := nginxtest.Status(t, 502), nginxtest.Healthy(t)
	n := nginxtest.Start(t, nginxtest.Options{HTTP: fmt.Sprintf(`log_format up '$remote_addr [$time_local] "$request" $status us=$upstream_status ua=$upstream_addr uht=$upstream_header_time "$http_user_agent"';
server {
    listen 127.0.0.1:{{.Port}};
    server_name shop.test;
    access_log {{.Prefix}}/logs/up.log up;
    location /api/ { proxy_pass http://%s; }
    location / { proxy_pass http://%s; }
}`, app502, healthy)})
	if got := getN(t, n, "/api/items", 4); got[502] != 4 {
		t.Fatalf("answers %v, want 4×502 from the app", got)
	}
	if got := getN(t, n, "/", 4); got[200] != 4 {
		t.Fatalf("answers %v, want 4×200", got)
	}
	if strings.Contains(n.ErrorLogText(), "upstream") {
		t.Fatalf("nginx logged an upstream error; the test wants the app's own 502:\n%s", n.ErrorLogText())
	}
	rep, _ := runOn(t, n)
	assertVerdictOf(t, rep, steps.CauseUpstreamStatus, app502, steps.High)
	if ev := strings.Join(rep.Verdict.Evidence, "\n"); !strings.Contains(ev, "the application itself answers 502 for GET /api/items") {
		t.Errorf("evidence does not name the app's own 502 on /api/items:\n%s", ev)
	}
}

// Two runs in a row see the same history: ngx502's own requests through
// nginx carry its marker and neither log reader counts them.
func TestE2ETwoRunsSameCounts(t *testing.T) {
	t.Parallel()
	n := nginxtest.Start(t, nginxtest.Options{HTTP: site("proxy_pass http://"+nginxtest.Refusing(t), "")})
	if got := getN(t, n, "/", 3); got[502] != 3 {
		t.Fatalf("answers %v, want 3×502", got)
	}
	counts := func() string {
		rep, _ := runOn(t, n)
		o, _ := rep.Outcome(steps.Logs)
		var b strings.Builder
		for _, f := range o.Findings {
			fmt.Fprintf(&b, "%s %s %d; ", f.Cause, f.Subject, f.Count)
		}
		return o.Summary + " | " + b.String()
	}
	first, second := counts(), counts()
	if first != second {
		t.Errorf("the second run counts differently:\n first  %s\n second %s", first, second)
	}
	if !strings.Contains(first, "3 upstream errors") {
		t.Errorf("first run: %s, want the 3 real requests counted", first)
	}
	if !strings.Contains(n.ErrorLogText(), "ngx502-probe=") {
		t.Errorf("ngx502's own request through nginx is not in nginx's log with its marker:\n%s", n.ErrorLogText())
	}
}
