package steps_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ngx502/steps"
)

// TestLogsManyPeersBounded: 200,000 distinct peers in the error log (any
// client can make them behind proxy_pass http://$host) give a handful of
// findings, not 200,000, and the real failing upstream leads.
func TestLogsManyPeersBounded(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	logPath := filepath.Join(dir, "error.log")
	f, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	start := time.Now().Add(-50 * time.Minute)
	const peers, real = 200_000, 2_000
	for i := range peers + real {
		at := start.Add(time.Duration(i) * 10 * time.Millisecond).Format("2006/01/02 15:04:05")
		peer := fmt.Sprintf("10.%d.%d.%d:80", i>>16&255, i>>8&255, i&255)
		if i%(peers/real) == 0 {
			peer = "127.0.0.1:8080"
		}
		fmt.Fprintf(w, `%s [error] 7#7: *%d connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: _, request: "GET / HTTP/1.1", upstream: "http://%s/", host: "h%d.example"`+"\n", at, i, peer, i)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, []byte("events {}\nhttp { server { listen 127.0.0.1:9; location / { proxy_pass http://$host; } } }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	kase, err := steps.Discover(ctx, steps.Options{Conf: conf, ErrorLog: []string{logPath}, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	o := steps.RunStep(ctx, kase, steps.Logs, nil)
	if len(o.Findings) > 12 || len(o.Checks) > 61 {
		t.Errorf("%d findings, %d checks: not bounded", len(o.Findings), len(o.Checks))
	}
	if len(o.Findings) == 0 || o.Findings[0].Subject != "127.0.0.1:8080" {
		t.Fatalf("the repeating real peer must lead: %+v", o.Findings)
	}
	js, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	if len(js) > 64<<10 {
		t.Errorf("the step's JSON is %d bytes: not bounded", len(js))
	}
	t.Logf("%d findings, %d checks, %d bytes of JSON; first: %s", len(o.Findings), len(o.Checks), len(js), o.Findings[0].Evidence[0])
}
