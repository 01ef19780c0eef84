package nginx

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

const debianV = `nginx version: nginx/1.22.1
built with OpenSSL 3.0.22 25 Aug 2026 (running with OpenSSL 3.0.19 27 Jan 2026)
TLS SNI support enabled
configure arguments: --with-cc-opt='-g -O2 -fstack-protector-strong -Wformat' --prefix=/usr/share/nginx --conf-path=/etc/nginx/nginx.conf --http-log-path=/var/log/nginx/access.log --error-log-path=stderr --pid-path=/run/nginx.pid --with-threads --with-http_ssl_module
`

func TestParseVDebian(t *testing.T) {
	b := ParseV(debianV)
	want := Build{
		Product: "nginx", Version: "1.22.1",
		ConfigureArgs: []string{"--with-cc-opt=-g -O2 -fstack-protector-strong -Wformat", "--prefix=/usr/share/nginx",
			"--conf-path=/etc/nginx/nginx.conf", "--http-log-path=/var/log/nginx/access.log", "--error-log-path=stderr",
			"--pid-path=/run/nginx.pid", "--with-threads", "--with-http_ssl_module"},
		Prefix: "/usr/share/nginx", ConfPath: "/etc/nginx/nginx.conf", ErrorLogPath: "stderr",
		HTTPLogPath: "/var/log/nginx/access.log", PIDPath: "/run/nginx.pid", User: "nobody", Threads: true, Raw: debianV,
	}
	if !reflect.DeepEqual(b, want) {
		t.Fatalf("ParseV:\n got %#v\nwant %#v", b, want)
	}
}

func TestParseVDefaultsAndVendors(t *testing.T) {
	b := ParseV("nginx version: openresty/1.21.4.1\nconfigure arguments: --user=www \"--with-cc-opt=-O2 -g\" --without-http_gzip_module\n")
	if b.Product != "openresty" || b.Version != "1.21.4.1" || b.User != "www" || b.Threads {
		t.Fatalf("vendor build: %+v", b)
	}
	if b.Prefix != "/usr/local/nginx" || b.ConfPath != "conf/nginx.conf" || b.ErrorLogPath != "logs/error.log" {
		t.Fatalf("configure defaults not applied: %+v", b)
	}
	if b.ConfigureArgs[1] != "--with-cc-opt=-O2 -g" {
		t.Fatalf("double quotes: %q", b.ConfigureArgs)
	}
	if e := ParseV("nginx version: nginx/1.25.3 (Ubuntu)\n"); e.Version != "1.25.3" || e.Prefix != "" {
		t.Fatalf("no configure line must leave paths empty: %+v", e)
	}
}

func TestVersionRealBinary(t *testing.T) {
	bin := nginxBinary(t)
	b, err := Version(context.Background(), bin)
	if err != nil {
		t.Fatal(err)
	}
	if b.Binary != bin || b.Version == "" || b.Product != "nginx" || len(b.ConfigureArgs) == 0 {
		t.Fatalf("real -V parsed badly: %+v", b)
	}
	if !strings.Contains(b.Raw, "configure arguments:") || b.ConfPath == "" || b.Prefix == "" {
		t.Fatalf("paths missing from %q", b.Raw)
	}
	// Debian's nginx-light is built with threads and a stderr startup log.
	if strings.Contains(b.Raw, "--with-threads") != b.Threads {
		t.Fatalf("Threads=%v disagrees with %q", b.Threads, b.Raw)
	}
}

func TestVersionMissingBinary(t *testing.T) {
	if _, err := Version(context.Background(), "/nonexistent/nginx"); err == nil {
		t.Fatal("want an error for a missing binary")
	}
}

func FuzzParseV(f *testing.F) {
	f.Add(debianV)
	f.Add("configure arguments: 'unterminated \"x \\")
	f.Add("nginx version: /\n")
	f.Fuzz(func(t *testing.T, s string) {
		b := ParseV(s)
		if b.Raw != s {
			t.Fatal("Raw must keep the input")
		}
		if strings.Contains(s, "--with-threads") == false && b.Threads {
			t.Fatal("Threads without --with-threads")
		}
	})
}
