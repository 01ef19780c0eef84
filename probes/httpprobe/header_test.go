package httpprobe

import (
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The header is counted on the wire, exactly, whatever its size up to 1 MiB.
func TestHeaderBytesExact(t *testing.T) {
	for _, n := range []int{20000, 64 << 10, 900 << 10} {
		head := "HTTP/1.1 200 OK\r\nSet-Cookie: s=" + strings.Repeat("c", n) + "\r\nContent-Length: 2\r\n\r\n"
		r := probe(t, Target{Address: answering(t, head+"ok")}, 5*time.Second)
		if r.Err != nil || r.Status != 200 || r.HeaderBytes != len(head) || r.BodyBytes != 2 {
			t.Errorf("Set-Cookie of %d: status %d HeaderBytes %d (want %d) body %d err %v", n, r.Status, r.HeaderBytes, len(head), r.BodyBytes, r.Err)
		}
	}
	// Bare LF ends lines and the header too, as in nginx.
	head := "HTTP/1.0 200 OK\nX-A: b\n\n"
	r := probe(t, Target{Address: answering(t, head+"body")}, 5*time.Second)
	if r.Err != nil || r.HeaderBytes != len(head) || r.BodyBytes != 4 || r.Proto != "HTTP/1.0" {
		t.Errorf("bare LF: HeaderBytes %d body %d proto %q err %v", r.HeaderBytes, r.BodyBytes, r.Proto, r.Err)
	}
}

func TestHeaderTooBig(t *testing.T) {
	head := "HTTP/1.1 200 OK\r\nSet-Cookie: s=" + strings.Repeat("c", maxHeaderBytes) + "\r\n\r\n"
	r := probe(t, Target{Address: answering(t, head)}, 5*time.Second)
	if r.Phase != PhaseHeader || !errors.Is(r.Err, ErrHeaderTooBig) || r.HeaderBytes < maxHeaderBytes {
		t.Fatalf("phase %q err %v HeaderBytes %d", r.Phase, r.Err, r.HeaderBytes)
	}
	if !strings.Contains(r.Err.Error(), "more than 1 MiB") || !strings.Contains(Explain(r), "more than 1 MiB") {
		t.Errorf("err %v, Explain %q", r.Err, Explain(r))
	}
}

// A reset in the middle of the header keeps its errno and the bytes before it.
func TestResetMidHeader(t *testing.T) {
	addr := rawServer(t, func(c *net.TCPConn, _ <-chan struct{}) {
		_, _ = c.Write([]byte("HTTP/1.1 2"))
		time.Sleep(50 * time.Millisecond) // let the bytes arrive before the RST
		_ = c.SetLinger(0)
	})
	r := probe(t, Target{Address: addr}, 5*time.Second)
	if r.Phase != PhaseHeader || !errors.Is(r.Err, syscall.ECONNRESET) || r.HeaderBytes != 10 {
		t.Fatalf("phase %q err %v HeaderBytes %d", r.Phase, r.Err, r.HeaderBytes)
	}
	if want := "reset the connection (RST) after 10 bytes of the response header"; !strings.Contains(Explain(r), want) {
		t.Errorf("Explain = %q, want %q", Explain(r), want)
	}
}

func TestCloseMidHeader(t *testing.T) {
	r := probe(t, Target{Address: answering(t, "HTTP/1.1 2")}, 5*time.Second)
	if r.Phase != PhaseHeader || !errors.Is(r.Err, io.ErrUnexpectedEOF) || errors.Is(r.Err, syscall.ECONNRESET) || r.HeaderBytes != 10 {
		t.Fatalf("phase %q err %v HeaderBytes %d", r.Phase, r.Err, r.HeaderBytes)
	}
	if want := "closed the connection in the middle of the response header (10 bytes received)"; !strings.Contains(Explain(r), want) {
		t.Errorf("Explain = %q", Explain(r))
	}
}

// A peer that sends a banner and waits (SSH) is recognised at once, not at the timeout.
func TestBannerNotHTTP(t *testing.T) {
	addr := rawServer(t, func(c *net.TCPConn, done <-chan struct{}) {
		_, _ = c.Write([]byte("SSH-2.0-OpenSSH_9.2p1\r\n"))
		<-done
	})
	r := probe(t, Target{Address: addr}, 10*time.Second)
	if !errors.Is(r.Err, ErrNotHTTP) || r.Timing.Total > 2*time.Second || !strings.Contains(Explain(r), `not HTTP: `) {
		t.Fatalf("err %v after %s: %s", r.Err, r.Timing.Total, Explain(r))
	}
}

// Responses nginx refuses with "upstream sent invalid header" and its siblings.
func TestInvalidHeaders(t *testing.T) {
	for _, head := range []string{
		"HTTP/1.1 200 OK\r\nX-A: b\x00c\r\n\r\n",
		"HTTP/1.1 200 OK\r\nX-A: b\rc\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n",
	} {
		r := probe(t, Target{Address: answering(t, head)}, 5*time.Second)
		if r.Phase != PhaseHeader || !errors.Is(r.Err, ErrInvalidHeader) || !strings.Contains(Explain(r), "nginx logs") {
			t.Errorf("%q: phase %q err %v", head, r.Phase, r.Err)
		}
	}
}

func TestParseStatusLine(t *testing.T) {
	good := map[string]int{
		"HTTP/1.1 200 OK\r\n": 200, "HTTP/1.0 404\r\n": 404, "HTTP/1.1 502 \n": 502,
		"HTTP/1.1  301 Moved\r\n": 301, "HTTP/1.1 403.1 Forbidden\r\n": 403, "HTTP/2.0 200 OK\r\n": 200,
	}
	for line, want := range good {
		if _, got, err := parseStatusLine([]byte(line)); err != nil || got != want {
			t.Errorf("%q: status %d err %v, want %d", line, got, err, want)
		}
	}
	for _, line := range []string{"HTTP/1.1 20 OK\r\n", "HTTP/1.1 2000\r\n", "HTTP/1.1200 OK\r\n", "HTTP/01.1 200\r\n",
		"http/1.1 200 OK\r\n", "HTTP/1 200\r\n", " HTTP/1.1 200\r\n", "HTTP/1.1 200 OK\rX\r\n", "SSH-2.0-x\r\n", "HTTP/1.100 200\r\n"} {
		if _, _, err := parseStatusLine([]byte(line)); !errors.Is(err, ErrNotHTTP) {
			t.Errorf("%q: err %v, want ErrNotHTTP", line, err)
		}
	}
}

// chunkConn serves fixed pieces as successive reads, then EOF.
type chunkConn struct {
	net.Conn
	pieces [][]byte
}

func (c *chunkConn) Read(p []byte) (int, error) {
	for len(c.pieces) > 0 && len(c.pieces[0]) == 0 {
		c.pieces = c.pieces[1:]
	}
	if len(c.pieces) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.pieces[0])
	c.pieces[0] = c.pieces[0][n:]
	return n, nil
}

