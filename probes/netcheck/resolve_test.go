package netcheck

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestResolveLocalhost(t *testing.T) {
	l := Resolve(context.Background(), "localhost", 2*time.Second)
	if l.Err != nil {
		t.Fatal(l.Err)
	}
	lo := netip.MustParseAddr("127.0.0.1")
	// nginx's getaddrinfo answers a name /etc/hosts lists from the file.
	if l.Source != "hosts file" || !slices.Contains(l.Addrs, lo) {
		t.Errorf("Resolve(localhost) = %+v, want the hosts file with 127.0.0.1", l)
	}
	// This box's /etc/hosts maps localhost to 127.0.0.1 only .
	if !slices.Contains(l.HostsFile, lo) {
		t.Errorf("HostsFile = %v, want 127.0.0.1 from /etc/hosts", l.HostsFile)
	}
}

func TestResolveLiteral(t *testing.T) {
	for in, want := range map[string]string{"127.0.0.1": "127.0.0.1", "::1": "::1", "[::1]": "::1"} {
		l := Resolve(context.Background(), in, time.Second)
		if l.Err != nil || l.Source != "ip literal" || len(l.Addrs) != 1 || l.Addrs[0] != netip.MustParseAddr(want) {
			t.Errorf("Resolve(%q) = %+v", in, l)
		}
		if l.HostsFile != nil || l.Took != 0 {
			t.Errorf("Resolve(%q) consulted something: %+v", in, l)
		}
	}
}

func TestResolveHostsFile(t *testing.T) {
	hosts := filepath.Join(t.TempDir(), "hosts")
	mustWrite(t, hosts, []byte("# comment\n127.0.0.1 localhost\n::1 ip6-localhost ip6-loopback\n10.1.2.3 App.internal app # trailing\nbogus line\n10.1.2.4\tapp\n"))
	l := resolve(context.Background(), "localhost", time.Second, hosts)
	if len(l.HostsFile) != 1 || l.HostsFile[0] != netip.MustParseAddr("127.0.0.1") {
		t.Errorf("HostsFile = %v", l.HostsFile)
	}
	got := HostsAddrs(readFile(t, hosts), "APP")
	want := []netip.Addr{netip.MustParseAddr("10.1.2.3"), netip.MustParseAddr("10.1.2.4")}
	if !slices.Equal(got, want) {
		t.Errorf("HostsAddrs(app) = %v, want %v", got, want)
	}
	if got := HostsAddrs(readFile(t, hosts), "trailing"); got != nil {
		t.Errorf("comment text matched: %v", got)
	}
}

func FuzzHostsAddrs(f *testing.F) {
	f.Add([]byte("127.0.0.1 localhost\n::1 ip6-localhost\n"), "localhost")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		for _, a := range HostsAddrs(data, name) {
			if !a.IsValid() {
				t.Fatal("invalid address returned")
			}
		}
	})
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestNginxOrderPutsIPv4First(t *testing.T) {
	in := []netip.Addr{netip.MustParseAddr("::1"), netip.MustParseAddr("10.0.0.2"), netip.MustParseAddr("fe80::1"), netip.MustParseAddr("10.0.0.1")}
	got := NginxOrder(in)
	want := "10.0.0.2 10.0.0.1 ::1 fe80::1"
	var s []string
	for _, a := range got {
		s = append(s, a.String())
	}
	if strings.Join(s, " ") != want {
		t.Errorf("NginxOrder = %v, want %s", s, want)
	}
}

func TestResolveWithHostsFileAnswersFromIt(t *testing.T) {
	hosts := filepath.Join(t.TempDir(), "hosts")
	if err := os.WriteFile(hosts, []byte("::1 localhost ip6-localhost\n127.0.0.1 localhost\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l := ResolveWith(context.Background(), "LocalHost", time.Second, hosts)
	if l.Source != "hosts file" || len(l.Addrs) != 2 || l.Addrs[0].String() != "127.0.0.1" || l.Addrs[1].String() != "::1" {
		t.Errorf("ResolveWith = %+v, want 127.0.0.1 then ::1 from the hosts file", l)
	}
}
