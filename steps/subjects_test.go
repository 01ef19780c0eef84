package steps

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ngx502/probes/netcheck"
	"ngx502/probes/nginx"
)

// subjectsConf names a backend in every way nginx allows: a host name
// with two addresses, upstream members (one down, one in an unused
// block), sockets, a non-canonical IPv6 literal and a dead name.
const subjectsConf = `events {}
http {
    resolver 127.0.0.53 [::1]:5353 valid=30s ipv6=off;
    upstream backend {
        server 127.0.0.1:9001;
        server app.internal:9002;
        server 127.0.0.1:9003 down;
    }
    upstream php { server unix:/run/php/pool.sock; }
    upstream spare { server 10.9.9.9:7000; }
    server {
        listen 127.0.0.1:8080;
        server_name a.test;
        location / { proxy_pass http://localhost:8081; }
        location /b { proxy_pass http://backend; }
        location ~ \.php$ { fastcgi_pass unix:/run/php/x.sock; }
        location /p { fastcgi_pass php; }
        location /v6 { proxy_pass http://[0:0::1]:8082/x; }
        location /dead { proxy_pass http://gone.invalid:8083; }
    }
}
`

// variableConf sends requests to per-request targets besides one fixed one.
const variableConf = `events {}
http {
    server {
        listen 127.0.0.1:8080;
        location / { set $backend app.internal; proxy_pass http://$backend; }
        location /h { proxy_pass http://$host:8000; }
        location /s { proxy_pass http://127.0.0.1:8090; }
    }
}
`

// fakeLookup answers from a table and counts the questions; a name not
// in the table does not resolve.
type fakeLookup struct {
	mu       sync.Mutex
	addrs    map[string][]string
	calls    map[string]int
	timeouts []time.Duration
}

func (f *fakeLookup) lookup(_ context.Context, host string, timeout time.Duration) netcheck.Lookup {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[host]++
	f.timeouts = append(f.timeouts, timeout)
	l := netcheck.Lookup{Host: host, Source: "resolver"}
	as, ok := f.addrs[host]
	if !ok {
		l.Err = errors.New("resolve " + host + ": no such host")
	}
	for _, a := range as {
		l.Addrs = append(l.Addrs, netip.MustParseAddr(a))
	}
	return l
}

func newFakeLookup() *fakeLookup {
	return &fakeLookup{calls: map[string]int{}, addrs: map[string][]string{
		"localhost":    {"127.0.0.1", "::1"}, // what a dual-stack box answers
		"app.internal": {"10.0.0.7"},
	}}
}

// subjectsCase loads conf from a temp file into a Case as Discover does.
func subjectsCase(t *testing.T, conf string) (*Case, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := nginx.Load(context.Background(), path, nginx.LoadOptions{Prefix: filepath.Dir(path)})
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return &Case{Config: cfg, Endpoints: cfg.Endpoints(), Opts: Options{Timeout: 5 * time.Second}}, path
}

// lineOf is the 1-based line of conf holding text.
func lineOf(t *testing.T, conf, text string) int {
	t.Helper()
	for i, l := range strings.Split(conf, "\n") {
		if strings.Contains(l, text) {
			return i + 1
		}
	}
	t.Fatalf("%q not in conf", text)
	return 0
}

