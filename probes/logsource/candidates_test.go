package logsource

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// short is a candidate list as "path sure|guess", one per line, for comparing.
func short(cs []Candidate) string {
	var b strings.Builder
	for _, c := range cs {
		kind := "guess"
		if c.Sure {
			kind = "sure"
		}
		fmt.Fprintf(&b, "%s %s\n", c.Path, kind)
	}
	return b.String()
}

// target parses an error_log path or fails the test.
func target(t *testing.T, path string) Target {
	t.Helper()
	tg, err := SyslogTarget(path)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func TestLocalSyslogFiles(t *testing.T) {
	tests := []struct {
		root, path string
		want       string
	}{
		{"debian12", "syslog:server=unix:/dev/log", "/var/log/syslog sure\n"},
		{"debian12-nginx", "syslog:server=unix:/dev/log", "/var/log/nginx/syslog-error.log sure\n"},
		{"debian12-nginx", "syslog:server=unix:/dev/log,tag=web,facility=local6", "/var/log/local6-errors.log sure\n/var/log/syslog sure\n"},
		{"debian12-nginx", "syslog:server=unix:/dev/log,tag=web,facility=local6,severity=crit", "/var/log/local6-errors.log sure\n/var/log/syslog sure\n"},
		{"debian12-nginx", "syslog:server=unix:/dev/log,tag=web,facility=auth", "/var/log/auth.log sure\n"},
		{"rhel9", "syslog:server=unix:/dev/log", "/var/log/messages sure\n/var/log/boot.log sure\n"},
		{"rhel9", "syslog:server=unix:/dev/log,facility=local6", "/var/log/messages sure\n"},
		{"rhel9", "syslog:server=127.0.0.1", "/var/log/messages guess\n/var/log/boot.log guess\n"},
		{"rainer", "syslog:server=unix:/dev/log", "/var/log/nginx/errors.log sure\n/var/log/nginx/upstream.log guess\n"},
		{"rainer", "syslog:server=127.0.0.1:10514,tag=ngxweb", "/var/log/ngx.log sure\n/var/log/syslog sure\n"},
		{"rainer", "syslog:server=unix:/dev/log,tag=web", "/var/log/not-ngx.log sure\n/var/log/syslog sure\n"},
		{"rainer", "syslog:server=unix:/run/other.sock,tag=web", "/var/log/not-ngx.log guess\n/var/log/syslog guess\n"},
		{"udp", "syslog:server=127.0.0.1:5140", "/var/log/nginx-udp.log sure\n"},
		{"udp", "syslog:server=localhost", "/var/log/nginx-udp.log guess\n"},
		{"syslogng", "syslog:server=unix:/dev/log", "/var/log/syslog sure\n/var/log/error sure\n/var/log/nginx/syslog.log sure\n"},
		{"syslogng", "syslog:server=unix:/dev/log,tag=nginxweb", "/var/log/syslog sure\n/var/log/error sure\n/var/log/after-final.log sure\n"},
		{"syslogng", "syslog:server=unix:/dev/log,facility=auth", "/var/log/auth.log sure\n/var/log/error sure\n/var/log/nginx/syslog.log sure\n"},
		{"syslogng", "syslog:server=127.0.0.1", ""},
		{"none", "syslog:server=unix:/dev/log", "/var/log/messages guess\n"},
		{"none", "syslog:server=192.0.2.10", ""},
	}
	for _, tc := range tests {
		got := LocalSyslogFiles(filepath.Join("testdata", "roots", tc.root), target(t, tc.path))
		if short(got) != tc.want {
			t.Errorf("%s, %s:\n got %s\nwant %s\nwhy: %+v", tc.root, tc.path, short(got), tc.want, got)
		}
	}
}

func TestLocalSyslogFilesSaysWhy(t *testing.T) {
	got := LocalSyslogFiles(filepath.Join("testdata", "roots", "debian12-nginx"), target(t, "syslog:server=unix:/dev/log"))
	if len(got) != 1 || got[0].Why != `rsyslog /etc/rsyslog.d/30-nginx.conf:2: :programname, isequal, "nginx" /var/log/nginx/syslog-error.log` {
		t.Errorf("got %+v", got)
	}
	got = LocalSyslogFiles(filepath.Join("testdata", "roots", "rhel9"), target(t, "syslog:server=127.0.0.1"))
	if len(got) == 0 || !strings.Contains(got[0].Why, "rsyslog has no UDP input on port 514 (imudp)") {
		t.Errorf("got %+v, want the missing UDP input said", got)
	}
	got = LocalSyslogFiles(filepath.Join("testdata", "roots", "syslogng"), target(t, "syslog:server=unix:/dev/log"))
	if len(got) != 3 || got[2].Why != "syslog-ng /etc/syslog-ng/conf.d/nginx.conf:5: log { source(s_src); filter(f_nginx); destination(d_nginx); destination(d_nginx_by_host); }" {
		t.Errorf("got %+v", got)
	}
}

// writeTree writes files (box path → content) below a new root.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, text := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestRsyslogIncludesBounded(t *testing.T) {
	files := map[string]string{
		"/etc/rsyslog.conf":  "module(load=\"imuxsock\")\n$IncludeConfig /etc/r/1.conf\n",
		"/etc/r/loop.conf":   "$IncludeConfig /etc/r/loop.conf\nlocal7.* /var/log/loop.log\n",
		"/etc/r/6.conf":      "local7.* /var/log/too-deep.log\n",
		"/etc/r/huge.conf":   "local7.* /var/log/huge.log\n" + strings.Repeat("#\n", maxConfFile),
		"/etc/rsyslog.d/x.y": "",
	}
	for i := 1; i <= 5; i++ {
		files[fmt.Sprintf("/etc/r/%d.conf", i)] = fmt.Sprintf("local7.* /var/log/depth%d.log\n$IncludeConfig /etc/r/%d.conf\n", i, i+1)
	}
	files["/etc/r/1.conf"] += "$IncludeConfig /etc/r/loop.conf\n$IncludeConfig /etc/r/huge.conf\n"
	root := writeTree(t, files)
	got := LocalSyslogFiles(root, target(t, "syslog:server=unix:/dev/log"))
	want := "/var/log/depth1.log sure\n/var/log/depth2.log sure\n/var/log/depth3.log sure\n/var/log/depth4.log sure\n/var/log/loop.log sure\n"
	if short(got) != want {
		t.Fatalf("got\n%swant\n%s", short(got), want)
	}
	for _, note := range []string{"more than 4 levels", "/etc/r/huge.conf: not read"} {
		if !strings.Contains(got[0].Why, note) {
			t.Errorf("Why %q does not say %q", got[0].Why, note)
		}
	}
}

