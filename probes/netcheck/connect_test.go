package netcheck

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func freeClosedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestConnectRefused(t *testing.T) {
	d := Connect(context.Background(), "tcp", freeClosedPort(t), time.Second)
	if d.Err == nil || d.Errno != syscall.ECONNREFUSED {
		t.Fatalf("Connect = %+v, want ECONNREFUSED", d)
	}
}

func TestConnectOK(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	d := Connect(context.Background(), "tcp", l.Addr().String(), time.Second)
	if d.Err != nil || d.Errno != 0 || d.Took <= 0 {
		t.Fatalf("Connect = %+v, want success with a timing", d)
	}
	sock := filepath.Join(t.TempDir(), "ok.sock")
	lu, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer lu.Close()
	if d := Connect(context.Background(), "unix", sock, time.Second); d.Err != nil {
		t.Fatalf("unix Connect = %+v", d)
	}
}

func TestConnectUnixErrors(t *testing.T) {
	dir := t.TempDir()
	d := Connect(context.Background(), "unix", filepath.Join(dir, "missing.sock"), time.Second)
	if d.Errno != syscall.ENOENT {
		t.Errorf("missing socket: %+v, want ENOENT", d)
	}
	// A socket file nobody listens on any more: nginx logs "(111: Connection refused)".
	stale := filepath.Join(dir, "stale.sock")
	l, err := net.Listen("unix", stale)
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close()
	if _, err := os.Stat(stale); err != nil {
		t.Fatal(err)
	}
	if d := Connect(context.Background(), "unix", stale, time.Second); d.Errno != syscall.ECONNREFUSED {
		t.Errorf("stale socket: %+v, want ECONNREFUSED", d)
	}
	if d := Connect(context.Background(), "udp", "127.0.0.1:1", time.Second); d.Err == nil {
		t.Error("udp accepted")
	}
}

func TestConnectCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d := Connect(ctx, "tcp", freeClosedPort(t), time.Second)
	if d.Err == nil {
		t.Fatalf("Connect on a cancelled context = %+v", d)
	}
}
