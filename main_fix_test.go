package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"ngx502/probes/nginxtest"
)

// report --fix: --dry-run prints the exact argv and changes nothing; the
// real run reloads nginx (after nginx -t) and proves the 502 gone. The
// test's own nginx, in its own prefix, is the one reloaded.
func TestReportFixReloadsAndProves(t *testing.T) {
	t.Parallel()
	n := nginxtest.Start(t, nginxtest.Options{HTTP: `server {
    listen 127.0.0.1:{{.Port}};
    location / {
        proxy_pass http://` + nginxtest.Refusing(t) + `;
    }
}`})
	if status, _, err := n.Get("/"); err != nil || status != 502 {
		t.Fatalf("before: %d %v, want 502", status, err)
	}
	conf, err := os.ReadFile(n.Conf)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the edit comes clearly after nginx loaded its config
	fixed := strings.Replace(string(conf), "proxy_pass http://127.0.0.1:", "proxy_pass http://"+nginxtest.Healthy(t)+"; #", 1)
	if err := os.WriteFile(n.Conf, []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	auditLog := t.TempDir() + "/audit/actions.log"
	args := []string{"report", "--nginx", n.Binary, "--conf", n.Conf, "--prefix", n.Prefix, "--timeout", "2s", "--verify", "2s", "--fix", "reload-nginx", "--audit-log", auditLog}

	var out, errb strings.Builder
	code := run(append(args, "--dry-run"), &out, &errb)
	if code != exitOK || !strings.Contains(out.String(), "would run reload-nginx: "+n.Binary+" -s reload -c "+n.Conf) {
		t.Fatalf("--dry-run: exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	if status, _, _ := n.Get("/"); status != 502 {
		t.Fatalf("--dry-run changed nginx: it answers %d", status)
	}
	if _, err := os.Stat(auditLog); err == nil {
		t.Error("--dry-run wrote the audit log: nothing ran")
	}

	out.Reset()
	code = run(args, &out, &errb)
	if code != exitOK || !strings.Contains(out.String(), "running reload-nginx: ") || !strings.Contains(out.String(), "fixed: 5/5 requests 200, no new upstream errors in 2s") {
		t.Fatalf("--fix: exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	if status, _, err := n.Get("/"); err != nil || status != 200 {
		t.Fatalf("after --fix: %d %v, want 200", status, err)
	}
	record, err := os.ReadFile(auditLog)
	if err != nil || !strings.Contains(string(record), `"id":"reload-nginx"`) || !strings.Contains(string(record), `"fixed":true`) || strings.Count(string(record), "\n") != 1 {
		t.Errorf("audit log %q (%v): want one line for reload-nginx, fixed", record, err)
	}
	if st, err := os.Stat(auditLog); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("audit log mode %v %v, want 0600", st.Mode(), err)
	}

	errb.Reset()
	if code := run([]string{"report", "--nginx", n.Binary, "--conf", n.Conf, "--prefix", n.Prefix, "--fix", "no-such-action"}, &out, &errb); code != exitUsage || !strings.Contains(errb.String(), `no action "no-such-action"`) {
		t.Errorf("an unknown action: exit %d %q", code, errb.String())
	}
	if code := run([]string{"--dry-run"}, &out, &errb); code != exitUsage {
		t.Errorf("--dry-run without --fix: exit %d", code)
	}
	if code := run([]string{"report", "--verify", "-1s"}, &out, &errb); code != exitUsage {
		t.Errorf("--verify -1s: exit %d", code)
	}
}
