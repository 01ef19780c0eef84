package httpprobe

import (
	"crypto/tls"
	"net"
	"strings"
	"testing"
	"time"

	"ngx502/probes/explain"
)

const okResponse = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

// A backend slower than proxy_read_timeout still answers the probe, which says how long
// nginx would have had to wait.
func TestReadTimeoutExceeded(t *testing.T) {
	addr := rawServer(t, func(c *net.TCPConn, _ <-chan struct{}) {
		time.Sleep(600 * time.Millisecond)
		_, _ = c.Write([]byte(okResponse))
	})
	r := probe(t, Target{Address: addr, ReadTimeout: 200 * time.Millisecond}, 2*time.Second)
	if r.Err != nil || r.Status != 200 || r.Exceeded != ExceededRead {
		t.Fatalf("status %d exceeded %q err %v", r.Status, r.Exceeded, r.Err)
	}
	within(t, "Waited", r.Waited, 580*time.Millisecond, 1200*time.Millisecond)
	if !strings.Contains(Explain(r), "longer than proxy_read_timeout 200ms") {
		t.Errorf("Explain = %q", Explain(r))
	}
	// The same wait under a longer proxy_read_timeout breaks nothing.
	r = probe(t, Target{Address: addr, ReadTimeout: 2 * time.Second}, 3*time.Second)
	if r.Err != nil || r.Exceeded != "" || r.Waited != 0 || r.Timing.ReadGap < 580*time.Millisecond {
		t.Errorf("exceeded %q waited %s gap %s err %v", r.Exceeded, r.Waited, r.Timing.ReadGap, r.Err)
	}
}

// The timer runs between reads, not over the whole response: a pause inside the body
// counts, a slow but steady trickle does not.
func TestReadTimeoutBetweenReads(t *testing.T) {
	pause := rawServer(t, func(c *net.TCPConn, _ <-chan struct{}) {
		_, _ = c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab"))
		time.Sleep(400 * time.Millisecond)
		_, _ = c.Write([]byte("cd"))
	})
	r := probe(t, Target{Address: pause, ReadTimeout: 200 * time.Millisecond}, 2*time.Second)
	if r.Err != nil || r.BodyBytes != 4 || r.Exceeded != ExceededRead {
		t.Fatalf("body %d exceeded %q err %v", r.BodyBytes, r.Exceeded, r.Err)
	}
	within(t, "Waited", r.Waited, 380*time.Millisecond, time.Second)

	trickle := rawServer(t, func(c *net.TCPConn, _ <-chan struct{}) {
		_, _ = c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"))
		for range 5 {
			time.Sleep(100 * time.Millisecond)
			_, _ = c.Write([]byte("x"))
		}
	})
	r = probe(t, Target{Address: trickle, ReadTimeout: 300 * time.Millisecond}, 3*time.Second)
	if r.Err != nil || r.BodyBytes != 5 || r.Exceeded != "" || r.Timing.Total < 450*time.Millisecond {
		t.Errorf("body %d exceeded %q total %s err %v", r.BodyBytes, r.Exceeded, r.Timing.Total, r.Err)
	}
}

// When the overall timeout ends the wait, Waited is the wait until then.
func TestOverallTimeoutWhileWaiting(t *testing.T) {
	addr := rawServer(t, func(_ *net.TCPConn, done <-chan struct{}) { <-done })
	r := probe(t, Target{Address: addr, ReadTimeout: 100 * time.Millisecond}, 400*time.Millisecond)
	if r.Phase != PhaseHeader || !explain.IsTimeout(r.Err) || r.Exceeded != ExceededRead {
		t.Fatalf("phase %q exceeded %q err %v", r.Phase, r.Exceeded, r.Err)
	}
	within(t, "Waited", r.Waited, 350*time.Millisecond, 1500*time.Millisecond)
	r = probe(t, Target{Address: addr}, 300*time.Millisecond)
	if r.Exceeded != "" {
		t.Errorf("no proxy_read_timeout given, yet Exceeded %q", r.Exceeded)
	}
	within(t, "Waited without a timer", r.Waited, 250*time.Millisecond, 1500*time.Millisecond)
}

// nginx's connect timer covers the TLS handshake: a backend slow to shake hands breaks
// proxy_connect_timeout although its TCP accept is instant.
func TestConnectTimeoutCoversHandshake(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cert := leafCert(t, newCA(t, "slow root", nil), "slow.test")
	served := make(chan struct{})
	go func() {
		defer close(served)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		time.Sleep(400 * time.Millisecond)
		tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{cert}})
		if readRequestHead(tc) {
			_, _ = tc.Write([]byte(okResponse))
		}
	}()
	t.Cleanup(func() { ln.Close(); <-served })
	r := probe(t, Target{Address: ln.Addr().String(), Scheme: "https", Insecure: true, ConnectTimeout: 200 * time.Millisecond}, 3*time.Second)
	if r.Err != nil || r.Status != 200 || r.Exceeded != ExceededConnect {
		t.Fatalf("status %d exceeded %q err %v", r.Status, r.Exceeded, r.Err)
	}
	within(t, "Waited", r.Waited, 380*time.Millisecond, 1500*time.Millisecond)
	if !strings.Contains(Explain(r), "longer than proxy_connect_timeout 200ms") {
		t.Errorf("Explain = %q", Explain(r))
	}
}

// The connect timer's rule, for attempts that cannot be made slow on loopback.
func TestConnectTimer(t *testing.T) {
	cases := []struct {
		timeout time.Duration
		s       session
		want    string
		waited  time.Duration
	}{
		{0, session{attempt: time.Minute}, "", 0},
		{time.Second, session{attempt: 500 * time.Millisecond, tls: 400 * time.Millisecond}, "", 0},
		{time.Second, session{attempt: 700 * time.Millisecond, tls: 400 * time.Millisecond}, ExceededConnect, 1100 * time.Millisecond},
		{time.Second, session{attempt: 3 * time.Second}, ExceededConnect, 3 * time.Second},
	}
	for i, c := range cases {
		got, waited := connectTimer(Target{ConnectTimeout: c.timeout}, c.s, nil)
		if got != c.want || waited != c.waited {
			t.Errorf("case %d: %q %s, want %q %s", i, got, waited, c.want, c.waited)
		}
	}
}
