package netcheck

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"ngx502/probes/nginxtest"
)

// rawListener listens on sa with backlog and never accepts; it returns the
// socket's inode. The net package cannot choose a backlog.
func rawListener(t *testing.T, family int, sa syscall.Sockaddr, backlog int) (fd int, inode uint64) {
	t.Helper()
	fd, err := syscall.Socket(family, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, sa); err != nil {
		if family == syscall.AF_INET6 {
			needIPv6(t, err)
		}
		t.Fatalf("bind: %v", err)
	}
	if err := syscall.Listen(fd, backlog); err != nil {
		t.Fatalf("listen: %v", err)
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		t.Fatalf("fstat: %v", err)
	}
	return fd, st.Ino
}

func needIPv6(t *testing.T, err error) {
	t.Helper()
	msg := fmt.Sprintf("no IPv6 loopback (%v)", err)
	if os.Getenv("CI") == "true" {
		t.Fatal("CI=true but " + msg)
	}
	t.Skip(msg)
}

// connectN opens n connections to addr and keeps them open until cleanup.
func connectN(t *testing.T, network, addr string, n int) {
	t.Helper()
	for range n {
		c, err := net.DialTimeout(network, addr, 2*time.Second)
		if err != nil {
			t.Fatalf("dial %s %s: %v", network, addr, err)
		}
		t.Cleanup(func() { c.Close() })
	}
}

// queueOf polls ListenQueues until the socket with inode shows wantPending (the
// kernel queues a TCP connection when the client's ACK arrives, a moment after
// connect returns) and returns it.
func queueOf(t *testing.T, inode uint64, wantPending int) Queue {
	t.Helper()
	var last Queue
	for range 100 {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		qs, err := ListenQueues(ctx)
		cancel()
		if err != nil {
			t.Fatalf("ListenQueues: %v", err)
		}
		for _, q := range qs {
			if q.Inode == inode {
				last = q
				if q.Pending == wantPending {
					return q
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if last.Inode == 0 {
		t.Fatalf("ListenQueues has no socket with inode %d", inode)
	}
	t.Fatalf("queue of inode %d = %+v, want Pending %d", inode, last, wantPending)
	return last
}

func TestListenQueuesTCP(t *testing.T) {
	cases := []struct {
		name   string
		family int
		sa     syscall.Sockaddr
		host   string
	}{
		{"ipv4", syscall.AF_INET, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}, "127.0.0.1"},
		{"ipv6", syscall.AF_INET6, &syscall.SockaddrInet6{Addr: [16]byte{15: 1}}, "::1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fd, inode := rawListener(t, tc.family, tc.sa, 7)
			sa, err := syscall.Getsockname(fd)
			if err != nil {
				t.Fatal(err)
			}
			var port int
			switch a := sa.(type) {
			case *syscall.SockaddrInet4:
				port = a.Port
			case *syscall.SockaddrInet6:
				port = a.Port
			}
			addr := net.JoinHostPort(tc.host, strconv.Itoa(port))
			connectN(t, "tcp", addr, 3)
			q := queueOf(t, inode, 3)
			want := Queue{Network: "tcp", Address: addr, Inode: inode, Pending: 3, Backlog: 7}
			if q != want {
				t.Fatalf("queue = %+v, want %+v", q, want)
			}
			if q.Full() {
				t.Error("Full() = true for 3 of 7")
			}
			ssAgrees(t, []string{"-lntH"}, addr, 3, q)
		})
	}
}

func TestListenQueuesUnix(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q.sock")
	abstract := fmt.Sprintf("ngx502-test-%d-%d", os.Getpid(), time.Now().UnixNano())
	cases := []struct {
		name, dial, want string
	}{
		{"path", path, path},
		{"abstract", "@" + abstract, "@" + abstract},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Go spells an abstract address with a leading "@" too.
			_, inode := rawListener(t, syscall.AF_UNIX, &syscall.SockaddrUnix{Name: tc.dial}, 7)
			connectN(t, "unix", tc.dial, 3)
			q := queueOf(t, inode, 3)
			want := Queue{Network: "unix", Address: tc.want, Inode: inode, Pending: 3, Backlog: 7}
			if q != want {
				t.Fatalf("queue = %+v, want %+v", q, want)
			}
			ssAgrees(t, []string{"-lxH"}, tc.want, 4, q)
		})
	}
}