func TestSubjectsCanonicalAndKnown(t *testing.T) {
	c, _ := subjectsCase(t, subjectsConf)
	f := newFakeLookup()
	s := buildSubjects(context.Background(), c, f.lookup)
	tests := []struct {
		name, peer, canonical, kind string
	}{
		{"name as written", "localhost:8081", "localhost:8081", peerEndpoint},
		{"name's IPv4 from the log", "127.0.0.1:8081", "localhost:8081", peerEndpoint},
		{"name's IPv6 from the log", "[::1]:8081", "localhost:8081", peerEndpoint},
		{"upstream field with scheme and URI", "http://127.0.0.1:8081/api?x=1", "localhost:8081", peerEndpoint},
		{"bare name of one endpoint", "LOCALHOST", "localhost:8081", peerEndpoint},
		{"unix socket", "unix:/run/php/x.sock", "unix:/run/php/x.sock", peerEndpoint},
		{"unix socket with URI and slashes", "unix:///run/php/x.sock:/index.php", "unix:/run/php/x.sock", peerEndpoint},
		{"socket behind proxy_pass http://unix:", "http://unix:/run/php/x.sock:/uri", "unix:/run/php/x.sock", peerEndpoint},
		{"socket path alone", "/run/php//x.sock", "unix:/run/php/x.sock", peerEndpoint},
		{"socket path is case-sensitive", "unix:/run/php/X.sock", "unix:/run/php/X.sock", ""},
		{"group member literal", "127.0.0.1:9001", "127.0.0.1:9001", peerEndpoint},
		{"group member by resolution", "10.0.0.7:9002", "app.internal:9002", peerEndpoint},
		{"group member socket", "unix:/run/php/pool.sock", "unix:/run/php/pool.sock", peerEndpoint},
		{"down member is still configured", "127.0.0.1:9003", "127.0.0.1:9003", peerEndpoint},
		{"member of an unused upstream", "10.9.9.9:7000", "10.9.9.9:7000", peerEndpoint},
		{"group name", "backend", "backend", peerGroup},
		{"group name in other case", "BACKEND", "backend", peerGroup},
		{"group from the upstream field", "http://backend/b", "backend", peerGroup},
		{"fastcgi group", "php", "php", peerGroup},
		{"IPv6 literal as nginx logs it", "[::1]:8082", "[0:0::1]:8082", peerEndpoint},
		{"name that does not resolve stays itself", "gone.invalid:8083", "gone.invalid:8083", peerEndpoint},
		{"resolver with port", "127.0.0.53:53", "127.0.0.53:53", peerResolver},
		{"resolver without port", "127.0.0.53", "127.0.0.53", peerResolver},
		{"IPv6 resolver on its own port", "[::1]:5353", "[::1]:5353", peerResolver},
		{"resolver on another port", "[::1]:53", "[::1]:53", ""},
		{"unknown peer", "10.1.1.1:80", "10.1.1.1:80", ""},
		{"unknown IPv6 peer normalised", "http://[0:0::2]:80/", "[::2]:80", ""},
		{"unknown mapped IPv4 unmapped", "[::ffff:10.1.1.1]:80", "10.1.1.1:80", ""},
		{"unknown name", "db.example:5432", "db.example:5432", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.canonical(tt.peer); got != tt.canonical {
				t.Errorf("canonical(%q) = %q, want %q", tt.peer, got, tt.canonical)
			}
			if got := s.known(tt.peer); got != tt.kind {
				t.Errorf("known(%q) = %q, want %q", tt.peer, got, tt.kind)
			}
		})
	}
	// One pass: each name once, literals never, each within the budget.
	want := map[string]int{"localhost": 1, "app.internal": 1, "gone.invalid": 1}
	if len(f.calls) != len(want) {
		t.Errorf("resolved %v, want %v", f.calls, want)
	}
	for h, n := range want {
		if f.calls[h] != n {
			t.Errorf("resolved %s %d times, want %d (all: %v)", h, f.calls[h], n, f.calls)
		}
	}
	for _, d := range f.timeouts {
		if d != subjectResolveBudget {
			t.Errorf("lookup timeout %v, want %v", d, subjectResolveBudget)
		}
	}
	if _, ok := s.lookups["localhost"]; !ok {
		t.Errorf("lookups lacks localhost: %v", s.lookups)
	}
}

