package steps_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"ngx502/probes/nginxtest"
	"ngx502/steps"
)

// A backend that needs 2 s behind proxy_read_timeout 1s: nginx answers
// 504. The probe waits as long as nginx does, not --timeout, so it times
// out too — and it asks the location's path with nginx's Host.
func TestE2EProbeWaitsAsLongAsNginx(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen struct{ path, host string }
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.UserAgent() == "ngx502-probe" {
			mu.Lock()
			seen.path, seen.host = r.URL.Path, r.Host
			mu.Unlock()
		}
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
		_, _ = w.Write([]byte("late\n"))
	}))
	t.Cleanup(slow.Close)
	addr := strings.TrimPrefix(slow.URL, "http://")
	n := nginxtest.Start(t, nginxtest.Options{HTTP: `server {
    listen 127.0.0.1:{{.Port}};
    server_name shop.test;
    location /api/ { proxy_pass http://` + addr + `; proxy_read_timeout 1s; }
}`})
	if got := getN(t, n, "/api/", 2); got[504] != 2 {
		t.Fatalf("answers %v, want 2×504", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	kase, err := steps.Discover(ctx, steps.Options{Binary: n.Binary, Conf: n.Conf, Prefix: n.Prefix, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	up := steps.RunStep(ctx, kase, steps.Upstream, nil)
	var probe steps.Check
	for _, ch := range up.Checks {
		if strings.HasPrefix(ch.Name, "GET ") {
			probe = ch
		}
	}
	if probe.Status != steps.Fail || !strings.Contains(probe.Result, "1s") {
		t.Errorf("probe %s %q: want it to time out after nginx's 1s", probe.Status, probe.Result)
	}
	mu.Lock()
	path, host := seen.path, seen.host
	mu.Unlock()
	if path != "/api/" || host != addr {
		t.Errorf("the probe asked %q with Host %q, want /api/ with Host %s", path, host, addr)
	}
	// The probe measures on past nginx's limit (to --timeout), so the fix
	// can say how long the backend really needs.
	if !strings.Contains(probe.Result, "first byte after 2.") || !strings.Contains(probe.Result, "> proxy_read_timeout 1s at ") {
		t.Errorf("probe %q: want the measured 2 s against proxy_read_timeout 1s at its file:line", probe.Result)
	}
	for _, want := range []string{"--http1.0", "-m 5 ", "/api/", "-H 'Host: " + addr + "'"} {
		if !strings.Contains(probe.Command, want) {
			t.Errorf("curl line %q: want %s", probe.Command, want)
		}
	}
	rep := steps.RunAll(ctx, kase)
	assertVerdictOf(t, rep, steps.CauseTimeout, addr, steps.High)
	if !strings.Contains(rep.Verdict.Fix, "raise proxy_read_timeout to at least 3s at ") {
		t.Errorf("fix %q: want it to say how much time the backend needs", rep.Verdict.Fix)
	}
}
