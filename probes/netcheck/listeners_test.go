package netcheck

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func selfComm(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// TestReadTableLive opens real listeners and expects the live /proc to name this process.
func TestReadTableLive(t *testing.T) {
	l4, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l4.Close()
	l6, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Fatalf("listen [::1]: %v", err)
	}
	defer l6.Close()
	sock := filepath.Join(t.TempDir(), "app.sock")
	lu, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer lu.Close()

	tab, err := ReadTable("/proc")
	if err != nil {
		t.Fatal(err)
	}
	if tab.Partial {
		t.Errorf("Partial = true while running as uid %d", os.Geteuid())
	}
	comm := selfComm(t)
	check := func(what string, got []Listener, network string) {
		t.Helper()
		if len(got) != 1 {
			t.Fatalf("%s: %d listeners %+v, want 1", what, len(got), got)
		}
		l := got[0]
		if l.Network != network || l.PID != os.Getpid() || l.Process != comm || l.Inode == 0 {
			t.Errorf("%s: %+v, want network %s pid %d comm %q", what, l, network, os.Getpid(), comm)
		}
		if !strings.Contains(l.Cmdline, filepath.Base(os.Args[0])) {
			t.Errorf("%s: cmdline %q lacks %q", what, l.Cmdline, filepath.Base(os.Args[0]))
		}
	}
	check("127.0.0.1", tab.ForTCP(l4.Addr().(*net.TCPAddr).AddrPort()), "tcp")
	check("[::1]", tab.ForTCP(l6.Addr().(*net.TCPAddr).AddrPort()), "tcp6")
	check("unix", tab.ForUnix(sock), "unix")

	all, err := Listeners("/proc")
	if err != nil || len(all) < 3 {
		t.Fatalf("Listeners = %d, %v", len(all), err)
	}
}

// TestReadTableFakeProc maps inodes to processes in a hand-made /proc tree,
// including a socket shared by a master and its worker.
func TestReadTableFakeProc(t *testing.T) {
	root := t.TempDir()
	mustWrite(t, filepath.Join(root, "net/tcp"), readTestdata(t, "proc-net-tcp"))
	mustWrite(t, filepath.Join(root, "net/unix"), readTestdata(t, "proc-net-unix"))
	// no net/tcp6: a kernel without IPv6 must still work
	proc := func(pid int, comm, cgroup string, inodes ...uint64) {
		dir := filepath.Join(root, fmt.Sprint(pid))
		mustWrite(t, filepath.Join(dir, "comm"), []byte(comm+"\n"))
		mustWrite(t, filepath.Join(dir, "cmdline"), []byte(comm+"\x00-g\x00daemon off;\x00"))
		mustWrite(t, filepath.Join(dir, "cgroup"), []byte(cgroup))
		if err := os.MkdirAll(filepath.Join(dir, "fd"), 0o755); err != nil {
			t.Fatal(err)
		}
		for i, ino := range inodes {
			link := filepath.Join(dir, "fd", fmt.Sprint(i+3))
			if err := os.Symlink(fmt.Sprintf("socket:[%d]", ino), link); err != nil {
				t.Fatal(err)
			}
		}
	}
	proc(200, "nginx", "0::/system.slice/nginx.service\n", 27773, 27776, 27773)
	proc(201, "nginx", "0::/system.slice/nginx.service\n", 27773, 27776)
	proc(300, "python3", "0::/user.slice/user-1000.slice/user@1000.service/app.slice/app.service\n", 27798)
	mustWrite(t, filepath.Join(root, "self"), nil) // non-numeric entries are ignored

	tab, err := ReadTable(root)
	if err != nil {
		t.Fatal(err)
	}
	got := tab.ForTCP(netip.MustParseAddrPort("127.0.0.1:18481"))
	if len(got) != 2 || got[0].PID != 200 || got[1].PID != 201 {
		t.Fatalf("ForTCP 18481 = %+v, want pids 200 and 201", got)
	}
	if got[0].Process != "nginx" || got[0].Cmdline != "nginx -g daemon off;" {
		t.Errorf("owner = %+v", got[0])
	}
	if u := tab.ForUnix("/tmp/cap//app.sock"); len(u) != 1 || u[0].PID != 300 {
		t.Errorf("ForUnix app.sock = %+v", u)
	}
	if u := tab.ForUnix("@abstract-ngx502"); len(u) != 1 || u[0].PID != 0 {
		t.Errorf("ForUnix abstract = %+v, want one unowned listener", u)
	}
	if got := tab.ForTCP(netip.MustParseAddrPort("127.0.0.1:43325")); len(got) != 1 || got[0].PID != 0 {
		t.Errorf("unowned listener = %+v", got)
	}
}

