package nginx

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func FuzzLoad(f *testing.F) {
	for _, name := range []string{"nginx.conf", "conf.d/upstreams.conf", "sites-enabled/example.com", "sites-enabled/zz-broken"} {
		b, err := os.ReadFile(filepath.Join("testdata/conf", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("http { server { location / { if () { proxy_pass http://x; } } } }")
	f.Add("include /fuzz/nginx.conf;")
	f.Add("http { upstream u { server unix:; } server { location / { proxy_pass http://unix::; fastcgi_pass [::1; } } }")
	f.Add("content_by_lua_block { ngx.say('}') }")
	const root = "/fuzz/nginx.conf"
	f.Fuzz(func(t *testing.T, text string) {
		o := LoadOptions{
			Prefix: "/fuzz/",
			Open: func(p string) (io.ReadCloser, error) {
				if p != root {
					return nil, &os.PathError{Op: "open", Path: p, Err: os.ErrNotExist}
				}
				return io.NopCloser(strings.NewReader(text)), nil
			},
			Glob: func(string) ([]string, error) { return nil, nil },
		}
		c, err := Load(context.Background(), root, o)
		if err != nil {
			return
		}
		check := func(w Where) {
			if (w.File != root && w.File != "" && w.File != commandLine) || w.Line < 0 {
				t.Fatalf("position outside the input: %v", w)
			}
		}
		for _, e := range c.Errors {
			check(e.Where)
		}
		for _, s := range c.Servers {
			check(s.Where)
			for _, l := range s.Locations {
				check(l.Where)
				for _, d := range l.Settings {
					if len(d.All) != len(d.Wheres) || len(d.All) == 0 {
						t.Fatalf("directive %s: %d occurrences, %d positions", d.Name, len(d.All), len(d.Wheres))
					}
				}
			}
		}
		for _, e := range c.Endpoints() {
			check(e.Where)
			if len(e.Routes) == 0 || (e.Network != "tcp" && e.Network != "unix") {
				t.Fatalf("endpoint %+v", e)
			}
		}
	})
}

// writeBigTree writes nFiles site files holding nServers servers in total,
// each with an upstream, a direct pass, a unix pass and a header override.
func writeBigTree(tb testing.TB, dir string, nFiles, nServers int) string {
	tb.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "sites"), 0o755); err != nil {
		tb.Fatal(err)
	}
	main := "user www-data;\nevents { worker_connections 1024; }\nhttp {\n proxy_read_timeout 30s;\n proxy_set_header Host $host;\n include sites/*.conf;\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(main), 0o644); err != nil {
		tb.Fatal(err)
	}
	per := nServers / nFiles
	for f := 0; f < nFiles; f++ {
		var b strings.Builder
		fmt.Fprintf(&b, "upstream up%d {\n server 127.0.0.1:%d;\n server unix:/run/app%d.sock;\n keepalive 8;\n}\n", f, 10000+f, f)
		for s := 0; s < per; s++ {
			fmt.Fprintf(&b, "server {\n listen 80;\n server_name s%d-%d.example.com;\n proxy_set_header X-Real-IP $remote_addr;\n", f, s)
			fmt.Fprintf(&b, " location / { proxy_pass http://up%d; }\n", f)
			fmt.Fprintf(&b, " location /api/ { proxy_pass http://127.0.0.1:%d/; proxy_set_header Connection \"\"; proxy_read_timeout 5s; }\n", 20000+s)
			fmt.Fprintf(&b, " location ~ \\.php$ { fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name; fastcgi_pass unix:/run/php%d.sock; }\n}\n", f)
		}
		if err := os.WriteFile(filepath.Join(dir, "sites", fmt.Sprintf("site%03d.conf", f)), []byte(b.String()), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return filepath.Join(dir, "nginx.conf")
}

func TestBigTree(t *testing.T) {
	root := writeBigTree(t, t.TempDir(), 20, 200)
	c, err := Load(context.Background(), root, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Files) != 21 || len(c.Servers) != 200 || len(c.Upstreams) != 20 || len(c.Errors) != 0 {
		t.Fatalf("files %d servers %d upstreams %d errors %v", len(c.Files), len(c.Servers), len(c.Upstreams), c.Errors)
	}
	// 20 upstream tcp + 20 upstream unix + 10 direct ports + 20 php sockets.
	if n := len(c.Endpoints()); n != 70 {
		t.Fatalf("%d endpoints", n)
	}
}

func BenchmarkLoad(b *testing.B) {
	root := writeBigTree(b, b.TempDir(), 200, 2000)
	b.ReportAllocs()
	for b.Loop() {
		c, err := Load(context.Background(), root, LoadOptions{})
		if err != nil || len(c.Servers) != 2000 {
			b.Fatalf("%v %d", err, len(c.Servers))
		}
	}
}

func BenchmarkEndpoints(b *testing.B) {
	root := writeBigTree(b, b.TempDir(), 200, 2000)
	c, err := Load(context.Background(), root, LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if len(c.Endpoints()) == 0 {
			b.Fatal("no endpoints")
		}
	}
}
