package httpprobe

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"ngx502/probes/nginxtest"
)

func TestHealthy(t *testing.T) {
	addr := nginxtest.Healthy(t)
	r := probe(t, Target{Address: addr}, 5*time.Second)
	// Go's server answers in the version it was asked in, nginx's default HTTP/1.0.
	if r.Err != nil || r.Phase != "" || r.Status != 200 || r.Proto != "HTTP/1.0" {
		t.Fatalf("got %d %s phase=%q err=%v", r.Status, r.Proto, r.Phase, r.Err)
	}
	if r.BodyBytes != 2 || r.HeaderBytes < 40 || r.HeaderBytes > 400 {
		t.Errorf("BodyBytes=%d HeaderBytes=%d", r.BodyBytes, r.HeaderBytes)
	}
	tm := r.Timing
	if tm.Connect <= 0 || tm.FirstByte <= 0 || tm.Total < tm.FirstByte || tm.TLS != 0 || tm.DNS != 0 {
		t.Errorf("timing = %+v", tm)
	}
	if !bytes.Equal(r.Request, RequestHead(Target{Address: addr})) {
		t.Errorf("Request = %q", r.Request)
	}
	if want := "answered 200 OK in"; !strings.Contains(Explain(r), want) {
		t.Errorf("Explain = %q, want %q", Explain(r), want)
	}
}

// The request looks like nginx's: GET, the Host asked for, Connection: close, a fresh
// connection each time.
func TestRequestShape(t *testing.T) {
	seen := make(chan *http.Request, 2)
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- r
		http.Redirect(w, r, "/elsewhere", http.StatusMovedPermanently)
	}))
	t.Cleanup(s.Close)
	target := Target{Address: s.Listener.Addr().String(), Host: "app.example", Path: "status?x=1"}
	for range 2 {
		r := probe(t, target, 5*time.Second)
		if r.Status != 301 || r.Err != nil {
			t.Fatalf("status %d err %v: redirects must not be followed", r.Status, r.Err)
		}
		req := <-seen
		if req.Method != "GET" || req.Proto != "HTTP/1.0" || req.Host != "app.example" || req.URL.RequestURI() != "/status?x=1" || !req.Close {
			t.Errorf("request = %s %s Host=%s Close=%v", req.Method, req.URL, req.Host, req.Close)
		}
		if req.Header.Get("Accept-Encoding") != "" {
			t.Errorf("Accept-Encoding sent: %q", req.Header.Get("Accept-Encoding"))
		}
	}
	if len(seen) != 0 {
		t.Errorf("redirect followed")
	}
}

func TestBodyCapped(t *testing.T) {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write(make([]byte, 1<<20))
	}))
	t.Cleanup(s.Close)
	r := probe(t, Target{Address: s.Listener.Addr().String()}, 5*time.Second)
	if r.Err != nil || r.BodyBytes != maxBodyBytes {
		t.Errorf("BodyBytes=%d err=%v, want %d", r.BodyBytes, r.Err, maxBodyBytes)
	}
}

