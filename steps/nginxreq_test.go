package steps

import (
	"context"
	"os"
	"path/filepath"
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
	want := map[string]nginxReq{
		"127.0.0.1:9002":    {path: "/api/", host: "127.0.0.1:9002", timeout: time.Second},              // $proxy_host keeps a port that is not 80
		"127.0.0.1:80":      {path: "/ping", host: "backend.internal", timeout: 5 * time.Second},        // the pass URI replaces the prefix; a static Host wins
		"127.0.0.1:9001":    {path: "/app/", host: "shop.test", timeout: 5 * time.Second},               // $host is the server's name
		"127.0.0.1:9003":    {path: "/", host: "127.0.0.1:9003", timeout: 5 * time.Second, guess: true}, // a regex location: the path is a guess
		"127.0.0.1:9443":    {path: "/tls/", host: "127.0.0.1:9443", timeout: 5 * time.Second, sni: "api.internal"},
		"backend.test:9444": {path: "/tls2/", host: "backend.test:9444", timeout: 5 * time.Second, sni: "backend.test"}, // SNI is $proxy_host without the port
	}
	for _, ep := range c.Endpoints {
		w, ok := want[ep.Address]
		if !ok {
			t.Errorf("unexpected endpoint %s", ep.Address)
			continue
		}
		if got := requestOf(c, ep); got != w {
			t.Errorf("%s: %+v, want %+v", ep.Address, got, w)
		}
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
