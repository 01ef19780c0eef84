package nginx

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestRecoverArgv(t *testing.T) {
	for _, tc := range []struct {
		name, title string
		want        []string // nil: not exact
	}{
		{"debian", "nginx: master process /usr/sbin/nginx -g daemon on; master_process on;\x00\x00\x00",
			[]string{"/usr/sbin/nginx", "-g", "daemon on; master_process on;"}},
		{"test style", "nginx: master process /usr/sbin/nginx -p /x/ -c /x/nginx.conf -g daemon off; pid /x/nginx.pid;",
			[]string{"/usr/sbin/nginx", "-p", "/x/", "-c", "/x/nginx.conf", "-g", "daemon off; pid /x/nginx.pid;"}},
		{"glued", "nginx: master process nginx -c/etc/a.conf", []string{"nginx", "-c/etc/a.conf"}},
		{"glued value with a space", "nginx: master process nginx -c/etc/my a.conf -q", []string{"nginx", "-c/etc/my a.conf", "-q"}},
		{"combined flags", "nginx: master process nginx -tq", []string{"nginx", "-tq"}},
		{"flags then glued value", "nginx: master process nginx -qc/x.conf", []string{"nginx", "-qc/x.conf"}},
		{"value with spaces", "nginx: master process /opt/nginx -c /etc/my nginx/nginx.conf",
			[]string{"/opt/nginx", "-c", "/etc/my nginx/nginx.conf"}},
		{"value after -e", "nginx: master process nginx -e /x/error.log -c /x/n.conf", []string{"nginx", "-e", "/x/error.log", "-c", "/x/n.conf"}},
		{"signal is one word", "nginx: master process nginx -s reload -q", []string{"nginx", "-s", "reload", "-q"}},
		{"lone dash", "nginx: master process nginx -", []string{"nginx", "-"}},
		{"empty value", "nginx: master process nginx -c  -q", []string{"nginx", "-c", "", "-q"}},
		{"a path runs to the next dash word", "nginx: master process nginx -c /srv/x -q", []string{"nginx", "-c", "/srv/x", "-q"}},
		{"the next element is the value, whatever it holds", "nginx: master process nginx -c -q -t", []string{"nginx", "-c", "-q", "-t"}},
		{"a path with a dash word nginx rejects", "nginx: master process nginx -c /etc/my -site.conf", nil},
		{"no options", "nginx: master process /usr/sbin/nginx", []string{"/usr/sbin/nginx"}},
		{"injection", "nginx: master process /usr/sbin/nginx -g daemon off; #; -c /other/nginx.conf", nil},
		{"trailing flag could be in -g", "nginx: master process nginx -g pid /x; -q", nil},
		{"not an option", "nginx: master process nginx foo", nil},
		{"unknown letter", "nginx: master process nginx -x", nil},
		{"value missing", "nginx: master process nginx -c", nil},
		{"bad signal", "nginx: master process nginx -s restart", nil},
		{"NULs are boundaries", "nginx: master process /usr/sbin/nginx\x00-c\x00/etc/a -q b.conf\x00",
			[]string{"/usr/sbin/nginx", "-c", "/etc/a -q b.conf"}},
		{"NULs, not nginx options", "nginx: master process /tmp/fake -c /tmp/nginx.conf\x0060\x00", nil},
		{"too long", "nginx: master process nginx" + strings.Repeat(" -q", maxTitleWords), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			argv, exact := recoverArgv(tc.title)
			if exact != (tc.want != nil) || tc.want != nil && !reflect.DeepEqual(argv, tc.want) {
				t.Fatalf("recoverArgv(%q) = %q, exact %v; want %q", tc.title, argv, exact, tc.want)
			}
		})
	}
	for _, notMaster := range []string{"/usr/sbin/nginx\x00-c\x00/etc/nginx/nginx.conf\x00", "nginx: worker process\x00\x00", "", "nginx: master process"} {
		if argv, exact := recoverArgv(notMaster); argv != nil || exact {
			t.Errorf("%q is not a master title: got %q, %v", notMaster, argv, exact)
		}
	}
}

func TestReadArgvWhy(t *testing.T) {
	for title, want := range map[string]string{
		"nginx: master process /usr/sbin/nginx -g daemon off; #; -c /other/nginx.conf": "its -g holds what looks like flags",
		"nginx: master process nginx -gdaemon off; -q -c /a":                           "its -g holds what looks like flags",
		"nginx: master process nginx foo":                                              argvInvalid,
		"nginx: master process nginx" + strings.Repeat(" -q", 70):                      argvTooLong,
		"nginx: master process nginx -q":                                               "",
	} {
		if _, why, ok := readArgv(title); !ok || why != want {
			t.Errorf("readArgv(%q): why %q ok %v, want %q", title, why, ok, want)
		}
	}
}

func TestParseOptions(t *testing.T) {
	o, ok := parseOptions([]string{"-q", "-p", "/p/", "-c/x.conf", "-e", "stderr", "-g", "daemon off;", "-c", "/y.conf"})
	if !ok || o != (options{conf: "/y.conf", prefix: "/p/", globals: "daemon off;", errorLog: "stderr"}) {
		t.Fatalf("later -c wins, glued and separate values: %+v ok %v", o, ok)
	}
	for _, bad := range [][]string{{"x"}, {""}, {"-c"}, {"-s", "restart"}, {"-z"}} {
		if _, ok := parseOptions(bad); ok {
			t.Errorf("%q must be invalid", bad)
		}
	}
}

// FuzzRecoverArgv: never panics, stays fast on crafted titles, and an exact
// argv joined back by spaces (or NULs, when the title had them) is the title.
func FuzzRecoverArgv(f *testing.F) {
	for _, s := range []string{
		"nginx: master process /usr/sbin/nginx -g daemon on; master_process on;",
		"nginx: master process /usr/sbin/nginx -g daemon off; #; -c /other/nginx.conf",
		"nginx: master process nginx -c/etc/a.conf -tq -s reload",
		"nginx: master process nginx\x00-c\x00/x\x00",
		"nginx: master process " + strings.Repeat("-c -g ", 40),
		"nginx: master process  -c  -p  -",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, title string) {
		start := time.Now()
		argv, exact := recoverArgv(title)
		if d := time.Since(start); d > time.Second {
			t.Fatalf("%q took %s", title, d)
		}
		if !exact {
			return
		}
		trimmed := strings.TrimRight(title, "\x00")
		sep := " "
		if strings.Contains(trimmed, "\x00") {
			sep = "\x00"
		}
		if got := masterTitle + strings.Join(argv, sep); got != trimmed {
			t.Fatalf("exact argv %q joins to %q, not %q", argv, got, trimmed)
		}
		if _, ok := parseOptions(argv[1:]); !ok {
			t.Fatalf("exact argv %q is not one nginx accepts", argv)
		}
	})
}
