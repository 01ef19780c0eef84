package httpprobe

import (
	"bufio"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"ngx502/probes/nginxtest"
)

// clientHeaders are what the test's client sends nginx beyond Host and Connection;
// nginx passes them through after its own, so they are dropped before comparing.
var clientHeaders = []string{"User-Agent: ngx502-probe", "X-Client: 1"}

// RequestHead must be byte for byte the request nginx itself sends upstream: request
// line, then the header lines nginx sets, in nginx's order. A real nginx proxies to a
// capturing backend; the client's own headers are removed from what arrived.
func TestRequestHeadMatchesNginx(t *testing.T) {
	capture := nginxtest.Capturing(t)
	up := capture.Addr
	cases := []struct {
		name, location, path string
		target               Target
	}{
		{"default", `location /default/ { proxy_pass http://` + up + `; }`, "/default/a?b=1",
			Target{Host: up, Path: "/default/a?b=1"}},
		{"keepalive", `location /ka/ { proxy_http_version 1.1; proxy_set_header Connection ""; proxy_pass http://` + up + `; }`, "/ka/x",
			Target{Proto: HTTP11, Path: "/ka/x", Headers: []Header{{"Connection", ""}, {"Host", up}}}},
		{"set-headers", `location /set/ { proxy_set_header Host example.test; proxy_set_header X-Real-IP 1.2.3.4; proxy_set_header X-Empty ""; proxy_pass http://` + up + `; }`, "/set/y",
			Target{Path: "/set/y", Headers: []Header{{"Host", "example.test"}, {"X-Real-IP", "1.2.3.4"}, {"X-Empty", ""}, {"Connection", "close"}}}},
		{"set-one", `location /one/ { proxy_set_header X-Real-IP 1.2.3.4; proxy_pass http://` + up + `; }`, "/one/",
			Target{Path: "/one/", Headers: []Header{{"X-Real-IP", "1.2.3.4"}, {"Host", up}, {"Connection", "close"}}}},
		{"pass-uri", `location /loc/ { proxy_pass http://` + up + `/base/; }`, "/loc/z?q=2",
			Target{Host: up, Path: "/base/z?q=2"}},
	}
	var locations []string
	for _, c := range cases {
		locations = append(locations, c.location)
	}
	n := nginxtest.Start(t, nginxtest.Options{HTTP: "server {\n listen 127.0.0.1:{{.Port}};\n " + strings.Join(locations, "\n ") + "\n}"})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := viaNginx(t, n.Addr, c.path, capture)
			want := strings.TrimSuffix(string(RequestHead(c.target)), "User-Agent: ngx502-probe\r\n\r\n")
			if got != want {
				t.Errorf("nginx sent upstream:\n%s\nRequestHead gives:\n%s", got, want)
			}
		})
	}
}

// viaNginx sends path through nginx and returns the head the backend got, without the
// client's pass-through headers and the blank line; it checks those came last.
func viaNginx(t *testing.T, addr, path string, capture *nginxtest.Capture) string {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	req := "GET " + path + " HTTP/1.1\r\nHost: test.local\r\n" + strings.Join(clientHeaders, "\r\n") + "\r\nConnection: close\r\n\r\n"
	if _, err := conn.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	status, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || !strings.HasPrefix(status, "HTTP/1.1 200") {
		t.Fatalf("nginx answered %q, %v", status, err)
	}
	head, err := capture.Next(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimSuffix(string(head), "\r\n"), "\r\n")
	lines = lines[:len(lines)-1] // the empty piece after the last CRLF
	var own []string
	for i, l := range lines {
		if slices.Contains(clientHeaders, strings.TrimSuffix(l, "\r\n")) {
			if rest := lines[i:]; len(rest) != len(clientHeaders) {
				t.Errorf("nginx's own headers do not all precede the client's: %q", head)
			}
			break
		}
		own = append(own, l)
	}
	t.Logf("nginx → backend: %q", head)
	return strings.Join(own, "")
}
