package nginxtest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

const (
	// maxFill bounds the connections made to fill a backlog-1 queue; Linux admits
	// backlog+1 (2), so a few more is plenty.
	maxFill = 8
	// fillProbe is how long a TCP connect may take before the queue counts as full:
	// loopback handshakes finish in microseconds.
	fillProbe = 250 * time.Millisecond
)

// SaturatedTCP returns the "127.0.0.1:port" of a listener with backlog 1 that never
// accepts and whose accept queue is already full, so the kernel drops each new SYN
// and a connect hangs in SYN_SENT until it times out: what nginx logs as "upstream
// timed out (110: Connection timed out) while connecting to upstream".
// Everything is closed at cleanup.
func SaturatedTCP(t testing.TB) string {
	t.Helper()
	fd := saturatedListener(t, syscall.AF_INET, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatalf("nginxtest: getsockname: %v", err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
	fill(t, addr, func() (net.Conn, error) { return net.DialTimeout("tcp", addr, fillProbe) }, func(err error) bool {
		var ne net.Error
		return errors.As(err, &ne) && ne.Timeout()
	})
	return addr
}

// SaturatedUnix returns the path of a unix socket (mode 0666, so nginx workers running
// as nobody get as far as connect) with backlog 1 that never accepts and whose queue
// is already full, so a non-blocking connect fails at once with EAGAIN: what nginx
// logs as "connect() to unix:… failed (11: Resource temporarily unavailable) while
// connecting to upstream". Everything is closed at cleanup.
func SaturatedUnix(t testing.TB) string {
	t.Helper()
	path := filepath.Join(tempDir(t, "ngx502-full-"), "full.sock")
	saturatedListener(t, syscall.AF_UNIX, &syscall.SockaddrUnix{Name: path})
	if err := os.Chmod(path, 0o666); err != nil {
		t.Fatalf("nginxtest: %v", err)
	}
	// Go dials non-blocking, as nginx does, so a full queue is EAGAIN, not a wait.
	fill(t, path, func() (net.Conn, error) { return net.DialTimeout("unix", path, time.Second) }, func(err error) bool {
		return errors.Is(err, syscall.EAGAIN)
	})
	return path
}

// saturatedListener binds sa and listens with backlog 1; it never accepts.
func saturatedListener(t testing.TB, family int, sa syscall.Sockaddr) int {
	t.Helper()
	fd, err := NeverAccepting(t, family, sa, 1)
	if err != nil {
		t.Fatalf("nginxtest: %v", err)
	}
	return fd
}

// NeverAccepting returns a socket of family bound to sa and listening with backlog,
// on which nobody ever accepts, so that its accept queue fills; it is closed at
// cleanup. The net package cannot choose a backlog (it always asks for somaxconn),
// hence the syscalls. A failed bind is returned (wrapping the errno), for a test that
// skips without IPv6.
func NeverAccepting(t testing.TB, family int, sa syscall.Sockaddr, backlog int) (int, error) {
	t.Helper()
	fd, err := syscall.Socket(family, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("socket: %w", err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, sa); err != nil {
		return -1, fmt.Errorf("bind: %w", err)
	}
	if err := syscall.Listen(fd, backlog); err != nil {
		return -1, fmt.Errorf("listen: %w", err)
	}
	return fd, nil
}

// fill connects until dial fails the way a full queue makes it fail (full reports
// that), keeping every connection open until cleanup.
func fill(t testing.TB, addr string, dial func() (net.Conn, error), full func(error) bool) {
	t.Helper()
	for range maxFill {
		c, err := dial()
		if err == nil {
			t.Cleanup(func() { c.Close() })
			continue
		}
		if full(err) {
			return
		}
		t.Fatalf("nginxtest: filling the queue of %s: %v", addr, err)
	}
	t.Fatalf("nginxtest: %s still accepts connections after %d connects", addr, maxFill)
}
