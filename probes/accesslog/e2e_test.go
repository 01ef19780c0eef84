package accesslog

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"ngx502/probes/nginxtest"
)

// get sends GET path to addr with Host test.local and User-Agent agent.
func get(t *testing.T, addr, path, agent string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "test.local"
	req.Header.Set("User-Agent", agent)
	tr := &http.Transport{DisableKeepAlives: true, Proxy: nil}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode
}

// waitLines waits until path holds n lines: nginx logs a request after
// the response went out, so the client may be a little ahead.
func waitLines(t *testing.T, path string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(path)
		if strings.Count(string(b), "\n") >= n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	b, _ := os.ReadFile(path)
	t.Fatalf("%s has not %d lines after 10 s:\n%s", path, n, b)
}

// TestSummarizeRealNginx: a real nginx logs with SuggestedFormat; the
// application's own 502 and nginx's 502 for a refused connect fall in
// different groups, a retry on the next server is counted against the
// failed one, and ngx502's marked requests are not counted.
func TestSummarizeRealNginx(t *testing.T) {
	app := nginxtest.Status(t, http.StatusBadGateway)
	refused := nginxtest.Refusing(t)
	healthy := nginxtest.Healthy(t)
	n := nginxtest.Start(t, nginxtest.Options{HTTP: fmt.Sprintf(`
log_format ngx502 '%s';
upstream pair { server %s; server %s; }
server {
    listen 127.0.0.1:{{.Port}};
    access_log {{.Prefix}}/logs/app.log ngx502;
    location /app/ { proxy_pass http://%s; }
    location /refused/ { proxy_pass http://%s; }
    location /ok/ { proxy_pass http://%s; }
    location /pair/ { proxy_pass http://pair; }
}`, SuggestedFormat, refused, healthy, app, refused, healthy)})
	logPath := n.Prefix + "/logs/app.log"

	for _, c := range []struct {
		path, agent string
		want        int
	}{
		{"/app/1", "curl/8", 502},
		{"/app/2", "curl/8", 502},
		{"/app/3", "curl/8", 502},
		{"/refused/1", "curl/8", 502},
		{"/refused/2", "curl/8", 502},
		{"/ok/1", "curl/8", 200},
		{"/pair/1", "curl/8", 200}, // round robin starts with the refused server, then retries
		{"/app/?ngx502-probe=x", "curl/8", 502},
		{"/refused/3", "ngx502-probe/test-run", 502},
	} {
		if got := get(t, n.Addr, c.path, c.agent); got != c.want {
			t.Fatalf("GET %s = %d, want %d\n%s", c.path, got, c.want, n.ErrorLogText())
		}
	}
	waitLines(t, logPath, 9)

	s := Summarize(context.Background(), []string{logPath}, mustFormat(t, SuggestedFormat), time.Now().Add(-time.Hour), time.Minute)
	if len(s.Files) != 1 || !s.Files[0].Read {
		t.Fatalf("files = %+v", s.Files)
	}
	if s.Bad != 0 {
		t.Fatalf("%d bad lines, e.g. %q", s.Bad, s.BadSample)
	}
	eq(t, s.Requests, 7)
	eq(t, s.Own, 2)
	eq(t, s.Classes[2], 2)
	eq(t, s.Classes[5], 5)
	eq(t, s.RecentRequests, 7)
	groups := map[string]Group{}
	for _, g := range s.Groups {
		groups[g.Addr] = g
	}
	eq(t, len(s.Groups), 2)
	ownG, nginxG := groups[app], groups[refused]
	eq(t, [4]any{ownG.Count, ownG.Status, ownG.UpstreamStatus, ownG.AppOwn}, [4]any{3, 502, 502, true})
	eq(t, ownG.Origin, OriginApp)
	eq(t, ownG.Sample.Host, "test.local")
	eq(t, ownG.Sample.URI, "/app/3")
	eq(t, [4]any{nginxG.Count, nginxG.Status, nginxG.UpstreamStatus, nginxG.AppOwn}, [4]any{2, 502, 502, false})
	eq(t, nginxG.Origin, OriginNginx)

	ups := map[string]Upstream{}
	for _, u := range s.Upstreams {
		ups[u.Addr] = u
	}
	r := ups[refused]
	eq(t, [3]int{r.Requests, r.Failed, r.Retried}, [3]int{3, 3, 1})
	h := ups[healthy]
	eq(t, [3]int{h.Requests, h.Failed, h.Retried}, [3]int{2, 0, 0})
	a := ups[app]
	eq(t, [3]int{a.Requests, a.Failed, a.Retried}, [3]int{3, 3, 0})
}
