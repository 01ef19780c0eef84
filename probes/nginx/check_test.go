package nginx

import (
	"context"
	"reflect"
	"strings"
	"testing"
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
