package httpprobe

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// keepAlive is the request nginx's upstream keepalive sends: HTTP/1.1, no Connection.
func keepAlive(addr string) Target {
	return Target{Address: addr, Proto: HTTP11, Headers: []Header{{"Host", "ka.test"}}}
}

func TestIdleClosedByBackend(t *testing.T) {
	var mu sync.Mutex
	var idleAt, closedAt time.Time
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok"))
	}))
	s.Config.IdleTimeout = 300 * time.Millisecond
	// The server's own view of the idle time is the truth to compare with: on a loaded
	// box its timer may start late.
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		mu.Lock()
		defer mu.Unlock()
		switch st {
		case http.StateIdle:
			idleAt = time.Now()
		case http.StateClosed:
			closedAt = time.Now()
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	i := IdleClose(context.Background(), keepAlive(s.Listener.Addr().String()), 3*time.Second)
	t.Log(ExplainIdle(i, 3*time.Second))
	if i.Err != nil || i.Status != 200 || !i.Reusable || !i.Closed {
		t.Fatalf("%+v", i)
	}
	var server time.Duration
	for range 100 { // StateClosed is reported just after the close
		mu.Lock()
		server = closedAt.Sub(idleAt)
		mu.Unlock()
		if server > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	within(t, "After", i.After, max(server-150*time.Millisecond, 150*time.Millisecond), server+150*time.Millisecond)
	within(t, "the server's idle time", server, 300*time.Millisecond, 2*time.Second)
}

func TestIdleKeptOpen(t *testing.T) {
	addr := rawServer(t, func(c *net.TCPConn, done <-chan struct{}) {
		_, _ = c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nKeep-Alive: timeout=5, max=100\r\n\r\nok"))
		<-done
	})
	start := time.Now()
	i := IdleClose(context.Background(), keepAlive(addr), 500*time.Millisecond)
	t.Log(ExplainIdle(i, 500*time.Millisecond))
	if i.Err != nil || !i.Reusable || i.Closed || i.KeepAliveTimeout != 5*time.Second || i.ConnectionClose {
		t.Fatalf("%+v", i)
	}
	within(t, "the wait", time.Since(start), 450*time.Millisecond, 2*time.Second)
}

// A chunked response is read to its end; an RST on the idle connection is a close too.
func TestIdleResetAfterChunked(t *testing.T) {
	addr := rawServer(t, func(c *net.TCPConn, _ <-chan struct{}) {
		_, _ = c.Write([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-T: 1\r\n\r\n"))
		time.Sleep(200 * time.Millisecond)
		_ = c.SetLinger(0)
	})
	i := IdleClose(context.Background(), keepAlive(addr), 2*time.Second)
	if i.Err != nil || !i.Reusable || !i.Closed || !i.Reset {
		t.Fatalf("%+v", i)
	}
	within(t, "After", i.After, 150*time.Millisecond, time.Second)
}

// Responses after which nginx cannot keep the connection say why.
func TestIdleNotReusable(t *testing.T) {
	cases := map[string]string{
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok": "Connection: close",
		"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok":                      "HTTP/1.0",
		"HTTP/1.1 200 OK\r\n\r\nok":                                           "neither Content-Length nor chunked",
	}
	for response, why := range cases {
		i := IdleClose(context.Background(), keepAlive(answering(t, response)), time.Second)
		if i.Err != nil || i.Reusable || i.Closed || !strings.Contains(i.Why, why) ||
			i.ConnectionClose != strings.Contains(response, "close") || !strings.Contains(ExplainIdle(i, time.Second), why) {
			t.Errorf("%q: %+v", response, i)
		}
	}
}

func TestIdleCancelled(t *testing.T) {
	addr := rawServer(t, func(c *net.TCPConn, done <-chan struct{}) {
		_, _ = c.Write([]byte("HTTP/1.1 204 No Content\r\n\r\n"))
		<-done
	})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	i := IdleClose(ctx, keepAlive(addr), 10*time.Second)
	if i.Closed || time.Since(start) > 2*time.Second || !i.Reusable {
		t.Fatalf("after %s: %+v", time.Since(start), i)
	}
}
