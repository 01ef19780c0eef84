package steps

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ngx502/probes/nginx"
)

// The access-log checks explain what they read: a buffered log, a format
// without the upstream variables (with the line to add), and access_log off.
func TestAccessLogChecks(t *testing.T) {
	dir := t.TempDir()
	logPath := filepath.Join(dir, "access.log")
	now := time.Now()
	line := `10.0.0.1 - - [` + now.Format("02/Jan/2006:15:04:05 -0700") + `] "GET /api/x HTTP/1.1" 502 157 "-" "curl/8"` + "\n"
	own := `10.0.0.1 - - [` + now.Format("02/Jan/2006:15:04:05 -0700") + `] "GET /?ngx502-probe=ab12 HTTP/1.0" 502 157 "-" "ngx502-probe/ab12"` + "\n"
	if err := os.WriteFile(logPath, []byte(line+line+own), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "nginx.conf")
	text := "events {}\nhttp {\n  access_log " + logPath + " combined buffer=32k flush=5s;\n" +
		"  server { listen 127.0.0.1:9; location / { proxy_pass http://127.0.0.1:9; }\n" +
		"    location /quiet/ { access_log off; proxy_pass http://127.0.0.1:9; } }\n}\n"
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := nginx.Load(context.Background(), conf, nginx.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := &Case{Config: cfg, Endpoints: cfg.Endpoints(), Started: now, Since: now.Add(-time.Hour)}
	var o Outcome
	finds, note := readAccessLogs(context.Background(), c, &o)
	var all []string
	for _, ch := range o.Checks {
		all = append(all, ch.Name+": "+ch.Result)
	}
	got := strings.Join(all, "\n")
	for _, want := range []string{"2 requests (2 5xx)", "1 of ngx502's own requests not counted", "written in batches (buffer=32k flush=5s)",
		"lacks $upstream_status", "log_format ngx502 '", "access_log off", "nginx keeps no record"} {
		if !strings.Contains(got, want) {
			t.Errorf("checks lack %q:\n%s", want, got)
		}
	}
	if note != "access log: 2 of 2 requests got a 5xx" || len(finds) != 1 || finds[0].Cause != CauseNginx5xx || finds[0].Count != 2 || !finds[0].Current {
		t.Errorf("note %q findings %+v: want one current nginx-5xx finding of 2", note, finds)
	}
}
