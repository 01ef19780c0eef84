package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"ngx502/probes/nginxtest"
	"ngx502/steps"
)

// report --follow prints the report, then one JSON object per upstream
// error nginx logs for real requests (not ngx502's own), and stops on
// SIGINT with the report's exit code.
func TestReportFollowPrintsJSONLines(t *testing.T) {
	t.Parallel()
	n := nginxtest.Start(t, nginxtest.Options{HTTP: `server {
    listen 127.0.0.1:{{.Port}};
    location / { proxy_pass http://` + nginxtest.Refusing(t) + `; }
}`})
	cmd := exec.Command(os.Args[0], "-test.run=^$", "--", "report", "--format", "json", "--follow",
		"--nginx", n.Binary, "--conf", n.Conf, "--prefix", n.Prefix, "--timeout", "2s")
	cmd.Env = append(os.Environ(), "NGX502_RUN_MAIN=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb strings.Builder
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := make(chan string, 1024)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	// The report is one JSON document; then live lines start.
	deadline := time.After(30 * time.Second)
	var report strings.Builder
	for !json.Valid([]byte(report.String())) || report.Len() == 0 {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("ngx502 ended before its report was complete: %s", errb.String())
			}
			report.WriteString(l + "\n")
		case <-deadline:
			t.Fatal("no report within 30 s")
		}
	}
	time.Sleep(500 * time.Millisecond) // following has begun
	for range 2 {
		if status, _, err := n.Get("/live"); err != nil || status != 502 {
			t.Fatalf("GET /live through nginx: %d %v", status, err)
		}
	}
	var got []steps.Event
	for len(got) < 2 {
		select {
		case l := <-lines:
			var ev steps.Event
			if err := json.Unmarshal([]byte(l), &ev); err != nil {
				t.Fatalf("not a JSON line: %q", l)
			}
			got = append(got, ev)
		case <-time.After(10 * time.Second):
			t.Fatalf("got %d live events, want 2; stderr: %s", len(got), errb.String())
		}
	}
	for _, ev := range got {
		if ev.Cause != steps.CauseRefused || ev.Request != "GET /live HTTP/1.1" || ev.Status != 502 {
			t.Errorf("event %+v, want upstream-refused for GET /live → 502", ev)
		}
	}
	_ = cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("ngx502 --follow did not stop on SIGINT")
	}
	if code := cmd.ProcessState.ExitCode(); code != exitProblem {
		t.Errorf("exit code %d, want %d (the report found a cause)", code, exitProblem)
	}
}
