package nginxtest

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/fcgi"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Healthy returns the "127.0.0.1:port" of an HTTP server that answers 200 "ok".
func Healthy(t testing.TB) string {
	t.Helper()
	return Status(t, http.StatusOK)
}

// Status returns the address of an HTTP server that answers code itself (a 502 from
// behind nginx, say); the body is "ok" for 200 and "status <code>" otherwise.
func Status(t testing.TB, code int) string {
	t.Helper()
	s := httptest.NewServer(statusHandler(code))
	t.Cleanup(s.Close)
	return s.Listener.Addr().String()
}

func statusHandler(code int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(code)
		if code == http.StatusOK {
			fmt.Fprint(w, "ok")
			return
		}
		fmt.Fprintf(w, "status %d", code)
	})
}

// Refusing returns an address that refuses connections: a port bound but
// never listened on, held until cleanup so that no other test (or test
// process) can take it meanwhile.
func Refusing(t testing.TB) string {
	t.Helper()
	return Reserve(t).Addr
}

// Port is a loopback port held by a bound socket that does not listen:
// connecting to it is refused until Listen.
type Port struct {
	Addr string
	fd   int
}

// Reserve binds a free 127.0.0.1 port without listening; it is released at
// cleanup (or by Listen, which turns it into a listener).
func Reserve(t testing.TB) *Port {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("nginxtest: socket: %v", err)
	}
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		_ = syscall.Close(fd)
		t.Fatalf("nginxtest: bind: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		_ = syscall.Close(fd)
		t.Fatalf("nginxtest: getsockname: %v", err)
	}
	p := &Port{Addr: fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port), fd: fd}
	t.Cleanup(func() {
		if p.fd >= 0 {
			_ = syscall.Close(p.fd)
		}
	})
	return p
}

// Listen starts listening on the reserved port, without ever letting go
// of it: the backend "comes back" on the very address nginx was refused at.
func (p *Port) Listen(t testing.TB) net.Listener {
	t.Helper()
	if err := syscall.Listen(p.fd, 128); err != nil {
		t.Fatalf("nginxtest: listen %s: %v", p.Addr, err)
	}
	f := os.NewFile(uintptr(p.fd), p.Addr)
	p.fd = -1
	l, err := net.FileListener(f)
	_ = f.Close() // FileListener holds its own dup
	if err != nil {
		t.Fatalf("nginxtest: listener %s: %v", p.Addr, err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

// Hanging returns the address of a server that reads the request and never answers;
// its connections are closed at cleanup.
func Hanging(t testing.TB) string {
	t.Helper()
	return serveRaw(t, func(c net.Conn, done <-chan struct{}) {
		_ = readHead(c)
		<-done
	})
}

// ClosingAfterRequest returns the address of a server that reads the request head and
// closes the connection normally (FIN) without answering, like a crashed worker.
func ClosingAfterRequest(t testing.TB) string {
	t.Helper()
	return serveRaw(t, func(c net.Conn, _ <-chan struct{}) {
		_ = readHead(c)
	})
}

// Resetting returns the address of a server that reads the request, then resets the
// connection (SO_LINGER 0 turns the close into a RST).
func Resetting(t testing.TB) string {
	t.Helper()
	return serveRaw(t, func(c net.Conn, _ <-chan struct{}) {
		_ = readHead(c)
		if tc, ok := c.(*trackedConn).Conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
	})
}

// HugeHeader returns the address of a server that answers 200 "ok" with one header
// (X-Huge) whose value is size bytes: more than proxy_buffer_size gives
// "upstream sent too big header".
func HugeHeader(t testing.TB, size int) string {
	t.Helper()
	head := "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Huge: " + strings.Repeat("a", size) +
		"\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
	return serveRaw(t, func(c net.Conn, _ <-chan struct{}) {
		if readHead(c) == nil {
			_, _ = c.Write([]byte(head))
		}
	})
}

// Garbage returns the address of a server that answers any request with bytes that are
// not HTTP (an SSH banner and binary noise), then closes.
func Garbage(t testing.TB) string {
	t.Helper()
	return serveRaw(t, func(c net.Conn, _ <-chan struct{}) {
		if readHead(c) == nil {
			_, _ = c.Write([]byte("SSH-2.0-OpenSSH_9.2p1\r\n\x00\x00\x01\x14\x0a\x14garbage"))
		}
	})
}

// UnixHealthy returns the path of a unix socket (chmod mode, in a 0755 directory) where
// an HTTP server answers 200 "ok". With mode 0600 nginx workers running as nobody get
// "(13: Permission denied)".
func UnixHealthy(t testing.TB, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(tempDir(t, "ngx502-sock-"), "up.sock")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatalf("nginxtest: listen unix: %v", err)
	}
	if err := os.Chmod(path, mode); err != nil {
		l.Close()
		t.Fatal(err)
	}
	s := httptest.NewUnstartedServer(statusHandler(http.StatusOK))
	s.Listener.Close()
	s.Listener = l
	s.Start()
	t.Cleanup(s.Close)
	return path
}

// MissingSocket returns a path in a fresh 0755 directory where no socket exists:
// nginx logs "(2: No such file or directory)".
func MissingSocket(t testing.TB) string {
	t.Helper()
	return filepath.Join(tempDir(t, "ngx502-sock-"), "missing.sock")
}

// FastCGI returns the address of a Go FastCGI responder (net/http/fcgi) on 127.0.0.1
// that answers 200 "fcgi ok".
func FastCGI(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("nginxtest: listen: %v", err)
	}
	tl := newTrackedListener(ln)
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "fcgi ok")
	})
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = fcgi.Serve(tl, h)
	}()
	t.Cleanup(func() {
		tl.Close()
		<-served
	})
	return ln.Addr().String()
}

// Flaky returns the address of a server that answers 200 "ok", except that
// every n-th connection is closed after the request head without an answer:
// nginx logs "upstream prematurely closed connection" for those, while most
// requests (and most probes) get through.
func Flaky(t testing.TB, n int) string {
	t.Helper()
	var mu sync.Mutex
	count := 0
	return serveRaw(t, func(c net.Conn, _ <-chan struct{}) {
		if readHead(c) != nil {
			return
		}
		mu.Lock()
		count++
		fail := count%n == 0
		mu.Unlock()
		if !fail {
			_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n")
		}
	})
}

// ResettingMidHeader returns the address of a server that starts the response
// header and then resets the connection (RST) in the middle of it: nginx logs
// "recv() failed (104: Connection reset by peer) while reading response header".
func ResettingMidHeader(t testing.TB) string {
	t.Helper()
	return serveRaw(t, func(c net.Conn, _ <-chan struct{}) {
		if readHead(c) != nil {
			return
		}
		_, _ = c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Type: text/pl"))
		time.Sleep(50 * time.Millisecond) // let the bytes go before the RST
		if tc, ok := c.(*trackedConn).Conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
	})
}