func TestForTCPMatching(t *testing.T) {
	ap := netip.MustParseAddrPort
	tab := Table{Listeners: []Listener{
		{Network: "tcp", Address: ap("0.0.0.0:80"), Inode: 1},
		{Network: "tcp6", Address: ap("[::]:443"), Inode: 2},
		{Network: "tcp", Address: ap("127.0.0.1:8080"), Inode: 3},
		{Network: "tcp6", Address: ap("[::ffff:127.0.0.1]:9000"), Inode: 4},
		{Network: "tcp6", Address: ap("[::1]:8080"), Inode: 5},
		{Network: "unix", Path: "/run/php/php-fpm.sock", Inode: 6},
	}}
	cases := []struct {
		query string
		want  []uint64
	}{
		{"10.0.0.5:80", []uint64{1}},
		{"[::1]:80", nil}, // 0.0.0.0 does not accept IPv6
		{"127.0.0.1:443", []uint64{2}},
		{"[2001:db8::1]:443", []uint64{2}},
		{"127.0.0.1:8080", []uint64{3}},
		{"[::1]:8080", []uint64{5}},
		{"[::ffff:127.0.0.1]:8080", []uint64{3}},
		{"127.0.0.1:9000", []uint64{4}},
		{"127.0.0.2:8080", nil},
		{"127.0.0.1:81", nil},
	}
	for _, c := range cases {
		var got []uint64
		for _, l := range tab.ForTCP(ap(c.query)) {
			got = append(got, l.Inode)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("ForTCP(%s) = %v, want %v", c.query, got, c.want)
		}
	}
	if got := tab.ForTCP(netip.AddrPortFrom(netip.Addr{}, 8080)); len(got) != 2 {
		t.Errorf("port-only query = %+v, want both 8080 listeners", got)
	}
	if got := tab.ForUnix("/run/php/../php/php-fpm.sock"); len(got) != 1 {
		t.Errorf("ForUnix = %+v", got)
	}
}

// TestReadTablePartial re-runs this test binary as nobody, who cannot read
// other users' /proc/PID/fd, and expects Partial to say so.
func TestReadTablePartial(t *testing.T) {
	if os.Getenv(childEnv) == t.Name() {
		tab, err := ReadTable("/proc")
		if err != nil {
			fmt.Println("ERR", err)
			os.Exit(1)
		}
		fmt.Println("PARTIAL", tab.Partial)
		os.Exit(0)
	}
	out := runAsNobody(t)
	if !strings.Contains(out, "PARTIAL true") {
		t.Fatalf("child as nobody did not report Partial:\n%s", out)
	}
}

// childEnv names the test a re-executed child should act out.
const childEnv = "NGX502_NETCHECK_CHILD"

// runAsNobody re-runs the calling test in a copy of this test binary as uid
// 65534, with childEnv set to the test's name, and returns its output.
func runAsNobody(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to switch to nobody")
	}
	// t.TempDir's parent is 0700; nobody must be able to exec the copy.
	dir, err := os.MkdirTemp("", "ngx502-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "netcheck.test")
	mustWrite(t, bin, data)
	if err := os.Chmod(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-test.run=^"+t.Name()+"$")
	cmd.Env = append(os.Environ(), childEnv+"="+t.Name())
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child as nobody: %v\n%s", err, out)
	}
	return string(out)
}

func mustWrite(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkReadTable(b *testing.B) {
	for b.Loop() {
		if _, err := ReadTable("/proc"); err != nil {
			b.Fatal(err)
		}
	}
}
