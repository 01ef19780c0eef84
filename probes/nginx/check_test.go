package nginx

import (
	"context"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseTestOutputForms(t *testing.T) {
	console := `nginx: [warn] 1024 worker_connections exceed open file resource limit: 256
nginx: [emerg] host not found in upstream "app" in /etc/nginx/conf.d/default.conf:12
nginx: configuration file /etc/nginx/nginx.conf test failed
`
	stamped := `2026/11/25 12:44:29 [emerg] 5935#5935: unknown directive "bogus" in /tmp/p/nginx.conf:3
2026/11/25 12:44:29 [emerg] 5935#5935: "daemon" directive is duplicate in command line
nginx: configuration file /tmp/p/nginx.conf test failed
`
	ok := "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\n"
	cases := []struct {
		name, in string
		want     []Problem
	}{
		{"console", console, []Problem{
			{Level: "warn", Message: "1024 worker_connections exceed open file resource limit: 256"},
			{Level: "emerg", Message: `host not found in upstream "app"`, Where: Where{"/etc/nginx/conf.d/default.conf", 12}},
		}},
		{"timestamped", stamped, []Problem{
			{Level: "emerg", Message: `unknown directive "bogus"`, Where: Where{"/tmp/p/nginx.conf", 3}},
			{Level: "emerg", Message: `"daemon" directive is duplicate`, Where: Where{File: "command line"}},
		}},
		{"success", ok, nil},
		{"crlf", "nginx: [alert] could not open error log file\r\n", []Problem{{Level: "alert", Message: "could not open error log file"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ParseTestOutput(c.in); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %#v\nwant %#v", got, c.want)
			}
		})
	}
}

func TestTestArgv(t *testing.T) {
	in := Install{Binary: "/usr/sbin/nginx", Conf: "/etc/nginx/nginx.conf", Prefix: "/usr/share/nginx/", Globals: "daemon on; master_process on;"}
	want := []string{"/usr/sbin/nginx", "-t", "-c", "/etc/nginx/nginx.conf", "-p", "/usr/share/nginx/", "-g", "daemon on; master_process on;"}
	if got := TestArgv(in); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q", got)
	}
	if got := TestArgv(Install{Binary: "nginx", Conf: "/c"}); !reflect.DeepEqual(got, []string{"nginx", "-t", "-c", "/c"}) {
		t.Fatalf("no -p/-g when unknown: %q", got)
	}
}

const validConf = `worker_processes 1;
events { worker_connections 64; }
http {
    include upstreams.conf;
    server {
        listen 127.0.0.1:8099;
        location / { proxy_pass http://backend; }
    }
}
`

func TestTestRealNginx(t *testing.T) {
	bin := nginxBinary(t)
	prefix := tempPrefix(t, map[string]string{
		"nginx.conf":     validConf,
		"upstreams.conf": "upstream backend { server 127.0.0.1:9; }\n",
		"bad.conf":       "worker_processes 1;\nevents {}\nbogus_directive on;\n",
	})
	in := Install{Binary: bin, Conf: prefix + "nginx.conf", Prefix: prefix, Globals: privateGlobals(prefix)}
	r := Test(context.Background(), in)
	if r.Err != nil || !r.OK || r.ExitCode != 0 || len(r.Problems) != 0 {
		t.Fatalf("valid config: %+v", r)
	}
	if !strings.Contains(r.Output, "syntax is ok") {
		t.Fatalf("output: %q", r.Output)
	}
	in.Conf = prefix + "bad.conf"
	r = Test(context.Background(), in)
	if r.Err != nil || r.OK || r.ExitCode != 1 {
		t.Fatalf("invalid config must fail with exit 1: %+v", r)
	}
	want := Problem{Level: "emerg", Message: `unknown directive "bogus_directive"`, Where: Where{prefix + "bad.conf", 3}}
	if len(r.Problems) != 1 || r.Problems[0] != want {
		t.Fatalf("problems %#v from %q", r.Problems, r.Output)
	}
	if _, err := Dump(context.Background(), in); err == nil {
		t.Fatal("nginx -T on a failing config must be an error")
	}
}

