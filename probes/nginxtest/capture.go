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

// readHeadBytes reads one request head as readHead does (at most 64 KiB, within 5 s)
// and returns it through its blank line.
func readHeadBytes(c net.Conn) ([]byte, error) {
	tee := &recordingConn{Conn: c}
	if err := readHead(tee); err != nil {
		return tee.read, err
	}
	end := headLen(tee.read)
	if end == 0 {
		return tee.read, fmt.Errorf("nginxtest: request head of more than 64 KiB")
	}
	return tee.read[:end], nil
}

// recordingConn keeps every byte read through it.
type recordingConn struct {
	net.Conn
	read []byte
}

// Read reads from the connection and keeps what came.
func (c *recordingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.read = append(c.read, p[:n]...)
	return n, err
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
