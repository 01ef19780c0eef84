package httpprobe

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fullSocket returns a unix socket whose accept queue is full: listen(fd, 1), never
// accepted, filled by non-blocking connects until one gets EAGAIN.
func fullSocket(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "full.sock")
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: path}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 1); err != nil {
		t.Fatal(err)
	}
	for i := range 16 {
		c, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { syscall.Close(c) })
		err = syscall.Connect(c, &syscall.SockaddrUnix{Name: path})
		if errors.Is(err, syscall.EAGAIN) {
			return path
		}
		if err != nil {
			t.Fatalf("connect %d: %v", i, err)
		}
	}
	msg := "the unix accept queue never filled up"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// A full accept queue is its own cause, not a timeout, though EAGAIN.Timeout() is true.
func TestUnixAcceptQueueFull(t *testing.T) {
	path := fullSocket(t)
	r := probe(t, Target{Network: "unix", Address: path, ConnectTimeout: time.Second}, 2*time.Second)
	if r.Phase != PhaseConnect || !errors.Is(r.Err, syscall.EAGAIN) || r.Exceeded != "" || r.Timing.Total > time.Second {
		t.Fatalf("phase %q err %v exceeded %q after %s", r.Phase, r.Err, r.Exceeded, r.Timing.Total)
	}
	got := Explain(r)
	if want := "the socket's accept queue is full (EAGAIN): the backend accepts no more connections"; !strings.Contains(got, want) || strings.Contains(got, "within") {
		t.Errorf("Explain = %q, want %q", got, want)
	}
}
