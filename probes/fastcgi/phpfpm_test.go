package fastcgi

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ngx502/probes/nginxtest"
)

func TestPHPFPM(t *testing.T) {
	f := nginxtest.PHPFPM(t, nginxtest.PHPOptions{})
	hello := f.Script(t, "hello.php", `<?php header("X-Probe: yes"); echo "php ok ", $_SERVER["REQUEST_URI"];`)
	down := f.Script(t, "down.php", `<?php http_response_code(503); echo "down";`)
	fatal := f.Script(t, "fatal.php", `<?php no_such_function();`)

	cases := []struct {
		name, script, uri string
		status            int
		stdout, stderr    string
		explain           string
	}{
		{"hello", hello, "/hello.php?x=1", 200, "php ok /hello.php?x=1", "", "answered 200 OK"},
		{"missing", filepath.Join(f.Root, "nope.php"), "/nope.php", 404, "File not found.", "Primary script unknown", "cannot open SCRIPT_FILENAME"},
		{"status", down, "/down.php", 503, "down", "", "answered 503 Service Unavailable"},
		{"fatal", fatal, "/fatal.php", 500, "", "PHP message: PHP Fatal error:  Uncaught Error: Call to undefined function no_such_function()", "answered 500 Internal Server Error"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := probe(t, Request{Network: "unix", Address: f.Socket, ScriptFilename: c.script, RequestURI: c.uri}, 5*time.Second)
			if r.Err != nil || r.Status != c.status {
				t.Fatalf("status %d err %v stderr %q", r.Status, r.Err, r.Stderr)
			}
			if !strings.Contains(string(r.Stdout), c.stdout) || !strings.Contains(r.Stderr, c.stderr) {
				t.Errorf("stdout %q stderr %q, want %q and %q", r.Stdout, r.Stderr, c.stdout, c.stderr)
			}
			if !strings.Contains(Explain(r), c.explain) {
				t.Errorf("Explain = %q, want %q", Explain(r), c.explain)
			}
		})
	}
	r := probe(t, Request{Network: "unix", Address: f.Socket, ScriptFilename: hello, RequestURI: "/hello.php"}, 5*time.Second)
	if r.Header.Get("X-Probe") != "yes" {
		t.Errorf("header X-Probe missing: %v", r.Header)
	}
}

// A pool whose only child is busy does not answer: the probe reports a timeout, as
// nginx reports a 504 when pm.max_children is reached.
func TestPHPFPMPoolBusy(t *testing.T) {
	f := nginxtest.PHPFPM(t, nginxtest.PHPOptions{MaxChildren: 1})
	slow := f.Script(t, "slow.php", `<?php sleep(3); echo "late";`)
	busy := make(chan Result, 1)
	go func() {
		busy <- Probe(context.Background(), Request{Network: "unix", Address: f.Socket, ScriptFilename: slow}, 5*time.Second)
	}()
	time.Sleep(300 * time.Millisecond)
	r := probe(t, Request{Network: "unix", Address: f.Socket, ScriptFilename: slow}, 500*time.Millisecond)
	if !errors.Is(r.Err, context.DeadlineExceeded) || r.Phase != PhaseHeader || !strings.Contains(Explain(r), "pm.max_children") {
		t.Errorf("busy pool: phase %q err %v: %s", r.Phase, r.Err, Explain(r))
	}
	if first := <-busy; first.Err != nil || !strings.HasSuffix(string(first.Stdout), "late") {
		t.Errorf("slow request: %v %q", first.Err, first.Stdout)
	}
}
