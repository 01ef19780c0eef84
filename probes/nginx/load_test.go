package nginx

import (
	"context"
	"errors"
	crossplane "github.com/nginxinc/nginx-go-crossplane"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func loadTree(t *testing.T) (*Config, string) {
	t.Helper()
	dir, err := filepath.Abs("testdata/conf")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Load(context.Background(), dir+"/nginx.conf", LoadOptions{Prefix: "/usr/share/nginx/"})
	if err != nil {
		t.Fatal(err)
	}
	return c, dir + "/"
}

func location(t *testing.T, c *Config, server, match string) Location {
	t.Helper()
	for _, s := range c.Servers {
		for _, l := range s.Locations {
			if s.Label() == server && l.Match == match {
				return l
			}
		}
	}
	t.Fatalf("no location %q in server %q", match, server)
	return Location{}
}

func TestLoadTreeFilesAndErrors(t *testing.T) {
	c, d := loadTree(t)
	wantFiles := []string{"nginx.conf", "mime.types", "conf.d/broken.conf", "conf.d/default.conf", "conf.d/upstreams.conf",
		"sites-enabled/example.com", "sites-enabled/zz-broken", "snippets/fastcgi-php.conf"}
	for i := range wantFiles {
		wantFiles[i] = d + wantFiles[i]
	}
	if !reflect.DeepEqual(c.Files, wantFiles) {
		t.Fatalf("files %q", c.Files)
	}
	wantErr := []ParseError{
		{Where{d + "conf.d/broken.conf", 2}, `invalid number of arguments in "proxy_buffering" directive`},
		{Where{d + "sites-enabled/zz-broken", 7}, `unexpected end of file, expecting "}"`},
	}
	if !reflect.DeepEqual(c.Errors, wantErr) {
		t.Fatalf("errors %#v", c.Errors)
	}
	if c.Errors[0].Error() != `invalid number of arguments in "proxy_buffering" directive in `+d+"conf.d/broken.conf:2" {
		t.Fatalf("Error(): %s", c.Errors[0].Error())
	}
	if c.User != "www-data" || c.WorkerConnections != 1024 || c.WorkerRlimitNofile != 4096 {
		t.Fatalf("main: user %q wc %d rlimit %d", c.User, c.WorkerConnections, c.WorkerRlimitNofile)
	}
	// The broken file's other line still counts; the unparsable one adds no server.
	if d := c.HTTP["proxy_connect_timeout"]; d.Args[0] != "4s" || d.Where.Line != 3 {
		t.Fatalf("rest of broken.conf lost: %+v", d)
	}
	if len(c.Servers) != 2 || c.Servers[0].Label() != "8080" || c.Servers[1].Label() != "example.com" {
		t.Fatalf("servers: %+v", c.Servers)
	}
	s := c.Servers[1]
	if !reflect.DeepEqual(s.Listen, []string{"80", "[::]:80"}) || !reflect.DeepEqual(s.Names, []string{"example.com", "www.example.com"}) || s.Where != (Where{d + "sites-enabled/example.com", 1}) {
		t.Fatalf("server: %+v", s)
	}
	var matches []string
	for _, l := range s.Locations {
		matches = append(matches, l.Match+"<"+l.Parent)
	}
	want := []string{"/<", "/api/<", "/api/slow/</api/", "/sock/<", "/secure/<", "/dyn/<", `~ \.php$<`, "= /status<", "if ($request_method = POST)<= /status", "@fallback<", "/grpc<"}
	if !reflect.DeepEqual(matches, want) {
		t.Fatalf("locations %q", matches)
	}
}

func TestLoadTreePasses(t *testing.T) {
	c, d := loadTree(t)
	site := d + "sites-enabled/example.com"
	cases := []struct {
		server, match string
		want          Pass
	}{
		{"example.com", "/", Pass{Where: Where{site, 13}, Directive: "proxy_pass", Raw: "http://app", Scheme: "http", Host: "app", Group: "app"}},
		{"example.com", "/api/", Pass{Where: Where{site, 17}, Directive: "proxy_pass", Raw: "http://127.0.0.1:3000/v1/", Scheme: "http", Host: "127.0.0.1", Port: 3000, URI: "/v1/"}},
		{"example.com", "/sock/", Pass{Where: Where{site, 28}, Directive: "proxy_pass", Raw: "http://unix:/run/gunicorn.sock:/", Scheme: "http", Unix: "/run/gunicorn.sock", URI: "/"}},
		{"example.com", "/dyn/", Pass{Where: Where{site, 38}, Directive: "proxy_pass", Raw: "http://$backend:8080", Scheme: "http", Host: "$backend", Port: 8080, Variable: true}},
		{"example.com", `~ \.php$`, Pass{Where: Where{site, 43}, Directive: "fastcgi_pass", Raw: "php", Scheme: "fastcgi", Host: "php", Group: "php"}},
		{"example.com", "@fallback", Pass{Where: Where{site, 54}, Directive: "proxy_pass", Raw: "http://APP", Scheme: "http", Host: "APP", Group: "app"}},
		{"8080", "/scgi", Pass{Where: Where{d + "conf.d/default.conf", 9}, Directive: "scgi_pass", Raw: "unix:/run/scgi.sock", Scheme: "scgi", Unix: "/run/scgi.sock"}},
	}
	for _, cs := range cases {
		l := location(t, c, cs.server, cs.match)
		if l.Pass == nil || *l.Pass != cs.want {
			t.Errorf("%s %s pass\n got %+v\nwant %+v", cs.server, cs.match, l.Pass, cs.want)
		}
	}
	if l := location(t, c, "example.com", "= /status"); l.Pass != nil {
		t.Fatalf("the if block's pass belongs to the if pseudo-location: %+v", l.Pass)
	}
}

func TestLoadTreeInheritance(t *testing.T) {
	c, d := loadTree(t)
	site, main := d+"sites-enabled/example.com", d+"nginx.conf"
	root := location(t, c, "example.com", "/")
	hdr := root.Settings["proxy_set_header"]
	if !reflect.DeepEqual(hdr.All, [][]string{{"Host", "$host"}, {"X-Real-IP", "$remote_addr"}}) || !reflect.DeepEqual(hdr.Wheres, []Where{{site, 8}, {site, 9}}) {
		t.Fatalf("server-level headers not inherited: %+v", hdr)
	}
	// A level that sets one proxy_set_header loses all inherited ones.
	for _, m := range []string{"/api/", "/api/slow/"} {
		h := location(t, c, "example.com", m).Settings["proxy_set_header"]
		if !reflect.DeepEqual(h.All, [][]string{{"Connection", ""}}) {
			t.Fatalf("%s headers %+v", m, h.All)
		}
		if v, w, ok := h.Lookup("connection"); !ok || !reflect.DeepEqual(v, []string{""}) || w != (Where{site, 18}) {
			t.Fatalf("%s Lookup Connection: %q %v %v", m, v, w, ok)
		}
		if _, _, ok := h.Lookup("Host"); ok {
			t.Fatalf("%s must not inherit Host", m)
		}
	}
	timeouts := map[[2]string]Directive{
		{"example.com", "/"}:          {Name: "proxy_read_timeout", Args: []string{"60s"}, Where: Where{site, 10}},
		{"example.com", "/api/"}:      {Name: "proxy_read_timeout", Args: []string{"5s"}, Where: Where{site, 19}},
		{"example.com", "/api/slow/"}: {Name: "proxy_read_timeout", Args: []string{"5s"}, Where: Where{site, 19}},
		{"8080", "/"}:                 {Name: "proxy_read_timeout", Args: []string{"30s"}, Where: Where{main, 16}},
	}
	for k, want := range timeouts {
		got := location(t, c, k[0], k[1]).Settings["proxy_read_timeout"]
		if got.Name != want.Name || !reflect.DeepEqual(got.Args, want.Args) || got.Where != want.Where {
			t.Errorf("%v proxy_read_timeout %+v, want %+v", k, got, want)
		}
	}
	if v := location(t, c, "example.com", "/grpc").Settings.Arg("proxy_http_version", "1.0"); v != "1.1" {
		t.Fatalf("http-level proxy_http_version not inherited: %q", v)
	}
	if v := location(t, c, "example.com", "/grpc").Settings.Arg("proxy_ssl_server_name", "off"); v != "off" {
		t.Fatalf("sibling's proxy_ssl_server_name leaked: %q", v)
	}
	php := location(t, c, "example.com", `~ \.php$`).Settings
	if v, w, ok := php["fastcgi_param"].Lookup("SCRIPT_FILENAME"); !ok || v[0] != "$document_root$fastcgi_script_name" || w != (Where{d + "snippets/fastcgi-php.conf", 2}) {
		t.Fatalf("fastcgi_param via include: %q %v", v, w)
	}
	if php.Arg("fastcgi_read_timeout", "") != "120s" || php.Arg("resolver", "") != "127.0.0.53" {
		t.Fatalf("php settings: %+v", php)
	}
}

func TestLoadTreeUpstreamsAndLogs(t *testing.T) {
	c, d := loadTree(t)
	up := d + "conf.d/upstreams.conf"
	want := []UpstreamBlock{
		{Where: Where{up, 1}, Name: "app", Keepalive: 16, KeepaliveTimeout: "75s", KeepaliveTimeoutWhere: Where{up, 9}, Zone: "app", Servers: []UpstreamServer{
			{Where: Where{up, 3}, Address: "127.0.0.1:8080", Params: []string{"max_fails=3", "fail_timeout=10s"}, Host: "127.0.0.1", Port: 8080, MaxFails: 3, FailTimeout: "10s"},
			{Where: Where{up, 4}, Address: "[::1]:8080", Host: "::1", Port: 8080, MaxFails: -1},
			{Where: Where{up, 5}, Address: "unix:/run/app/app.sock", Unix: "/run/app/app.sock", MaxFails: -1},
			{Where: Where{up, 6}, Address: "backup.internal:8081", Params: []string{"backup"}, Host: "backup.internal", Port: 8081, Backup: true, MaxFails: -1},
			{Where: Where{up, 7}, Address: "10.0.0.9", Params: []string{"down"}, Host: "10.0.0.9", Down: true, MaxFails: -1},
		}},
		{Where: Where{up, 12}, Name: "php", Servers: []UpstreamServer{
			{Where: Where{up, 13}, Address: "unix:/run/php/php8.2-fpm.sock", Params: []string{"max_fails=0"}, Unix: "/run/php/php8.2-fpm.sock", MaxFails: 0},
		}},
	}
	if !reflect.DeepEqual(c.Upstreams, want) {
		t.Fatalf("upstreams\n got %+v\nwant %+v", c.Upstreams, want)
	}
	site, main := d+"sites-enabled/example.com", d+"nginx.conf"
	wantErr := []LogDirective{
		{Where: Where{main, 4}, Context: "main", Path: "/usr/share/nginx/logs/error.log", Level: "warn"},
		{Where: Where{site, 5}, Context: "server example.com", Path: "/var/log/nginx/example.error.log", Level: "info"},
		{Where: Where{site, 20}, Context: "location /api/", Path: "/var/log/nginx/api.error.log", Level: "debug"},
	}
	if !reflect.DeepEqual(c.ErrorLogs, wantErr) {
		t.Fatalf("error logs %+v", c.ErrorLogs)
	}
	wantAcc := []LogDirective{
		{Where: Where{main, 15}, Context: "http", Path: "/var/log/nginx/access.log", Format: "upstreamlog"},
		{Where: Where{site, 6}, Context: "server example.com", Path: "/usr/share/nginx/logs/example.access.log", Format: "combined"},
	}
	if !reflect.DeepEqual(c.AccessLogs, wantAcc) {
		t.Fatalf("access logs %+v", c.AccessLogs)
	}
	f, ok := c.LogFormat("upstreamlog")
	if !ok || f.Format != `$remote_addr [$time_local] "$request" $status ua=$upstream_addr us=$upstream_status` || f.Where != (Where{main, 13}) {
		t.Fatalf("log_format %+v", f)
	}
	if m := c.MainErrorLogs(Build{ErrorLogPath: "stderr"}); len(m) != 1 || m[0].Level != "warn" {
		t.Fatalf("config's main error_log must win over the compiled default: %+v", m)
	}
}

func TestLoadTreeEndpoints(t *testing.T) {
	c, d := loadTree(t)
	site, up := d+"sites-enabled/example.com", d+"conf.d/upstreams.conf"
	appRoutes := []Route{{"example.com", "/", Where{site, 12}, Where{site, 13}}, {"example.com", "@fallback", Where{site, 53}, Where{site, 54}}}
	want := []Endpoint{
		{Network: "tcp", Address: "127.0.0.1:3000", Host: "127.0.0.1", Port: 3000, Protocol: "http", Where: Where{site, 17},
			Routes: []Route{{"example.com", "/api/", Where{site, 16}, Where{site, 17}}, {"example.com", "if ($request_method = POST)", Where{site, 47}, Where{site, 48}}}},
		{Network: "tcp", Address: "127.0.0.1:3031", Host: "127.0.0.1", Port: 3031, Protocol: "uwsgi", Where: Where{d + "conf.d/default.conf", 5},
			Routes: []Route{{"8080", "/", Where{d + "conf.d/default.conf", 4}, Where{d + "conf.d/default.conf", 5}}}},
		{Network: "tcp", Address: "127.0.0.1:50051", Host: "127.0.0.1", Port: 50051, Protocol: "grpcs", Where: Where{site, 58},
			Routes: []Route{{"example.com", "/grpc", Where{site, 57}, Where{site, 58}}}},
		{Network: "tcp", Address: "127.0.0.1:8080", Host: "127.0.0.1", Port: 8080, Protocol: "http", Group: "app", Where: Where{up, 3}, Routes: appRoutes},
		{Network: "tcp", Address: "[::1]:8080", Host: "::1", Port: 8080, Protocol: "http", Group: "app", Where: Where{up, 4}, Routes: appRoutes},
		{Network: "tcp", Address: "backup.internal:8081", Host: "backup.internal", Port: 8081, Protocol: "http", Group: "app", Backup: true, Where: Where{up, 6}, Routes: appRoutes},
		{Network: "tcp", Address: "localhost:3001", Host: "localhost", Port: 3001, Protocol: "http", Where: Where{site, 23},
			Routes: []Route{{"example.com", "/api/slow/", Where{site, 22}, Where{site, 23}}}},
		{Network: "tcp", Address: "secure.internal:443", Host: "secure.internal", Port: 443, Protocol: "https", Where: Where{site, 32},
			Routes: []Route{{"example.com", "/secure/", Where{site, 31}, Where{site, 32}}}},
		{Network: "unix", Address: "/run/app/app.sock", Protocol: "http", Group: "app", Where: Where{up, 5}, Routes: appRoutes},
		{Network: "unix", Address: "/run/gunicorn.sock", Protocol: "http", Where: Where{site, 28},
			Routes: []Route{{"example.com", "/sock/", Where{site, 27}, Where{site, 28}}}},
		{Network: "unix", Address: "/run/php/php8.2-fpm.sock", Protocol: "fastcgi", Group: "php", Where: Where{up, 13},
			Routes: []Route{{"example.com", `~ \.php$`, Where{site, 41}, Where{site, 43}}}},
		{Network: "unix", Address: "/run/scgi.sock", Protocol: "scgi", Where: Where{d + "conf.d/default.conf", 9},
			Routes: []Route{{"8080", "/scgi", Where{d + "conf.d/default.conf", 8}, Where{d + "conf.d/default.conf", 9}}}},
	}
	got := c.Endpoints()
	if len(got) != len(want) {
		t.Fatalf("%d endpoints, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if m := got[i].Member; (m != nil) != (got[i].Group != "") || m != nil && (m.Backup != got[i].Backup || m.Where != got[i].Where) {
			t.Errorf("endpoint %d: member %+v does not match its server line", i, m)
		}
		got[i].Member = nil // checked above; want lists the rest
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("endpoint %d\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func TestLoadGlobalsRelativeRootAndDefaults(t *testing.T) {
	prefix := tempPrefix(t, map[string]string{"conf/nginx.conf": "user www-data;\nevents {}\nhttp { access_log off; }\n"})
	c, err := Load(context.Background(), "conf/nginx.conf", LoadOptions{Prefix: prefix, Globals: "user nobody; error_log logs/g.log crit;"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Root != prefix+"conf/nginx.conf" || c.User != "nobody" {
		t.Fatalf("root %q user %q: -g is read first, as nginx does", c.Root, c.User)
	}
	want := []LogDirective{{Where: Where{File: "command line"}, Context: "main", Path: prefix + "logs/g.log", Level: "crit"}}
	if !reflect.DeepEqual(c.ErrorLogs, want) || c.AccessLogs[0].Path != "off" || c.AccessLogs[0].Format != "" {
		t.Fatalf("logs %+v %+v", c.ErrorLogs, c.AccessLogs)
	}
	c, err = Load(context.Background(), prefix+"conf/nginx.conf", LoadOptions{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	m := c.MainErrorLogs(Build{ErrorLogPath: "stderr"})
	if len(m) != 1 || m[0].Path != "stderr" || !m[0].Where.IsZero() || m[0].Context != "compiled-in" {
		t.Fatalf("Debian default: %+v", m)
	}
	if m := c.MainErrorLogs(Build{ErrorLogPath: "logs/error.log"}); m[0].Path != prefix+"logs/error.log" {
		t.Fatalf("source-build default: %+v", m)
	}
}

func TestLoadKeepsGoing(t *testing.T) {
	prefix := tempPrefix(t, map[string]string{
		"nginx.conf":  "events {}\nhttp {\n  include missing.conf;\n  include d/*.conf;\n}\n",
		"d/a.conf":    "server { listen 1; }\n",
		"d/b.conf":    "server { listen 2; }\n",
		"cycle.conf":  "include cycle.conf;\n", // cycle_test.go has the details
		"badif.conf":  "http { server { location / { if () { proxy_pass http://x; } } } }\n",
		"gibber.conf": "}}}{{{;;\"\n",
	})
	// b.conf matches the glob but cannot be opened: reported, not fatal.
	open := func(p string) (io.ReadCloser, error) {
		if strings.HasSuffix(p, "/b.conf") {
			return nil, &os.PathError{Op: "open", Path: p, Err: os.ErrPermission}
		}
		return os.Open(p)
	}
	c, err := Load(context.Background(), prefix+"nginx.conf", LoadOptions{Open: open})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Servers) != 1 || c.Servers[0].Listen[0] != "1" || len(c.Errors) != 2 {
		t.Fatalf("servers %+v errors %+v", c.Servers, c.Errors)
	}
	if c.Errors[0].Where != (Where{prefix + "nginx.conf", 3}) || !strings.Contains(c.Errors[0].Message, "no such file") {
		t.Fatalf("missing include must point at the include line: %+v", c.Errors[0])
	}
	if c.Errors[1].Where != (Where{prefix + "nginx.conf", 4}) || !strings.Contains(c.Errors[1].Message, prefix+"d/b.conf: permission denied") {
		t.Fatalf("unopenable glob match must point at the include line: %+v", c.Errors[1])
	}
	if _, err := Load(context.Background(), prefix+"nope.conf", LoadOptions{}); err == nil {
		t.Errorf("nope.conf: want an error")
	}
	for _, f := range []string{"gibber.conf", "badif.conf", "cycle.conf"} {
		if c, err := Load(context.Background(), prefix+f, LoadOptions{}); err != nil || len(c.Errors) == 0 {
			t.Fatalf("%s: want a model with errors: %v %+v", f, err, c)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, prefix+"nginx.conf", LoadOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

func TestUpstreamServerParams(t *testing.T) {
	it := item{d: crossplaneDirective("server", "10.0.0.1:80", "weight=5", "max_fails=0", "fail_timeout=30s", "backup")}
	s := parseUpstreamServer(it)
	if s.Weight != 5 || s.MaxFails != 0 || s.FailTimeout != "30s" || !s.Backup || s.Down {
		t.Errorf("parseUpstreamServer = %+v", s)
	}
	if d := parseUpstreamServer(item{d: crossplaneDirective("server", "10.0.0.2:80", "down")}); !d.Down || d.Weight != 0 || d.MaxFails != -1 || d.FailTimeout != "" {
		t.Errorf("defaults: %+v", d)
	}
}

// crossplaneDirective is a parsed directive for unit tests of the model.
func crossplaneDirective(name string, args ...string) *crossplane.Directive {
	return &crossplane.Directive{Directive: name, Args: args, Line: 1}
}