func TestTestCannotRun(t *testing.T) {
	r := Test(context.Background(), Install{Binary: "/nonexistent/nginx", Conf: "/x"})
	if r.Err == nil || r.OK {
		t.Fatalf("want Err for a missing binary: %+v", r)
	}
}

func TestDumpRealNginxFeedsLoad(t *testing.T) {
	bin := nginxBinary(t)
	prefix := tempPrefix(t, map[string]string{
		"nginx.conf":     validConf,
		"upstreams.conf": "upstream backend {\n    server 127.0.0.1:9;\n    keepalive 4;\n}", // no final newline
	})
	in := Install{Binary: bin, Conf: prefix + "nginx.conf", Prefix: prefix, Globals: privateGlobals(prefix)}
	out, err := Dump(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	files := DumpFiles(out)
	if files[prefix+"nginx.conf"] != validConf {
		t.Fatalf("nginx.conf not restored verbatim: %q", files[prefix+"nginx.conf"])
	}
	if got := files[prefix+"upstreams.conf"]; got != "upstream backend {\n    server 127.0.0.1:9;\n    keepalive 4;\n}" {
		t.Fatalf("upstreams.conf: %q", got)
	}
	fromDisk, err := Load(context.Background(), in.Conf, LoadOptions{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	fromDump, err := Load(context.Background(), in.Conf, LoadOptions{Prefix: prefix}.WithDump(files))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromDisk, fromDump) {
		t.Fatalf("dump model differs from disk model:\n%+v\n%+v", fromDisk, fromDump)
	}
	eps := fromDump.Endpoints()
	if len(eps) != 1 || eps[0].Address != "127.0.0.1:9" || eps[0].Group != "backend" || eps[0].Where != (Where{prefix + "upstreams.conf", 2}) {
		t.Fatalf("endpoints from dump: %+v", eps)
	}
}

func TestDumpFilesSplit(t *testing.T) {
	dump := "# configuration file /a.conf:\nevents {}\ninclude /b.conf;\n\n# configuration file /b.conf:\n# configuration file looks like a header but no colon\nx 1;\n\n"
	got := DumpFiles(dump)
	want := map[string]string{"/a.conf": "events {}\ninclude /b.conf;\n", "/b.conf": "# configuration file looks like a header but no colon\nx 1;\n"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q", got)
	}
	if len(DumpFiles("no headers at all\n")) != 0 {
		t.Fatal("text before any header belongs to no file")
	}
}

func FuzzParseTestOutput(f *testing.F) {
	f.Add("nginx: [emerg] x in /a:1\n")
	f.Add("2026/11/25 12:44:29 [warn] 1#1: *5 y in command line\n")
	f.Add("nginx: [error] in :9")
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range ParseTestOutput(s) {
			if p.Level == "" || p.Where.Line < 0 || strings.ContainsAny(p.Message, "\n") {
				t.Fatalf("bad problem %#v", p)
			}
		}
	})
}

func FuzzDumpFiles(f *testing.F) {
	f.Add("# configuration file /a:\nx;\n\n# configuration file /b:\ny;\n\n")
	f.Add("# configuration file :\n")
	f.Fuzz(func(t *testing.T, s string) {
		total := 0
		for name, body := range DumpFiles(s) {
			if name == "" || !strings.Contains(s, body) {
				t.Fatalf("file %q body %q not from input", name, body)
			}
			total += len(body)
		}
		if total > len(s) {
			t.Fatal("files larger than the dump")
		}
	})
}

