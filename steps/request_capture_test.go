package steps

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"ngx502/probes/httpprobe"
	"ngx502/probes/nginxtest"
)

// The request ngx502 builds from the config is the request nginx sends:
// a real nginx proxies a request to a capturing backend per location, and
// the captured head must equal, byte for byte, what the probe would write
// for that location (the client sends nginx only the probe's User-Agent,
// which nginx passes on last, as the probe writes it).
func TestRequestOfEqualsNginxsOwnRequest(t *testing.T) {
	caps := map[string]*nginxtest.Capture{}
	for _, k := range []string{"a", "b", "c", "d", "e"} {
		caps[k] = nginxtest.Capturing(t)
	}
	locs := map[string]string{
		"/a/":   `proxy_pass http://` + caps["a"].Addr + `;`,
		"/b/":   `proxy_pass http://` + caps["b"].Addr + `/base/;`,
		"/c/":   `proxy_http_version 1.1; proxy_set_header Connection ""; proxy_pass http://` + caps["c"].Addr + `;`,
		"/d/":   `proxy_set_header Host $host; proxy_set_header X-Real-IP $remote_addr; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; proxy_set_header X-Forwarded-Proto $scheme; proxy_set_header X-Empty ""; proxy_pass http://` + caps["d"].Addr + `;`,
		"= /e/": `proxy_pass http://grp;`,
	}
	var b strings.Builder
	fmt.Fprintf(&b, "upstream grp { server %s; }\nserver {\n listen 127.0.0.1:{{.Port}};\n server_name shop.test;\n", caps["e"].Addr)
	for m, body := range locs {
		fmt.Fprintf(&b, " location %s { %s }\n", m, body)
	}
	b.WriteString("}")
	n := nginxtest.Start(t, nginxtest.Options{HTTP: b.String()})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := Discover(ctx, Options{Binary: n.Binary, Conf: n.Conf, Prefix: n.Prefix, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	byAddr := map[string]string{"a": "/a/", "b": "/b/", "c": "/c/", "d": "/d/", "e": "/e/"}
	for k, path := range byAddr {
		t.Run(path, func(t *testing.T) {
			got := throughNginxHead(t, n.Addr, path, caps[k])
			for _, ep := range c.Endpoints {
				if ep.Address != caps[k].Addr {
					continue
				}
				want := string(httpprobe.RequestHead(requestOf(c, ep, nil).target(ep)))
				if got != want {
					t.Errorf("nginx sent:\n%s\nngx502 would send:\n%s", got, want)
				}
				return
			}
			t.Fatalf("no endpoint %s in %+v", caps[k].Addr, c.Endpoints)
		})
	}
}

// throughNginxHead asks nginx for path as the probe's User-Agent and
// returns the head the backend received.
func throughNginxHead(t *testing.T, addr, path string, capture *nginxtest.Capture) string {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: shop.test\r\nUser-Agent: ngx502-probe\r\nConnection: close\r\n\r\n", path); err != nil {
		t.Fatal(err)
	}
	if status, err := bufio.NewReader(conn).ReadString('\n'); err != nil || !strings.HasPrefix(status, "HTTP/1.1 200") {
		t.Fatalf("nginx answered %q, %v", status, err)
	}
	head, err := capture.Next(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return string(head)
}
