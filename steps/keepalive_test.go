package steps

import (
	"strings"
	"testing"
	"time"

	"ngx502/probes/httpprobe"
	"ngx502/probes/nginx"
)

func TestIdleVerdict(t *testing.T) {
	tg := idleTarget{ep: nginx.Endpoint{Network: "tcp", Address: "127.0.0.1:8080"}, block: nginx.UpstreamBlock{Name: "app", Where: nginx.Where{File: "/etc/nginx/up.conf", Line: 3}},
		limit: limit{name: "keepalive_timeout", raw: "60s", dur: time.Minute}}
	cases := []struct {
		name    string
		idle    httpprobe.Idle
		finding bool
		fix     string
	}{
		{"closes sooner", httpprobe.Idle{Status: 200, Reusable: true, Closed: true, After: 5 * time.Second}, true, "set keepalive_timeout 4s; inside upstream app {} at /etc/nginx/up.conf:3"},
		{"announces less", httpprobe.Idle{Status: 200, Reusable: true, After: 15 * time.Second, KeepAliveTimeout: 20 * time.Second}, true, "set keepalive_timeout 19s;"},
		{"sub-second", httpprobe.Idle{Status: 200, Reusable: true, Closed: true, After: 994 * time.Millisecond}, true, "set keepalive_timeout 400ms;"},
		{"keeps longer", httpprobe.Idle{Status: 200, Reusable: true, Closed: true, After: 75 * time.Second}, false, ""},
		{"still open", httpprobe.Idle{Status: 200, Reusable: true, After: 15 * time.Second}, false, ""},
		{"connection close", httpprobe.Idle{Status: 200, ConnectionClose: true}, false, ""},
	}
	for _, c := range cases {
		ch, f := idleVerdict(tg, c.idle)
		if (f != nil) != c.finding {
			t.Errorf("%s: finding %v, want %v (%s)", c.name, f, c.finding, ch.Result)
			continue
		}
		if f != nil && (f.Cause != CauseKeepalive || !strings.Contains(f.Fix, c.fix) || ch.Status != Fail) {
			t.Errorf("%s: %s %q %s, want keepalive-misconfig with %q", c.name, f.Cause, f.Fix, ch.Status, c.fix)
		}
	}
}