func TestRsyslogFileCountBounded(t *testing.T) {
	files := map[string]string{"/etc/rsyslog.conf": "module(load=\"imuxsock\")\n$IncludeConfig /etc/rsyslog.d/*.conf\n"}
	for i := range 250 {
		files[fmt.Sprintf("/etc/rsyslog.d/%03d.conf", i)] = fmt.Sprintf(":programname, isequal, \"nginx\" /var/log/n%03d.log\n", i)
	}
	got := LocalSyslogFiles(writeTree(t, files), target(t, "syslog:server=unix:/dev/log"))
	if len(got) != maxConfFiles-1 || got[len(got)-1].Path != "/var/log/n198.log" {
		t.Fatalf("%d candidates, last %+v; want %d, the last from file 198", len(got), got[len(got)-1], maxConfFiles-1)
	}
}

func TestConfigFIFOIsNotOpenedForReading(t *testing.T) {
	root := writeTree(t, map[string]string{"/etc/rsyslog.conf": "module(load=\"imuxsock\")\n$IncludeConfig /etc/rsyslog.d/*.conf\n*.* /var/log/all.log\n"})
	if err := os.MkdirAll(filepath.Join(root, "etc/rsyslog.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(root, "etc/rsyslog.d/fifo.conf"), 0o644); err != nil {
		t.Fatal(err)
	}
	got := LocalSyslogFiles(root, target(t, "syslog:server=unix:/dev/log"))
	if len(got) != 1 || got[0].Path != "/var/log/all.log" || !strings.Contains(got[0].Why, "not a regular file") {
		t.Fatalf("got %+v", got)
	}
}

func TestSyslogViaJournal(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "dev"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/run/systemd/journal/dev-log", filepath.Join(root, "dev/log")); err != nil {
		t.Fatal(err)
	}
	if !SyslogViaJournal(root, target(t, "syslog:server=unix:/dev/log")) {
		t.Error("/dev/log → journald's socket not seen")
	}
	if !SyslogViaJournal(t.TempDir(), target(t, "syslog:server=unix:/run/systemd/journal/dev-log")) {
		t.Error("journald's socket named directly not seen")
	}
	if SyslogViaJournal(t.TempDir(), target(t, "syslog:server=unix:/dev/log")) {
		t.Error("a missing /dev/log taken for journald's")
	}
	if SyslogViaJournal(root, target(t, "syslog:server=127.0.0.1")) {
		t.Error("a UDP server taken for journald's socket")
	}
}