func TestSubjectsExplain(t *testing.T) {
	c, path := subjectsCase(t, subjectsConf)
	s := buildSubjects(context.Background(), c, newFakeLookup().lookup)
	at := func(text string) string { return path + ":" + strconv.Itoa(lineOf(t, subjectsConf, text)) }
	tests := []struct{ peer, want string }{
		{"[::1]:8081", "config: [::1]:8081 is localhost:8081 at " + at("proxy_pass http://localhost:8081")},
		{"localhost:8081", "config: localhost:8081 at " + at("proxy_pass http://localhost:8081")},
		{"10.0.0.7:9002", "config: 10.0.0.7:9002 is app.internal:9002 at " + at("server app.internal:9002")},
		{"Backend", "config: upstream backend at " + at("upstream backend")},
		{"127.0.0.53:53", "config: 127.0.0.53:53 is a resolver at " + at("resolver 127.0.0.53")},
		{"http://10.1.1.1:80/x", "log: 10.1.1.1:80 is not in the config on disk"},
	}
	for _, tt := range tests {
		if got := s.explain(tt.peer); got != tt.want {
			t.Errorf("explain(%q) =\n  %q\nwant\n  %q", tt.peer, got, tt.want)
		}
	}
}

func TestSubjectsVariablePass(t *testing.T) {
	c, path := subjectsCase(t, variableConf)
	s := buildSubjects(context.Background(), c, newFakeLookup().lookup)
	tests := []struct{ peer, canonical, kind string }{
		{"app.internal", "app.internal", peerVariable},
		{"10.0.0.7:80", "10.0.0.7:80", peerVariable},
		{"http://127.0.0.1:8090/s", "127.0.0.1:8090", peerEndpoint},
	}
	for _, tt := range tests {
		if got := s.canonical(tt.peer); got != tt.canonical {
			t.Errorf("canonical(%q) = %q, want %q", tt.peer, got, tt.canonical)
		}
		if got := s.known(tt.peer); got != tt.kind {
			t.Errorf("known(%q) = %q, want %q", tt.peer, got, tt.kind)
		}
	}
	line := strconv.Itoa(lineOf(t, variableConf, "proxy_pass http://$backend"))
	want := "config: app.internal may be the per-request target of proxy_pass http://$backend at " +
		path + ":" + line + " (and 1 more *_pass with a variable)"
	if got := s.explain("app.internal"); got != want {
		t.Errorf("explain = %q, want %q", got, want)
	}
}

func TestSubjectsWithoutConfig(t *testing.T) {
	f := newFakeLookup()
	s := buildSubjects(context.Background(), &Case{}, f.lookup)
	if got := s.known("127.0.0.1:8081"); got != "" {
		t.Errorf("known without config = %q, want \"\"", got)
	}
	if got := s.canonical("grpc://[0:0::1]:50051"); got != "[::1]:50051" {
		t.Errorf("canonical = %q, want [::1]:50051", got)
	}
	if len(f.calls) != 0 {
		t.Errorf("resolved %v without a config", f.calls)
	}
}

// A cancelled discovery resolves nothing: names stay themselves and the
// config's own spellings are still known.
func TestSubjectsCancelled(t *testing.T) {
	c, _ := subjectsCase(t, subjectsConf)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f := newFakeLookup()
	s := buildSubjects(ctx, c, f.lookup)
	if len(f.calls) != 0 {
		t.Errorf("resolved %v after cancel", f.calls)
	}
	if got := s.canonical("127.0.0.1:8081"); got != "127.0.0.1:8081" {
		t.Errorf("canonical = %q, want the peer itself", got)
	}
	if got := s.known("localhost:8081"); got != peerEndpoint {
		t.Errorf("known(localhost:8081) = %q, want endpoint", got)
	}
}

// The real resolver: this box's /etc/hosts maps localhost to 127.0.0.1.
func TestNewSubjectsResolvesLocalhost(t *testing.T) {
	c, _ := subjectsCase(t, subjectsConf)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s := newSubjects(ctx, c)
	if l := s.lookups["localhost"]; l.Err != nil || len(l.Addrs) == 0 {
		msg := "localhost does not resolve here: " + strings.TrimSpace(l.Host) + " " + errText(l.Err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if got := s.canonical("127.0.0.1:8081"); got != "localhost:8081" {
		t.Errorf("canonical(127.0.0.1:8081) = %q, want localhost:8081", got)
	}
}