// ssAgrees finds the line of `ss args` whose column addrCol is addr and checks that
// its Recv-Q and Send-Q (the two columns before) are q's Pending and Backlog.
func ssAgrees(t *testing.T, args []string, addr string, addrCol int, q Queue) {
	t.Helper()
	ss, err := exec.LookPath("ss")
	if err != nil {
		const msg = "ss not installed (apt-get install -y iproute2): no cross-check"
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but " + msg)
		}
		t.Skip(msg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, ss, args...).Output()
	if err != nil {
		t.Fatalf("ss %v: %v", args, err)
	}
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		if len(f) <= addrCol || f[addrCol] != addr {
			continue
		}
		recvQ, sendQ := f[addrCol-2], f[addrCol-1]
		if recvQ != strconv.Itoa(q.Pending) || sendQ != strconv.Itoa(q.Backlog) {
			t.Errorf("ss says Recv-Q %s Send-Q %s for %s, ListenQueues %+v", recvQ, sendQ, addr, q)
		}
		return
	}
	t.Errorf("ss %v lists no %s:\n%s", args, addr, out)
}

// A saturated listener (nginxtest) is Full, with Linux's one extra connection.
func TestListenQueuesFull(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	tcp, unix := nginxtest.SaturatedTCP(t), nginxtest.SaturatedUnix(t)
	qs, err := ListenQueues(ctx)
	if err != nil {
		t.Fatalf("ListenQueues: %v", err)
	}
	for _, c := range []struct{ network, addr string }{{"tcp", tcp}, {"unix", unix}} {
		got := QueuesFor(qs, c.network, c.addr)
		if len(got) != 1 {
			t.Fatalf("QueuesFor(%s %s) = %+v, want one", c.network, c.addr, got)
		}
		if q := got[0]; !q.Full() || q.Backlog != 1 || q.Pending != 2 {
			t.Errorf("%s queue = %+v, want Full with Pending 2 of Backlog 1", c.network, q)
		}
	}
}

// php-fpm 8.2 on Linux listens with backlog -1 unless listen.backlog says otherwise,
// which the kernel turns into net.core.somaxconn.
func TestListenQueuesPHPFPMDefaultBacklog(t *testing.T) {
	fpm := nginxtest.PHPFPM(t, nginxtest.PHPOptions{})
	raw, err := os.ReadFile("/proc/sys/net/core/somaxconn")
	if err != nil {
		t.Fatal(err)
	}
	somaxconn, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	qs, err := ListenQueues(ctx)
	if err != nil {
		t.Fatalf("ListenQueues: %v", err)
	}
	got := QueuesFor(qs, "unix", fpm.Socket)
	if len(got) != 1 || got[0].Backlog != somaxconn {
		t.Fatalf("php-fpm socket queues = %+v, want one with Backlog %d (somaxconn)", got, somaxconn)
	}
	t.Logf("php-fpm default backlog: %d (net.core.somaxconn %d)", got[0].Backlog, somaxconn)
}

func TestListenQueuesCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ListenQueues(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("ListenQueues(cancelled) error = %v, want context.Canceled", err)
	}
}

// The whole table reads quickly and every entry is sane.
func TestListenQueuesTable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	qs, err := ListenQueues(ctx)
	if err != nil {
		t.Fatalf("ListenQueues: %v", err)
	}
	t.Logf("%d listening sockets in %v", len(qs), time.Since(start))
	for _, q := range qs {
		if (q.Network != "tcp" && q.Network != "unix") || q.Inode == 0 || q.Pending < 0 || q.Backlog < 0 {
			t.Errorf("odd queue %+v", q)
		}
	}
}

// Hundreds of listeners need several datagrams per dump; every one is read.
func TestListenQueuesMultipart(t *testing.T) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	n := min(600, int(lim.Cur-64)/2)
	want := map[uint64]Queue{}
	tag := fmt.Sprintf("ngx502-many-%d-%d-", os.Getpid(), time.Now().UnixNano())
	for i := range n {
		backlog := i%50 + 1
		name := fmt.Sprintf("@%s%04d", tag, i)
		_, inode := rawListener(t, syscall.AF_UNIX, &syscall.SockaddrUnix{Name: name}, backlog)
		want[inode] = Queue{Network: "unix", Address: name, Inode: inode, Backlog: backlog}
		fd, inode := rawListener(t, syscall.AF_INET, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}, backlog)
		sa, err := syscall.Getsockname(fd)
		if err != nil {
			t.Fatal(err)
		}
		addr := fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
		want[inode] = Queue{Network: "tcp", Address: addr, Inode: inode, Backlog: backlog}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	qs, err := ListenQueues(ctx)
	if err != nil {
		t.Fatalf("ListenQueues: %v", err)
	}
	t.Logf("%d listening sockets read in %v", len(qs), time.Since(start))
	for _, q := range qs {
		if w, ok := want[q.Inode]; ok {
			if q != w {
				t.Errorf("queue = %+v, want %+v", q, w)
			}
			delete(want, q.Inode)
		}
	}
	if len(want) > 0 {
		t.Errorf("%d of %d listeners missing from the dump", len(want), 2*n)
	}
}
