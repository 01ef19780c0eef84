package httpprobe

import (
	"testing"
	"time"
)

func TestCommand(t *testing.T) {
	const w = `-sS -o /dev/null -w '%{http_code} %{size_header}B %{time_connect}s %{time_starttransfer}s\n'`
	cases := []struct {
		t    Target
		want string
	}{
		{Target{Address: "127.0.0.1:8080"},
			"curl " + w + " -m 5 -H 'Host: localhost' http://127.0.0.1:8080/"},
		{Target{Network: "unix", Address: "/run/php/app.sock", Host: "example.com", Path: "/health"},
			"curl " + w + " -m 5 --unix-socket /run/php/app.sock -H 'Host: example.com' http://localhost/health"},
		{Target{Address: "10.0.0.5:443", Scheme: "https", Insecure: true, ServerName: "api.example.com"},
			"curl " + w + " -m 5 -k --connect-to ::10.0.0.5:443 -H 'Host: localhost' https://api.example.com:443/"},
		{Target{Address: "10.0.0.5:443", Scheme: "https", Path: "/it's"},
			"curl " + w + " -m 5 -H 'Host: localhost' 'https://10.0.0.5:443/it'\\''s'"},
	}
	for _, c := range cases {
		if got := Command(c.t, 4500*time.Millisecond); got != c.want {
			t.Errorf("Command(%+v)\n got %s\nwant %s", c.t, got, c.want)
		}
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int]string{812: "812 B", 65536 + 90: "64 KiB", 66 << 10: "66 KiB", 3 << 20: "3.0 MiB"} {
		if got := size(n); got != want {
			t.Errorf("size(%d) = %q, want %q", n, got, want)
		}
	}
}

// The header scanner counts up to and including the blank line, for CRLF and bare LF,
// however the bytes are split across reads.
func TestObserveHeaderBytes(t *testing.T) {
	for _, head := range []string{"HTTP/1.1 200 OK\r\nA: b\r\n\r\n", "HTTP/1.0 200 OK\nA: b\n\n"} {
		msg := head + "body\r\n\r\nmore"
		for split := range len(msg) {
			tr := &tracker{}
			tr.observe([]byte(msg[:split]))
			tr.observe([]byte(msg[split:]))
			if tr.headerBytes != len(head) || !tr.headerDone {
				t.Fatalf("split %d of %q: headerBytes=%d done=%v, want %d", split, head, tr.headerBytes, tr.headerDone, len(head))
			}
		}
	}
}

// observe is the only parser here; it must never panic and never count past its input.
func FuzzObserve(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\n\r\n"), 3)
	f.Add([]byte("\n\n"), 0)
	f.Fuzz(func(t *testing.T, b []byte, split int) {
		if split < 0 || split > len(b) {
			split = len(b)
		}
		tr := &tracker{}
		tr.observe(b[:split])
		tr.observe(b[split:])
		if tr.headerBytes > len(b) || tr.received != len(b) || len(tr.head) > 64 {
			t.Fatalf("headerBytes=%d received=%d head=%d of %d", tr.headerBytes, tr.received, len(tr.head), len(b))
		}
	})
}
