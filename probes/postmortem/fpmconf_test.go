package postmortem

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestFPMLogOf(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "pool.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "pool.d/www.conf", "[www]\nerror_log = /not/global.log\nlisten = /run/php/php8.2-fpm.sock\n")
	writeFile(t, dir, "pool.d/zz-global.conf", "[global]\nerror_log = \"/var/log/from-include.log\" ; late wins\n")
	cases := []struct {
		name, conf, prefix string
		want               FPMLog
	}{
		// Debian's own php-fpm.conf, its include made relative to the prefix.
		{"debian", "", "/nonexistent", FPMLog{Path: "/var/log/php8.2-fpm.log", Ident: "php-fpm", From: filepath.Join("testdata", "fpmconf", "debian-8.2.conf") + ":26"}},
		{"unset", "[global]\npid = run/x.pid\n", "", FPMLog{Path: "/var/log/php-fpm.log", Ident: "php-fpm", From: "php-fpm's default"}},
		{"relative with prefix", "[global]\nerror_log = log/fpm.log\n", "/opt/php", FPMLog{Path: "/opt/php/log/fpm.log", Ident: "php-fpm", From: "CONF:2"}},
		{"before any section", "error_log=/var/log/a.log\n[www]\nerror_log=/var/log/b.log\n", "", FPMLog{Path: "/var/log/a.log", Ident: "php-fpm", From: "CONF:1"}},
		{"syslog", "[global]\n; error_log = /var/log/x.log\nerror_log = syslog\nsyslog.ident = php82\n", "", FPMLog{Syslog: true, Ident: "php82", From: "CONF:3"}},
		{"include wins", "[global]\nerror_log = /var/log/main.log\ninclude = " + filepath.Join(dir, "pool.d") + "/*.conf\n", "",
			FPMLog{Path: "/var/log/from-include.log", Ident: "php-fpm", From: filepath.Join(dir, "pool.d", "zz-global.conf") + ":2"}},
		{"stderr in a container", "[global]\nerror_log = /proc/self/fd/2\n", "", FPMLog{Path: "/proc/self/fd/2", Ident: "php-fpm", From: "CONF:2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conf := filepath.Join("testdata", "fpmconf", "debian-8.2.conf")
			prefix := c.prefix
			if c.conf != "" {
				conf = writeFile(t, dir, strings.ReplaceAll(c.name, " ", "-")+".conf", c.conf)
			} else {
				prefix = "testdata/fpmconf"
			}
			want := c.want
			want.From = strings.Replace(want.From, "CONF", conf, 1)
			got, err := FPMLogOf(conf, prefix)
			if err != nil || got != want {
				t.Errorf("FPMLogOf = %+v, %v\nwant %+v", got, err, want)
			}
		})
	}
}

func TestFPMLogOfRefuses(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.conf")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := FPMLogOf(fifo, ""); !errors.Is(err, errNotRegular) {
		t.Errorf("FIFO: %v", err)
	}
	if _, err := FPMLogOf(filepath.Join(dir, "none.conf"), ""); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
	big := writeFile(t, dir, "big.conf", strings.Repeat(";\n", maxConfBytes))
	if _, err := FPMLogOf(big, ""); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("big: %v", err)
	}
	many := writeFile(t, dir, "many.conf", "include = "+dir+"/inc/*.conf\n")
	if err := os.Mkdir(filepath.Join(dir, "inc"), 0o755); err != nil {
		t.Fatal(err)
	}
	for i := 0; i <= maxIncludes; i++ {
		writeFile(t, dir, "inc/"+formatPID(i)+".conf", "[p]\n")
	}
	if _, err := FPMLogOf(many, ""); err == nil || !strings.Contains(err.Error(), "more than 64") {
		t.Errorf("many includes: %v", err)
	}
}

func TestINIValue(t *testing.T) {
	for in, want := range map[string]string{
		` /var/log/x.log `:         "/var/log/x.log",
		`"/var/log/a b.log" ; c`:   "/var/log/a b.log",
		`/var/log/x.log ; comment`: "/var/log/x.log",
		`"unterminated`:            `"unterminated`,
		``:                         "",
	} {
		if got := iniValue(in); got != want {
			t.Errorf("iniValue(%q) = %q, want %q", in, got, want)
		}
	}
}