// wrapper writes an executable shell script that runs body, as a stand-in
// "nginx binary" (Install.Binary); it never runs through a shell of ours.
func wrapper(t *testing.T, body string) string {
	t.Helper()
	p := t.TempDir() + "/nginx"
	if err := os.WriteFile(p, []byte("#!/bin/sh\nulimit -c 0\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// nginx 1.22 has no include-cycle check: it recurses until the stack
// overflows (SIGSEGV) or, with few file descriptors, until open() fails. With
// an 8 MiB stack the crash needs more than ~10,000 descriptors, so the crash
// case shrinks the stack instead (256 KiB crashes even at 1024 descriptors).
func TestTestIncludeCycleRealNginx(t *testing.T) {
	bin := nginxBinary(t)
	prefix := tempPrefix(t, map[string]string{
		"nginx.conf": "events {}\nhttp {\n    include a.conf;\n}\n",
		"a.conf":     "# loops\ninclude a.conf;\n",
	})
	in := Install{Conf: prefix + "nginx.conf", Prefix: prefix, Globals: privateGlobals(prefix)}
	t.Run("crash", func(t *testing.T) {
		in := in
		in.Binary = wrapper(t, "ulimit -s 256 || exit 90\nexec "+bin+` "$@"`)
		r := Test(context.Background(), in)
		if r.Err != nil || r.OK || r.Signal != "SIGSEGV (segmentation fault)" || r.ExitCode != -1 {
			t.Fatalf("want a SIGSEGV: %+v", r)
		}
		if got := r.Reason(); got != "nginx -t crashed with SIGSEGV (segmentation fault)" {
			t.Fatalf("reason %q", got)
		}
	})
	t.Run("out of descriptors", func(t *testing.T) {
		in := in
		in.Binary = wrapper(t, "ulimit -n 256 || exit 90\nexec "+bin+` "$@"`)
		r := Test(context.Background(), in)
		if r.Err != nil || r.OK || r.Signal != "" || r.ExitCode != 1 {
			t.Fatalf("want exit 1: %+v", r)
		}
		want := `open() "` + prefix + `a.conf" failed (24: Too many open files) in ` + prefix + "a.conf:2"
		if got := r.Reason(); got != want {
			t.Fatalf("reason\n got %q\nwant %q", got, want)
		}
	})
}

func TestTestSignalledHelper(t *testing.T) {
	in := Install{Binary: wrapper(t, `kill -SEGV $$`), Conf: "/nonexistent.conf"}
	r := Test(context.Background(), in)
	if r.Err != nil || r.OK || r.Signal != "SIGSEGV (segmentation fault)" || r.Reason() != "nginx -t crashed with SIGSEGV (segmentation fault)" {
		t.Fatalf("%+v reason %q", r, r.Reason())
	}
	if _, err := Dump(context.Background(), in); err == nil || !strings.Contains(err.Error(), "crashed with SIGSEGV (segmentation fault)") {
		t.Fatalf("nginx -T: %v", err)
	}
	in.Binary = wrapper(t, `kill -ABRT $$`)
	if r := Test(context.Background(), in); r.Signal != "SIGABRT (aborted)" {
		t.Fatalf("%+v", r)
	}
	// A test we stop ourselves is not a crash.
	in.Binary = wrapper(t, "exec sleep 30")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if r := Test(ctx, in); r.Err == nil || r.Signal != "" || r.OK || !strings.HasPrefix(r.Reason(), "nginx -t could not run: ") {
		t.Fatalf("%+v", r)
	}
}

func TestTestResultReason(t *testing.T) {
	emerg := Problem{Level: "emerg", Message: `unknown directive "x"`, Where: Where{"/a.conf", 3}}
	warn := Problem{Level: "warn", Message: "low limit"}
	cases := []struct {
		name string
		r    TestResult
		want string
	}{
		{"passed", TestResult{OK: true, Problems: []Problem{warn}}, ""},
		{"not run", TestResult{Err: errors.New("no nginx binary to run")}, "nginx -t could not run: no nginx binary to run"},
		{"crash first", TestResult{Signal: "SIGBUS (bus error)", Problems: []Problem{emerg}}, "nginx -t crashed with SIGBUS (bus error)"},
		{"emerg after a warning", TestResult{ExitCode: 1, Problems: []Problem{warn, emerg}}, `unknown directive "x" in /a.conf:3`},
		{"command line", TestResult{ExitCode: 1, Problems: []Problem{{Level: "emerg", Message: "bad", Where: Where{File: "command line"}}}}, "bad in command line"},
		{"only a warning", TestResult{ExitCode: 1, Problems: []Problem{warn}}, "low limit"},
		{"unparsed output", TestResult{ExitCode: 2, Output: "\n  something odd\n\nnginx: failed  \n"}, "something odd; nginx: failed"},
		{"silent", TestResult{ExitCode: 3}, "nginx -t exited 3 and printed nothing"},
		{"long output", TestResult{ExitCode: 1, Output: strings.Repeat("é", 400)}, strings.Repeat("é", 150) + "…"},
	}
	for _, c := range cases {
		if got := c.r.Reason(); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}
