package nginxtest

import (
	"net"
	"testing"
	"time"
)

// The capture returns the head byte for byte, even when it arrives in pieces.
func TestCapture(t *testing.T) {
	c := Capturing(t)
	conn, err := net.DialTimeout("tcp", c.Addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const head = "GET /x HTTP/1.0\r\nHost: a\r\nX-B: c\r\n\r\n"
	for _, part := range []string{head[:10], head[10:]} {
		if _, err := conn.Write([]byte(part)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	got, err := c.Next(2 * time.Second)
	if err != nil || string(got) != head {
		t.Fatalf("captured %q, %v; want %q", got, err, head)
	}
	_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 512)
	n, _ := conn.Read(buf)
	if want := "HTTP/1.1 200 OK\r\n"; n < len(want) || string(buf[:len(want)]) != want {
		t.Errorf("answer %q", buf[:n])
	}
}
