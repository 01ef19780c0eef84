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

func TestRequestOfIsNginxsRequest(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "nginx.conf")
	text := `events {}
http {
  upstream app { server 127.0.0.1:9001; }
  server {
    listen 127.0.0.1:9; server_name shop.test;
    location /api/ { proxy_pass http://127.0.0.1:9002; proxy_read_timeout 1s; }
    location = /health { proxy_pass http://127.0.0.1:80/ping; proxy_set_header Host backend.internal; }
    location /app/ { proxy_pass http://app; proxy_set_header Host $host; }
    location ~ \.php$ { proxy_pass http://127.0.0.1:9003; }
    location /tls/ { proxy_pass https://127.0.0.1:9443; proxy_ssl_server_name on; proxy_ssl_name api.internal; }
    location /tls2/ { proxy_pass https://backend.test:9444; proxy_ssl_server_name on; }
  }
}
`
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := nginx.Load(context.Background(), conf, nginx.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := &Case{Config: cfg, Endpoints: cfg.Endpoints(), Opts: Options{Timeout: 5 * time.Second}}
	type want struct {
		path, from, host, sni string
		read                  time.Duration
	}
	wants := map[string]want{
		"127.0.0.1:9002":    {"/api/", "config", "127.0.0.1:9002", "", time.Second},   // $proxy_host keeps a port that is not 80
		"127.0.0.1:80":      {"/ping", "config", "backend.internal", "", time.Minute}, // the pass URI replaces the prefix; a static Host wins
		"127.0.0.1:9001":    {"/app/", "config", "shop.test", "", time.Minute},        // $host is the server's name
		"127.0.0.1:9003":    {"/", "guess", "127.0.0.1:9003", "", time.Minute},        // a regex location: the path is a guess
		"127.0.0.1:9443":    {"/tls/", "config", "127.0.0.1:9443", "api.internal", time.Minute},
		"backend.test:9444": {"/tls2/", "config", "backend.test:9444", "backend.test", time.Minute}, // SNI is $proxy_host without the port
	}
	for _, ep := range c.Endpoints {
		w, ok := wants[ep.Address]
		if !ok {
			t.Errorf("unexpected endpoint %s", ep.Address)
			continue
		}
		got := requestOf(c, ep, nil)
		if g := (want{got.path, got.pathFrom, got.host, got.sni, got.read.dur}); g != w {
			t.Errorf("%s: %+v, want %+v", ep.Address, g, w)
		}
		if got.proto != "HTTP/1.0" || got.timeout != 5*time.Second {
			t.Errorf("%s: %s, timeout %s; want HTTP/1.0 and --timeout", ep.Address, got.proto, got.timeout)
		}
	}
	// A regex location's path comes from what nginx logged for it.
	for _, ep := range c.Endpoints {
		if ep.Address == "127.0.0.1:9003" {
			got := requestOf(c, ep, map[string]string{"127.0.0.1:9003": "/shop/cart.php?id=7"})
			if got.path != "/shop/cart.php?id=7" || got.pathFrom != "error log" {
				t.Errorf("path from the log: %q %q", got.path, got.pathFrom)
			}
		}
	}
}

func TestProxyHeadersAsNginxBuildsThem(t *testing.T) {
	s := nginx.Settings{"proxy_set_header": nginx.Directive{All: [][]string{
		{"X-Real-IP", "$remote_addr"}, {"X-Forwarded-For", "$proxy_add_x_forwarded_for"}, {"Connection", ""},
		{"X-Client-Cert", "$ssl_client_cert"}, {"X-Trace", "$http_x_trace"}, {"X-Static", "v1"},
	}}}
	vars := map[string]string{"proxy_host": "app", "remote_addr": "127.0.0.1", "proxy_add_x_forwarded_for": "127.0.0.1"}
	hs, unknown := proxyHeaders(s, vars)
	var got []string
	for _, h := range hs {
		got = append(got, h.Name+": "+h.Value)
	}
	want := "X-Real-IP: 127.0.0.1|X-Forwarded-For: 127.0.0.1|X-Static: v1|Host: app"
	if strings.Join(got, "|") != want {
		t.Errorf("headers %q, want %q", strings.Join(got, "|"), want)
	}
	if len(unknown) != 1 || unknown[0] != "X-Client-Cert" {
		t.Errorf("unknown = %v, want X-Client-Cert", unknown)
	}
}

func TestNginxTime(t *testing.T) {
	for in, want := range map[string]time.Duration{"60": time.Minute, "500ms": 500 * time.Millisecond, "1s": time.Second, "2m": 2 * time.Minute, "1h": time.Hour} {
		if got, ok := nginxTime(in); !ok || got != want {
			t.Errorf("nginxTime(%q) = %s %v, want %s", in, got, ok, want)
		}
	}
	if _, ok := nginxTime("fast"); ok {
		t.Error("nginxTime accepted \"fast\"")
	}
}

func TestSSLOfReadsFilesFromTheConfPrefix(t *testing.T) {
	s := nginx.Settings{
		"proxy_ssl_verify":              nginx.Directive{Args: []string{"on"}},
		"proxy_ssl_trusted_certificate": nginx.Directive{Args: []string{"certs/ca.pem"}},
		"proxy_ssl_certificate":         nginx.Directive{Args: []string{"/etc/ssl/client.crt"}},
		"proxy_ssl_certificate_key":     nginx.Directive{Args: []string{"$ssl_key"}},
		"proxy_ssl_verify_depth":        nginx.Directive{Args: []string{"0"}},
	}
	sni, tr := sslOf(s, nginx.Endpoint{Host: "api.internal", Port: 8443, Protocol: "https"}, "/etc/nginx")
	if sni != "" || !tr.verify || tr.verifyName != "api.internal" || tr.caFile != "/etc/nginx/certs/ca.pem" ||
		tr.cert != "/etc/ssl/client.crt" || tr.key != "" || tr.depth != -1 {
		t.Errorf("sslOf = %q %+v", sni, tr)
	}
}