// readSplit runs readHeader over b delivered in two reads split at split.
func readSplit(b []byte, split int) (responseHead, int, error) {
	w := newWire(&chunkConn{pieces: [][]byte{b[:split], b[split:]}}, time.Now())
	return readHeader(w)
}

// The header size never depends on how the bytes were split across reads.
func TestReadHeaderSplits(t *testing.T) {
	for _, msg := range []string{"HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody\r\n\r\n", "HTTP/1.0 200 OK\nA: b\n\nbody\n\n", "HTTP/1.1 204\n\r\n"} {
		want := headerEnd([]byte(msg), 0)
		for split := range len(msg) {
			if _, n, err := readSplit([]byte(msg), split); err != nil || n != want {
				t.Fatalf("%q split at %d: n %d err %v, want %d", msg, split, n, err, want)
			}
		}
	}
}

// FuzzReadHeader: the parser never panics, never counts past its input, and agrees
// with itself however the input is split.
func FuzzReadHeader(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), 3)
	f.Add([]byte("HTTP/1.0 404\n\n"), 0)
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nKeep-Alive: timeout=5\r\n\r\n"), 20)
	f.Add([]byte("SSH-2.0-OpenSSH\r\n"), 4)
	f.Fuzz(func(t *testing.T, b []byte, split int) {
		if split < 0 || split > len(b) {
			split = len(b)
		}
		h, n, err := readSplit(b, split)
		h2, n2, err2 := readSplit(b, len(b))
		// A bad status line may be caught before all of it arrives, so only the kind of
		// failure must agree; a success must agree in everything.
		same := (err == nil) == (err2 == nil) && errors.Is(err, ErrNotHTTP) == errors.Is(err2, ErrNotHTTP) &&
			errors.Is(err, ErrInvalidHeader) == errors.Is(err2, ErrInvalidHeader)
		if n > len(b) || n2 > len(b) || !same || (err == nil && (n != n2 || h.status != h2.status)) {
			t.Fatalf("split %d: n=%d/%d err=%v/%v status=%d/%d of %d bytes", split, n, n2, err, err2, h.status, h2.status, len(b))
		}
		if err == nil && (n != headerEnd(b, 0) || h.size != n || h.status < 0 || h.status > 999) {
			t.Fatalf("n=%d end=%d size=%d status=%d", n, headerEnd(b, 0), h.size, h.status)
		}
	})
}
