package nginx

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	crossplane "github.com/nginxinc/nginx-go-crossplane"
)

// crossplane alone drops the whole configuration on any include cycle.
func TestCrossplaneAloneRejectsIncludeCycles(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"self":     {"a.conf": "events {}\ninclude a.conf;\n"},
		"two file": {"a.conf": "events {}\ninclude b.conf;\n", "b.conf": "include a.conf;\n"},
	} {
		prefix := tempPrefix(t, files)
		p, err := crossplane.Parse(prefix+"a.conf", &crossplane.ParseOptions{})
		if p != nil || err == nil || err.Error() != "configs contain include cycle" {
			t.Errorf("%s: crossplane now gives %+v, %v", name, p, err)
		}
	}
}

func TestLoadIncludeCycles(t *testing.T) {
	cases := []struct {
		name    string
		files   map[string]string
		errors  []string // "file:line: message"
		servers int
	}{
		{"self", map[string]string{
			"nginx.conf": "events {}\nhttp {\n    include nginx.conf;\n    server { listen 8080; }\n}\n",
		}, []string{"nginx.conf:3: include cycle: nginx.conf:3 includes itself"}, 1},
		{"two files", map[string]string{
			"nginx.conf": "events {}\nhttp {\n    include b.conf;\n}\n",
			"b.conf":     "server { listen 8081; }\ninclude nginx.conf;\n",
		}, []string{"b.conf:2: include cycle: b.conf:2 includes nginx.conf, which includes b.conf"}, 1},
		{"three files through a glob", map[string]string{
			"nginx.conf":     "events {}\nhttp {\n    include sites/*.conf;\n}\n",
			"sites/a.conf":   "server { listen 1; }\ninclude sites/b.inc;\n",
			"sites/b.inc":    "server { listen 2; }\n\ninclude nginx.conf;\n",
			"sites/ok.conf":  "server { listen 3; }\n",
			"sites/nil.conf": "",
		}, []string{"sites/b.inc:3: include cycle: sites/b.inc:3 includes nginx.conf, which includes sites/a.conf, which includes sites/b.inc"}, 3},
		{"a glob that matches its own file", map[string]string{
			"nginx.conf": "events {}\nhttp {\n    server { listen 1; }\n    include *.conf;\n}\n",
			"x.conf":     "server { listen 2; }\n",
		}, []string{"nginx.conf:4: include cycle: nginx.conf:4 includes itself"}, 2},
		// No cycles: a file included twice, and b including a after the
		// parse of a (crossplane's order) must not look like one.
		{"diamond and reuse", map[string]string{
			"nginx.conf":  "events {}\nhttp {\n    include a.conf;\n    include b.conf;\n    include a.conf;\n}\n",
			"a.conf":      "include common.inc;\n",
			"b.conf":      "include a.conf;\ninclude common.inc;\nserver { listen 1; }\n",
			"common.inc":  "proxy_read_timeout 5s;\n",
			"unused.conf": "include nginx.conf;\n",
		}, nil, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prefix := tempPrefix(t, tc.files)
			c, err := loadWithin(t, 2*time.Second, prefix+"nginx.conf", LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var errs []string
			for _, e := range c.Errors {
				errs = append(errs, strings.TrimPrefix(e.Where.String(), prefix)+": "+e.Message)
			}
			if strings.Join(errs, "\n") != strings.Join(tc.errors, "\n") {
				t.Fatalf("errors\n got %q\nwant %q", errs, tc.errors)
			}
			if len(c.Servers) != tc.servers {
				t.Fatalf("%d servers, want %d: the rest of the model must stay", len(c.Servers), tc.servers)
			}
		})
	}
}

// A cycle in an nginx -T dump (the fallback when files are unreadable) is
// found the same way.
func TestLoadIncludeCycleFromDump(t *testing.T) {
	files := map[string]string{
		"/d/nginx.conf": "events {}\nhttp {\n    include /d/b.conf;\n}\n",
		"/d/b.conf":     "server { listen 1; }\ninclude /d/nginx.conf;\n",
	}
	o := LoadOptions{}.WithDump(files)
	open := o.Open
	o.Open = func(p string) (io.ReadCloser, error) {
		if _, ok := files[p]; !ok {
			return nil, os.ErrNotExist
		}
		return open(p)
	}
	c, err := Load(context.Background(), "/d/nginx.conf", o)
	if err != nil {
		t.Fatal(err)
	}
	want := ParseError{Where{"/d/b.conf", 2}, "include cycle: b.conf:2 includes nginx.conf, which includes b.conf"}
	if len(c.Errors) != 1 || c.Errors[0] != want || len(c.Servers) != 1 {
		t.Fatalf("errors %+v servers %+v", c.Errors, c.Servers)
	}
}

func TestIncludeGraphCycle(t *testing.T) {
	g := includeGraph{}
	g.add("a", "b")
	g.add("b", "c")
	g.add("b", "c")
	if c, ok := g.cycle("c", "a"); !ok || strings.Join(c.chain, ">") != "a>b>c" {
		t.Fatalf("c→a closes a>b>c: %+v %v", c, ok)
	}
	if _, ok := g.cycle("a", "c"); ok {
		t.Fatal("a→c is no cycle")
	}
	g.remove("b", "c")
	if _, ok := g.cycle("c", "a"); !ok {
		t.Fatal("one b→c edge is left")
	}
	g.remove("b", "c")
	if _, ok := g.cycle("c", "a"); ok {
		t.Fatal("no b→c edge is left")
	}
}
