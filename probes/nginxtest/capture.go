package nginxtest

import (
	"fmt"
	"net"
	"testing"
	"time"
)

// Capture is an upstream that records the exact request head (request line, header
// lines, blank line) of every request it receives, and answers 200 "ok".
type Capture struct {
	Addr  string // "127.0.0.1:port"
	heads chan []byte
}

// captureQueue bounds the heads kept unread; later ones are dropped, not waited for.
const captureQueue = 64

// Capturing starts a Capture; it stops at cleanup.
func Capturing(t testing.TB) *Capture {
	t.Helper()
	c := &Capture{heads: make(chan []byte, captureQueue)}
	c.Addr = serveRaw(t, func(conn net.Conn, _ <-chan struct{}) {
		head, err := readHeadBytes(conn)
		if err != nil {
			return
		}
		select {
		case c.heads <- head:
		default:
		}
		_, _ = conn.Write([]byte("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"))
	})
	return c
}

// Next returns the next captured request head, waiting at most d.
func (c *Capture) Next(d time.Duration) ([]byte, error) {
	select {
	case h := <-c.heads:
		return h, nil
	case <-time.After(d):
		return nil, fmt.Errorf("nginxtest: no request reached %s within %s", c.Addr, d)
	}
}

// readHeadBytes reads one request head, at most 64 KiB, within 5 s, and returns it
// through its blank line.
func readHeadBytes(c net.Conn) ([]byte, error) {
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	defer c.SetReadDeadline(time.Time{})
	buf := make([]byte, 0, 4096)
	tmp := make([]byte, 4096)
	for len(buf) < 64<<10 {
		n, err := c.Read(tmp)
		buf = append(buf, tmp[:n]...)
		if end := headLen(buf); end > 0 {
			return buf[:end], nil
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, fmt.Errorf("nginxtest: request head of more than 64 KiB")
}

// headLen is the length of the request head in b through its blank line (CRLF or
// bare LF), or 0 while incomplete.
func headLen(b []byte) int {
	for i := 0; i+1 < len(b); i++ {
		if b[i] != '\n' {
			continue
		}
		if b[i+1] == '\n' {
			return i + 2
		}
		if b[i+1] == '\r' && i+2 < len(b) && b[i+2] == '\n' {
			return i + 3
		}
	}
	return 0
}