func TestBrokenUpstreams(t *testing.T) {
	cases := []struct {
		name    string
		addr    func(t testing.TB) string
		timeout time.Duration
		phase   string
		explain string
		check   func(t *testing.T, r Result)
	}{
		{"refused", nginxtest.Refusing, time.Second, PhaseConnect, "connection refused (ECONNREFUSED): nothing listens on 127.0.0.1:", func(t *testing.T, r Result) {
			if !errors.Is(r.Err, syscall.ECONNREFUSED) {
				t.Errorf("err = %v, want ECONNREFUSED", r.Err)
			}
		}},
		{"hang", nginxtest.Hanging, 300 * time.Millisecond, PhaseHeader, "sent no response header within 300ms", func(t *testing.T, r Result) {
			if r.Timing.Total < 250*time.Millisecond || r.Timing.Total > 3*time.Second { // the deadline runs from before the timer of Total starts
				t.Errorf("Total = %s", r.Timing.Total)
			}
		}},
		{"close", nginxtest.ClosingAfterRequest, 2 * time.Second, PhaseHeader, "closed the connection before sending a response", nil},
		{"reset", nginxtest.Resetting, 2 * time.Second, PhaseHeader, "reset the connection (RST) before sending any byte of a response", nil},
		{"garbage", nginxtest.Garbage, 2 * time.Second, PhaseHeader, `not HTTP: 127.0.0.1:`, func(t *testing.T, r Result) {
			if !strings.HasPrefix(string(r.Received), "SSH-2.0-") || !strings.Contains(Explain(r), `"SSH-2.0-OpenSSH`) {
				t.Errorf("Received = %q, Explain = %q", r.Received, Explain(r))
			}
		}},
		{"huge", func(t testing.TB) string { return nginxtest.HugeHeader(t, 64<<10) }, 2 * time.Second, "", "bytes, more than nginx's default proxy_buffer_size of 4 KiB", func(t *testing.T, r Result) {
			if r.Status != 200 || r.HeaderBytes < 65536 || r.HeaderBytes > 65536+200 {
				t.Errorf("Status=%d HeaderBytes=%d", r.Status, r.HeaderBytes)
			}
		}},
		{"too-huge", func(t testing.TB) string { return nginxtest.HugeHeader(t, 2<<20) }, 5 * time.Second, PhaseHeader, "sent a response header of more than 1 MiB", func(t *testing.T, r Result) {
			if r.HeaderBytes < 1<<20 {
				t.Errorf("HeaderBytes=%d", r.HeaderBytes)
			}
		}},
		{"backend502", func(t testing.TB) string { return nginxtest.Status(t, 502) }, 2 * time.Second, "", "answered 502 Bad Gateway", nil},
		{"fastcgi", nginxtest.FastCGI, 2 * time.Second, PhaseHeader, "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := probe(t, Target{Address: tc.addr(t)}, tc.timeout)
			if r.Phase != tc.phase || (tc.phase == "") != (r.Err == nil) {
				t.Fatalf("phase=%q err=%v, want phase %q", r.Phase, r.Err, tc.phase)
			}
			if got := Explain(r); !strings.Contains(got, tc.explain) {
				t.Errorf("Explain = %q, want it to contain %q", got, tc.explain)
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

func TestUnixSocket(t *testing.T) {
	path := nginxtest.UnixHealthy(t, 0o666)
	r := probe(t, Target{Network: "unix", Address: path, Host: "sock.local"}, 2*time.Second)
	if r.Err != nil || r.Status != 200 || r.Timing.Connect <= 0 {
		t.Fatalf("status %d err %v timing %+v", r.Status, r.Err, r.Timing)
	}
	if !strings.Contains(r.Command, "--unix-socket "+path) || !strings.Contains(r.Command, "'Host: sock.local'") {
		t.Errorf("Command = %s", r.Command)
	}

	missing := nginxtest.MissingSocket(t)
	r = probe(t, Target{Network: "unix", Address: missing}, 2*time.Second)
	if r.Phase != PhaseConnect || !errors.Is(r.Err, syscall.ENOENT) {
		t.Fatalf("missing socket: phase %q err %v", r.Phase, r.Err)
	}
	if want := "no socket at " + missing; !strings.HasPrefix(Explain(r), want) {
		t.Errorf("Explain = %q, want prefix %q", Explain(r), want)
	}
}

func TestDNSTiming(t *testing.T) {
	addr := nginxtest.Healthy(t)
	port := addr[strings.LastIndexByte(addr, ':'):]
	// /etc/hosts maps localhost to 127.0.0.1, so the lookup stays on this box.
	r := probe(t, Target{Address: "localhost" + port}, 5*time.Second)
	if r.Err != nil || r.Status != 200 || r.Timing.DNS <= 0 {
		t.Fatalf("status %d err %v DNS %s", r.Status, r.Err, r.Timing.DNS)
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	start := time.Now()
	r := Probe(ctx, Target{Address: nginxtest.Hanging(t)}, 10*time.Second)
	if time.Since(start) > 3*time.Second || !errors.Is(r.Err, context.Canceled) {
		t.Fatalf("err %v after %s", r.Err, time.Since(start))
	}
	if !strings.Contains(Explain(r), "cancelled during header") {
		t.Errorf("Explain = %q", Explain(r))
	}
}

func BenchmarkProbe(b *testing.B) {
	target := Target{Address: nginxtest.Healthy(b)}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if r := Probe(ctx, target, 5*time.Second); r.Err != nil {
			b.Fatal(r.Err)
		}
	}
}

// An upstream on [::1] (what "localhost" may resolve to first) is reached by address.
func TestIPv6Loopback(t *testing.T) {
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	l, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	s.Listener.Close()
	s.Listener = l
	s.Start()
	t.Cleanup(s.Close)
	r := probe(t, Target{Address: l.Addr().String()}, 2*time.Second)
	if r.Err != nil || r.Status != 200 {
		t.Fatalf("status %d err %v", r.Status, r.Err)
	}
}

// An HTTP/1.0 request gets an HTTP/1.0 answer read to the close; an HTTP/1.1 one a
// chunked body decoded to its end.
func TestBodyFraming(t *testing.T) {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("hello "))
		w.(http.Flusher).Flush() // no Content-Length now: chunks for HTTP/1.1
		_, _ = w.Write([]byte("world"))
	}))
	t.Cleanup(s.Close)
	addr := s.Listener.Addr().String()
	r := probe(t, Target{Address: addr}, 5*time.Second)
	if r.Err != nil || r.Proto != "HTTP/1.0" || r.BodyBytes != 11 {
		t.Errorf("HTTP/1.0: proto %q body %d err %v", r.Proto, r.BodyBytes, r.Err)
	}
	r = probe(t, Target{Address: addr, Proto: HTTP11, Headers: []Header{{"Host", "x"}, {"Connection", "close"}}}, 5*time.Second)
	if r.Err != nil || r.Proto != "HTTP/1.1" || r.BodyBytes != 11 {
		t.Errorf("HTTP/1.1: proto %q body %d err %v", r.Proto, r.BodyBytes, r.Err)
	}
	// Without Connection: close the server keeps the connection; chunks still end the body.
	r = probe(t, Target{Address: addr, Proto: HTTP11, Headers: []Header{{"Host", "x"}}}, 5*time.Second)
	if r.Err != nil || r.BodyBytes != 11 || r.Timing.Total > time.Second {
		t.Errorf("keep-alive: body %d total %s err %v", r.BodyBytes, r.Timing.Total, r.Err)
	}
	// A body cut short of its Content-Length is a body-phase failure.
	r = probe(t, Target{Address: answering(t, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")}, 5*time.Second)
	if r.Phase != PhaseBody || r.BodyBytes != 3 || !strings.Contains(Explain(r), "cut off after 3 bytes") {
		t.Errorf("short body: phase %q body %d: %s", r.Phase, r.BodyBytes, Explain(r))
	}
	r = probe(t, Target{Address: answering(t, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\nzz\r\n")}, 5*time.Second)
	if r.Phase != PhaseBody || r.BodyBytes != 2 || !errors.Is(r.Err, ErrBadChunk) {
		t.Errorf("bad chunk: phase %q body %d err %v", r.Phase, r.BodyBytes, r.Err)
	}
}
