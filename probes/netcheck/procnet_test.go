package netcheck

import (
	"net/netip"
	"os"
	"strings"
	"testing"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The samples were captured on this box with nginx listening on 127.0.0.1:18481,
// [::1]:18482, [::]:18483 (ipv6only=off) and unix sockets, among TIME_WAIT noise.
func TestParseProcNetTCPSample(t *testing.T) {
	got, err := ParseProcNetTCP(readTestdata(t, "proc-net-tcp"), false)
	if err != nil {
		t.Fatal(err)
	}
	want := []Listener{
		{Network: "tcp", Address: netip.MustParseAddrPort("127.0.0.1:43325"), Inode: 27639},
		{Network: "tcp", Address: netip.MustParseAddrPort("0.0.0.0:2024"), Inode: 1170},
		{Network: "tcp", Address: netip.MustParseAddrPort("127.0.0.1:35205"), Inode: 27648},
		{Network: "tcp", Address: netip.MustParseAddrPort("127.0.0.1:18481"), Inode: 27773},
	}
	assertListeners(t, got, want)
}

func TestParseProcNetTCP6Sample(t *testing.T) {
	got, err := ParseProcNetTCP(readTestdata(t, "proc-net-tcp6"), true)
	if err != nil {
		t.Fatal(err)
	}
	want := []Listener{
		{Network: "tcp6", Address: netip.MustParseAddrPort("[::]:18483"), Inode: 27775},
		{Network: "tcp6", Address: netip.MustParseAddrPort("[::1]:18482"), Inode: 27774},
	}
	assertListeners(t, got, want)
}

func TestParseProcNetUnixSample(t *testing.T) {
	got, err := ParseProcNetUnix(readTestdata(t, "proc-net-unix"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Listener{
		{Network: "unix", Path: "/tmp/cap/nginx.sock", Inode: 27776},
		{Network: "unix", Path: "/tmp/cap/app.sock", Inode: 27798},
		{Network: "unix", Path: "/tmp/cap/with space.sock", Inode: 27799},
		{Network: "unix", Path: "@abstract-ngx502", Inode: 27800},
	}
	assertListeners(t, got, want)
}

func TestParseProcNetErrors(t *testing.T) {
	bad := []struct {
		name string
		data string
		v6   bool
		unix bool
	}{
		{"short tcp line", "  0: 0100007F:1F90 00000000:0000 0A\n", false, false},
		{"bad hex address", "  0: 0100G07F:1F90 00000000:0000 0A 0:0 0:0 0 0 0 12\n", false, false},
		{"v6 width in tcp", "  0: 00000000000000000000000001000000:4832 0:0 0A 0:0 0:0 0 0 0 12\n", false, false},
		{"port too wide", "  0: 0100007F:1F9000 00000000:0000 0A 0:0 0:0 0 0 0 12\n", false, false},
		{"bad inode", "  0: 0100007F:1F90 00000000:0000 0A 0:0 0:0 0 0 0 x12\n", false, false},
		{"short unix line", "0000: 00000002 00000000 00010000\n", false, true},
		{"bad unix flags", "0000: 00000002 00000000 0001zz00 0001 01 27776 /x\n", false, true},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.unix {
				_, err = ParseProcNetUnix([]byte(tc.data))
			} else {
				_, err = ParseProcNetTCP([]byte(tc.data), tc.v6)
			}
			if err == nil || !strings.Contains(err.Error(), "line 1") {
				t.Fatalf("err = %v, want an error naming line 1", err)
			}
		})
	}
}

func assertListeners(t *testing.T, got, want []Listener) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d listeners %+v, want %d %+v", len(got), got, len(want), want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("listener %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func FuzzParseProcNetTCP(f *testing.F) {
	f.Add(readTestdata(f, "proc-net-tcp"), false)
	f.Add(readTestdata(f, "proc-net-tcp6"), true)
	f.Add([]byte("  0: 0100007F:1F90 00000000:0000 0A 0:0 0:0 0 0 0 12\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, v6 bool) {
		ls, _ := ParseProcNetTCP(data, v6)
		for _, l := range ls {
			if !l.Address.Addr().IsValid() || l.Address.Addr().Is6() != v6 {
				t.Fatalf("address %v for v6=%v", l.Address, v6)
			}
			if l.Network != map[bool]string{false: "tcp", true: "tcp6"}[v6] {
				t.Fatalf("network %q", l.Network)
			}
		}
	})
}

func FuzzParseProcNetUnix(f *testing.F) {
	f.Add(readTestdata(f, "proc-net-unix"))
	f.Add([]byte("0000: 00000002 00000000 00010000 0001 01 27776 /a b\t\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ls, _ := ParseProcNetUnix(data)
		for _, l := range ls {
			if l.Network != "unix" || strings.ContainsAny(l.Path, "\n") || l.Address.IsValid() {
				t.Fatalf("bad listener %+v", l)
			}
			if l.Path != strings.TrimRight(l.Path, " \t\r") {
				t.Fatalf("path %q keeps trailing blanks", l.Path)
			}
		}
	})
}

func BenchmarkParseProcNetTCP(b *testing.B) {
	data := readTestdata(b, "proc-net-tcp")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ParseProcNetTCP(data, false); err != nil {
			b.Fatal(err)
		}
	}
}
