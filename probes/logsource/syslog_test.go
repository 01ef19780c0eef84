package logsource

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStripSyslogFormats(t *testing.T) {
	in, err := os.Open(filepath.Join("testdata", "syslog", "mixed.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	got := readAll(t, StripSyslog(in))
	if want := readFile(t, filepath.Join("testdata", "syslog", "mixed.want")); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestStripSyslogTagIsExact(t *testing.T) {
	in := "Dec  2 05:00:01 web1 nginx_admin: a\nDec  2 05:00:01 web1 nginx: b\n"
	if got := readAll(t, StripSyslogTag(strings.NewReader(in), "nginx_admin")); got != "a\n" {
		t.Errorf("got %q, want only the nginx_admin line", got)
	}
}

func TestStripSyslogContinuationBounded(t *testing.T) {
	in := "Dec  2 05:00:01 web1 nginx: first\n" + strings.Repeat("junk\n", 100)
	got := readAll(t, StripSyslog(strings.NewReader(in)))
	if n := strings.Count(got, "junk"); n != maxContinuation {
		t.Errorf("%d continuation lines kept, want %d", n, maxContinuation)
	}
}

func TestSyslogTargetParsesLikeNginx(t *testing.T) {
	tests := []struct {
		path string
		want Target
	}{
		{"syslog:server=unix:/dev/log", Target{Server: "unix:/dev/log", Unix: "/dev/log", Facility: "local7", Tag: "nginx"}},
		{"syslog:server=127.0.0.1", Target{Server: "127.0.0.1", Host: "127.0.0.1", Port: 514, Facility: "local7", Tag: "nginx"}},
		{"syslog:server=[::1]:5140,facility=local6,tag=web_1,nohostname,",
			Target{Server: "[::1]:5140", Host: "::1", Port: 5140, Facility: "local6", Tag: "web_1", NoHostname: true}},
		{"syslog:server=localhost:514,severity=info", Target{Server: "localhost:514", Host: "localhost", Port: 514, Facility: "local7", Severity: "info", Tag: "nginx"}},
		{"syslog:server=192.0.2.10", Target{Server: "192.0.2.10", Host: "192.0.2.10", Port: 514, Remote: true, Facility: "local7", Tag: "nginx"}},
		{"syslog:tag=x,server=logs.example.net:1514", Target{Server: "logs.example.net:1514", Host: "logs.example.net", Port: 1514, Remote: true, Facility: "local7", Tag: "x"}},
	}
	for _, tc := range tests {
		got, err := SyslogTarget(tc.path)
		if err != nil {
			t.Errorf("SyslogTarget(%q): %v", tc.path, err)
			continue
		}
		if got != tc.want {
			t.Errorf("SyslogTarget(%q)\n got %+v\nwant %+v", tc.path, got, tc.want)
		}
	}
	if got, _ := SyslogTarget("syslog:server=192.0.2.10"); got.Addr() != "192.0.2.10:514" {
		t.Errorf("Addr = %q", got.Addr())
	}
}

func TestSyslogTargetRefusesWhatNginxRefuses(t *testing.T) {
	for path, want := range map[string]string{
		"/var/log/nginx/error.log": "not a syslog: destination",
		"syslog:":                  "unknown syslog parameter",
		"syslog:facility=local7":   "no syslog server",
		"syslog:server=unix:":      "no path in the unix domain socket",
		"syslog:server=unix:/" + strings.Repeat("s", 107):        "too long path",
		"syslog:server=127.0.0.1,facility=local9":                "unknown syslog facility",
		"syslog:server=127.0.0.1,severity=err":                   "unknown syslog severity",
		"syslog:server=127.0.0.1,tag=ngx-1":                      "letters, digits or underscores",
		"syslog:server=127.0.0.1,tag=" + strings.Repeat("a", 33): "at most 32",
		"syslog:server=127.0.0.1,server=::1":                     "duplicate syslog",
		"syslog:server=127.0.0.1:0":                              "invalid port",
		"syslog:server=127.0.0.1,foo":                            "unknown syslog parameter",
	} {
		if _, err := SyslogTarget(path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("SyslogTarget(%q) = %v, want an error saying %q", path, err, want)
		}
	}
}

func TestSyslogTargetOwnAddressIsLocal(t *testing.T) {
	addrs, err := net.InterfaceAddrs()
	if err != nil || len(addrs) == 0 {
		t.Skip("no interface addresses to test with")
	}
	ip, _, err := net.ParseCIDR(addrs[len(addrs)-1].String())
	if err != nil {
		t.Fatal(err)
	}
	tg, err := SyslogTarget("syslog:server=" + net.JoinHostPort(ip.String(), "514"))
	if err != nil {
		t.Fatal(err)
	}
	if tg.Remote {
		t.Errorf("%s is this box's own address, yet Remote", ip)
	}
}

// TestStripSyslogRealNginx has a real nginx send its errors over UDP,
// writes the datagrams as rsyslog's traditional file format does (the
// header without <PRI>), and checks the stripped text equals nginx's own
// file log; the <PRI> shows the facility SyslogTarget reports.
func TestStripSyslogRealNginx(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	path := "syslog:server=" + pc.LocalAddr().String() + ",facility=local6,tag=ngx_udp"
	target, err := SyslogTarget(path)
	if err != nil {
		t.Fatal(err)
	}
	want := realNginxErrors(t, path)

	var file strings.Builder
	buf := make([]byte, 64<<10)
	pc.SetReadDeadline(time.Now().Add(5 * time.Second))
	for file.Len() == 0 || strings.Count(file.String(), "\n") < strings.Count(want, "\n") {
		n, _, err := pc.ReadFrom(buf)
		if err != nil {
			t.Fatalf("after %q: %v", file.String(), err)
		}
		d := string(buf[:n])
		pri := fmt.Sprintf("<%d>", messageOf(target).facility*8+3)
		if !strings.HasPrefix(d, pri) {
			t.Fatalf("datagram %q does not start with %s (local6, error)", d, pri)
		}
		file.WriteString(strings.TrimPrefix(d, pri) + "\n")
	}
	if got := readAll(t, StripSyslogTag(strings.NewReader(file.String()), target.Tag)); got != want {
		t.Fatalf("syslog file\n%s\nstripped\n%s\nwant\n%s", file.String(), got, want)
	}
}
