package netcheck

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestPingLoopback(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	start := time.Now()
	p := PingHost(context.Background(), "127.0.0.1", port, 3, 4*time.Second)
	if took := time.Since(start); took > 4500*time.Millisecond {
		t.Errorf("PingHost took %v, beyond its 4s timeout", took)
	}
	if p.Err != nil || p.Received == 0 || p.Sent < p.Received || p.AvgRTT <= 0 {
		t.Fatalf("PingHost = %+v", p)
	}
	switch p.Method {
	case "icmp":
		if os.Geteuid() != 0 && !pingGroupAllows("/proc/sys/net/ipv4/ping_group_range", os.Getegid()) {
			t.Errorf("icmp used without permission: %+v", p)
		}
	case "tcp":
		if p.Note == "" {
			t.Errorf("tcp fallback without a note: %+v", p)
		}
	default:
		t.Errorf("Method %q", p.Method)
	}
	t.Logf("ping 127.0.0.1: method %s, %d/%d, avg %v, note %q", p.Method, p.Received, p.Sent, p.AvgRTT, p.Note)
	if os.Geteuid() == 0 && p.Method != "icmp" {
		t.Logf("root could not use ICMP on this box: %s", p.Note)
	}
}

// TestTCPPing checks the fallback alone: a refusal is an answer from the host.
func TestTCPPing(t *testing.T) {
	port := freeClosedPort(t)
	_, ps, _ := net.SplitHostPort(port)
	pn, _ := strconv.Atoi(ps)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	p := tcpPing(ctx, Ping{Host: "127.0.0.1", Note: "test"}, pn, 3)
	if p.Method != "tcp" || p.Sent != 3 || p.Received != 3 || p.Err != nil {
		t.Fatalf("tcpPing to a closed port = %+v, want 3/3 answered by RST", p)
	}
	if p := tcpPing(ctx, Ping{Host: "127.0.0.1"}, 0, 3); p.Err == nil {
		t.Error("port 0 accepted")
	}
	if d := Connect(ctx, "tcp", port, time.Second); d.Errno != syscall.ECONNREFUSED {
		t.Fatalf("precondition: %+v", d)
	}
}

func TestPingBoundsCount(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	p := PingHost(context.Background(), "127.0.0.1", l.Addr().(*net.TCPAddr).Port, 1000, 5*time.Second)
	if p.Sent > maxPings {
		t.Fatalf("sent %d, want at most %d", p.Sent, maxPings)
	}
}

func TestPingGroupAllows(t *testing.T) {
	f := t.TempDir() + "/range"
	mustWrite(t, f, []byte("1\t0\n"))
	if pingGroupAllows(f, 0) || pingGroupAllows(f, 1) {
		t.Error("\"1 0\" (the off value) allowed a group")
	}
	mustWrite(t, f, []byte("0 2147483647\n"))
	if !pingGroupAllows(f, 1000) {
		t.Error("full range denied gid 1000")
	}
}

// TestPingUnprivileged runs as nobody: with ping_group_range "1 0" (this box)
// ICMP is off for non-root, so the result must be a TCP ping that says why.
func TestPingUnprivileged(t *testing.T) {
	if os.Getenv(childEnv) == t.Name() {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fmt.Println("ERR", err)
			os.Exit(1)
		}
		defer l.Close()
		p := PingHost(context.Background(), "127.0.0.1", l.Addr().(*net.TCPAddr).Port, 2, 2*time.Second)
		fmt.Printf("METHOD %s RECEIVED %d ERR %v NOTE %s\n", p.Method, p.Received, p.Err, p.Note)
		return
	}
	out := runAsNobody(t)
	if pingGroupAllows("/proc/sys/net/ipv4/ping_group_range", 65534) {
		if !strings.Contains(out, "METHOD icmp") {
			t.Fatalf("ping_group_range allows nobody but ICMP was not used:\n%s", out)
		}
		return
	}
	if !strings.Contains(out, "METHOD tcp RECEIVED 2 ERR <nil> NOTE ICMP needs root") {
		t.Fatalf("unprivileged ping:\n%s", out)
	}
}
