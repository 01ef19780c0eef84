package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"ngx502/probes/nginxtest"
)

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"frobnicate"},
		{"report", "--format", "yaml"},
		{"--since", "-1h"},
		{"report", "extra"},
		{"--no-such-flag"},
	} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != exitUsage {
			t.Errorf("ngx502 %v: exit %d, want %d (stderr %q)", args, code, exitUsage, errb.String())
		}
		if !strings.Contains(errb.String(), "ngx502") {
			t.Errorf("ngx502 %v: stderr %q does not explain the error", args, errb.String())
		}
	}
}

func TestVersionAndHelpExit0(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"version"}, &out, &errb); code != exitOK || !strings.HasPrefix(out.String(), "ngx502 ") {
		t.Errorf("version: exit %d, out %q", code, out.String())
	}
	errb.Reset()
	if code := run([]string{"--help"}, &out, &errb); code != exitOK || !strings.Contains(errb.String(), "Exit codes") {
		t.Errorf("--help: exit %d, usage %q", code, errb.String())
	}
}

func TestNothingToInspectExit2(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"report", "--nginx", "/nonexistent/nginx", "--conf", "/nonexistent/nginx.conf"}, &out, &errb)
	if code != exitUsage {
		t.Fatalf("exit %d, want 2; stderr %q", code, errb.String())
	}
}

// The report a script gets from a broken real nginx: JSON following the
// ARCHITECTURE.md contract, exit 1; a healthy one exits 0.
func TestReportJSONOnRealNginx(t *testing.T) {
	t.Parallel()
	addr := nginxtest.Refusing(t)
	n := nginxtest.Start(t, nginxtest.Options{HTTP: fmt.Sprintf(`server {
    listen 127.0.0.1:{{.Port}};
    location / { proxy_pass http://%s; }
}`, addr)})
	if status, _, err := n.Get("/"); err != nil || status != 502 {
		t.Fatalf("GET: %d %v", status, err)
	}
	var out, errb bytes.Buffer
	code := run([]string{"report", "--nginx", n.Binary, "--conf", n.Conf, "--prefix", n.Prefix, "--format", "json", "--timeout", "2s"}, &out, &errb)
	if code != exitProblem {
		t.Fatalf("exit %d, want %d; stderr %s", code, exitProblem, errb.String())
	}
	var rep struct {
		Schema  int `json:"schema"`
		Nginx   struct{ Binary, Version, Conf string }
		Verdict struct {
			Cause    string   `json:"cause"`
			Evidence []string `json:"evidence"`
			Fix      string   `json:"fix"`
		}
		Steps []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
			Checks []struct{ Name, Command, Result, Status string }
		}
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	if rep.Schema != 2 || rep.Verdict.Cause != "upstream-refused" || rep.Nginx.Conf != n.Conf || len(rep.Steps) != 5 {
		t.Fatalf("report: schema %d cause %q conf %q steps %d", rep.Schema, rep.Verdict.Cause, rep.Nginx.Conf, len(rep.Steps))
	}
	if !strings.Contains(rep.Verdict.Fix, addr) {
		t.Errorf("fix %q does not name %s", rep.Verdict.Fix, addr)
	}
	for i, id := range []string{"logs", "upstream", "config", "network", "restart"} {
		if rep.Steps[i].ID != id || len(rep.Steps[i].Checks) == 0 {
			t.Errorf("step %d: id %q with %d checks, want %q with checks", i, rep.Steps[i].ID, len(rep.Steps[i].Checks), id)
		}
	}
}

func TestReportHealthyExit0(t *testing.T) {
	t.Parallel()
	n := nginxtest.Start(t, nginxtest.Options{HTTP: fmt.Sprintf(`server {
    listen 127.0.0.1:{{.Port}};
    location / { proxy_pass http://%s; }
}`, nginxtest.Healthy(t))})
	var out, errb bytes.Buffer
	code := run([]string{"report", "--nginx", n.Binary, "--conf", n.Conf, "--prefix", n.Prefix, "--format", "markdown"}, &out, &errb)
	if code != exitOK {
		t.Fatalf("exit %d, want 0; report:\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "healthy") || !strings.HasPrefix(out.String(), "#") {
		t.Errorf("markdown report does not start with a heading or lacks the verdict:\n%s", out.String())
	}
}
