package httpprobe

import (
	"bytes"
	"context"
	"net"
	"sync"
	"testing"
	"time"
)

func probe(t *testing.T, target Target, timeout time.Duration) Result {
	t.Helper()
	r := Probe(context.Background(), target, timeout)
	t.Logf("%s → phase=%q err=%v\n  %s\n  %s", target.Address, r.Phase, r.Err, Explain(r), r.Command)
	return r
}

// rawServer listens on 127.0.0.1 and runs handle for each connection after reading
// the request head; connections and the listener end at cleanup, which waits for
// every handler. done is closed at cleanup, for handlers that wait.
func rawServer(t *testing.T, handle func(c *net.TCPConn, done <-chan struct{})) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				if readRequestHead(c) {
					handle(c.(*net.TCPConn), done)
				}
			}()
		}
	}()
	t.Cleanup(func() {
		close(done)
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

// readRequestHead reads up to the blank line of a request, within 5 s.
func readRequestHead(c net.Conn) bool {
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	defer c.SetReadDeadline(time.Time{})
	var buf []byte
	tmp := make([]byte, 4096)
	for len(buf) < 64<<10 {
		n, err := c.Read(tmp)
		buf = append(buf, tmp[:n]...)
		if bytes.Contains(buf, []byte("\r\n\r\n")) {
			return true
		}
		if err != nil {
			return false
		}
	}
	return false
}

// answering is a raw server that writes response and closes.
func answering(t *testing.T, response string) string {
	return rawServer(t, func(c *net.TCPConn, _ <-chan struct{}) {
		_, _ = c.Write([]byte(response))
	})
}

// within fails unless d lies in [lo, hi].
func within(t *testing.T, what string, d, lo, hi time.Duration) {
	t.Helper()
	if d < lo || d > hi {
		t.Errorf("%s = %s, want %s…%s", what, d, lo, hi)
	}
}
