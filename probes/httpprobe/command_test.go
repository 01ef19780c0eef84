package httpprobe

import (
	"testing"
	"time"
)

func TestCommand(t *testing.T) {
	const w = `curl -sS -o /dev/null -w '%{http_code} %{size_header}B %{time_connect}s %{time_starttransfer}s\n'`
	const closeH = " -H 'Connection: close' -H Accept: "
	cases := []struct {
		name string
		t    Target
		want string
	}{
		{"defaults", Target{Address: "127.0.0.1:8080"},
			w + " --http1.0 -m 5 -H 'Host: localhost'" + closeH + "http://127.0.0.1:8080/"},
		{"unix", Target{Network: "unix", Address: "/run/php/app.sock", Host: "example.com", Path: "/health"},
			w + " --http1.0 --unix-socket /run/php/app.sock -m 5 -H 'Host: example.com'" + closeH + "http://localhost/health"},
		{"sni-ip", Target{Address: "10.0.0.5:443", Scheme: "https", Insecure: true, ServerName: "api.example.com"},
			w + " --http1.0 -k --resolve api.example.com:443:10.0.0.5 -m 5 -H 'Host: localhost'" + closeH + "https://api.example.com:443/"},
		{"sni-ipv6", Target{Address: "[::1]:443", Scheme: "https", Insecure: true, ServerName: "api.example.com"},
			w + " --http1.0 -k --resolve 'api.example.com:443:[::1]' -m 5 -H 'Host: localhost'" + closeH + "https://api.example.com:443/"},
		{"sni-name", Target{Address: "backend.internal:8443", Scheme: "https", Insecure: true, ServerName: "api.example.com"},
			w + " --http1.0 -k --connect-to api.example.com:8443:backend.internal:8443 -m 5 -H 'Host: localhost'" + closeH + "https://api.example.com:8443/"},
		{"no-sni-cacert", Target{Address: "10.0.0.5:443", Scheme: "https", CAFile: "/etc/nginx/ca.pem", Path: "/it's"},
			w + " --http1.0 --cacert /etc/nginx/ca.pem -m 5 -H 'Host: localhost'" + closeH + `'https://10.0.0.5:443/it'\''s'`},
		{"client-cert", Target{Address: "10.0.0.5:443", Scheme: "https", Insecure: true, CertFile: "/c.pem", KeyFile: "/k.pem"},
			w + " --http1.0 -k --cert /c.pem --key /k.pem -m 5 -H 'Host: localhost'" + closeH + "https://10.0.0.5:443/"},
		{"keepalive-headers", Target{Address: "127.0.0.1:9000", Proto: HTTP11,
			Headers: []Header{{"Host", "a.test"}, {"Connection", ""}, {"X-Real-IP", "1.2.3.4"}}},
			w + " --http1.1 -m 5 -H 'Host: a.test' -H Connection: -H 'X-Real-IP: 1.2.3.4' -H Accept: http://127.0.0.1:9000/"},
		{"timeouts-agent", Target{Address: "127.0.0.1:80", ConnectTimeout: 1500 * time.Millisecond, UserAgent: "ngx502 run=7"},
			w + " --http1.0 --connect-timeout 1.5 -m 5 -A 'ngx502 run=7' -H 'Host: localhost'" + closeH + "http://127.0.0.1:80/"},
	}
	for _, c := range cases {
		if got := Command(c.t, 4500*time.Millisecond); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}
