package steps

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Where error logs that are not files go: a remote syslog server is
// named, a local syslog daemon's file is read with other programs' lines
// left out, and stderr without a unit or container says where to look.
func TestLogSources(t *testing.T) {
	root := t.TempDir()
	write := func(rel, text string) {
		t.Helper()
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("etc/rsyslog.conf", "local7.*  /var/log/nginx-syslog.log\n")
	write("var/log/nginx-syslog.log", "Dec  2 05:00:00 web nginx: 2026/12/02 05:00:00 [error] 1#1: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: a, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:8080/\", host: \"a\"\n"+
		"Dec  2 05:00:01 web sshd[9]: Accepted publickey for root\n")
	c := &Case{Opts: Options{Root: root}.withDefaults(), ErrorLogs: []string{"syslog:server=10.0.0.5:514,tag=web", "syslog:server=unix:/dev/log", "stderr"}}
	streams, checks := c.logSources()
	var results []string
	for _, ch := range checks {
		results = append(results, ch.Name+": "+ch.Result)
	}
	all := strings.Join(results, "\n")
	for _, want := range []string{"nginx sends its errors to 10.0.0.5:514", "the syslog daemon writes it to /var/log/nginx-syslog.log", "nginx logs to stderr and no systemd unit runs it"} {
		if !strings.Contains(all, want) {
			t.Errorf("checks lack %q:\n%s", want, all)
		}
	}
	if len(streams) != 1 {
		t.Fatalf("%d streams, want the local syslog file", len(streams))
	}
	rc, err := streams[0].open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, _ := io.ReadAll(rc)
	if got := string(b); !strings.HasPrefix(got, "2026/12/02 05:00:00 [error]") || strings.Contains(got, "sshd") {
		t.Errorf("stream gave %q, want nginx's own line only", got)
	}
}
