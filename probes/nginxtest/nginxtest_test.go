package nginxtest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// proxyTo is an http{} body with one server on {{.Port}} proxying / to target.
func proxyTo(target string) string {
	return `server {
    listen 127.0.0.1:{{.Port}};
    proxy_connect_timeout 2s;
    proxy_read_timeout 2s;
    location / { proxy_pass ` + target + `; }
}`
}

func TestStartDefaultServer(t *testing.T) {
	n := Start(t, Options{})
	status, body, err := n.Get("/")
	if err != nil || status != 200 || body != "nginxtest\n" {
		t.Fatalf("Get = %d %q %v, want 200 nginxtest", status, body, err)
	}
	argv := n.Argv()
	want := []string{"-p", n.Prefix + "/", "-c", n.Conf, "-e", n.ErrorLog}
	if fmt.Sprint(argv[1:]) != fmt.Sprint(want) {
		t.Errorf("argv = %q, want binary + %q", argv, want)
	}
	conf, err := os.ReadFile(n.Conf)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		line := kind + "_temp_path " + n.Prefix + "/temp/" + kind + ";"
		if !strings.Contains(string(conf), line) {
			t.Errorf("config lacks %q", line)
		}
	}
	if fi, err := os.Stat(n.Prefix); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("prefix mode = %v %v, want 0755", fi.Mode(), err)
	}
}

func TestProxyHealthy(t *testing.T) {
	n := Start(t, Options{HTTP: proxyTo("http://" + Healthy(t))})
	status, body, err := n.Get("/")
	if err != nil || status != 200 || body != "ok" {
		t.Fatalf("Get = %d %q %v, want 200 ok", status, body, err)
	}
	// nginx writes the access log line after the response went out.
	for i := 0; ; i++ {
		access, _ := os.ReadFile(n.AccessLog)
		if strings.Contains(string(access), `"GET / HTTP/1.1" 200`) {
			break
		}
		if i == 100 {
			t.Fatalf("access log lacks the request: %q", access)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestProxyRefusedIs502(t *testing.T) {
	up := Refusing(t)
	n := Start(t, Options{HTTP: proxyTo("http://" + up)})
	status, _, err := n.Get("/")
	if err != nil || status != 502 {
		t.Fatalf("Get = %d %v, want 502", status, err)
	}
	log := n.ErrorLogText()
	if !strings.Contains(log, "(111: Connection refused) while connecting to upstream") ||
		!strings.Contains(log, `upstream: "http://`+up+`/"`) {
		t.Errorf("error log lacks the refused line:\n%s", log)
	}
}

// The broken upstreams produce the error.log signatures nginx writes for them.
func TestBrokenUpstreamSignatures(t *testing.T) {
	cases := []struct {
		name   string
		target func(t *testing.T) string
		status int
		log    string
	}{
		{"hang", func(t *testing.T) string { return "http://" + Hanging(t) }, 504, "upstream timed out (110: Connection timed out) while reading response header"},
		{"close", func(t *testing.T) string { return "http://" + ClosingAfterRequest(t) }, 502, "upstream prematurely closed connection while reading response header"},
		{"reset", func(t *testing.T) string { return "http://" + Resetting(t) }, 502, "(104: Connection reset by peer) while reading response header"},
		{"huge", func(t *testing.T) string { return "http://" + HugeHeader(t, 64<<10) }, 502, "upstream sent too big header while reading response header"},
		{"backend502", func(t *testing.T) string { return "http://" + Status(t, 502) }, 502, ""},
		{"missing", func(t *testing.T) string { return "http://unix:" + MissingSocket(t) + ":" }, 502, "(2: No such file or directory) while connecting to upstream"},
		{"perm", func(t *testing.T) string { return "http://unix:" + UnixHealthy(t, 0o600) + ":" }, 502, "(13: Permission denied) while connecting to upstream"},
		{"unixok", func(t *testing.T) string { return "http://unix:" + UnixHealthy(t, 0o666) + ":" }, 200, ""},
		{"fastcgi-as-http", func(t *testing.T) string { return "http://" + FastCGI(t) }, 502, "while reading response header from upstream"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			n := Start(t, Options{HTTP: proxyTo(tc.target(t))})
			status, _, err := n.Get("/")
			if err != nil || status != tc.status {
				t.Fatalf("Get = %d %v, want %d; error log:\n%s", status, err, tc.status, n.ErrorLogText())
			}
			if tc.log != "" {
				waitLog(t, n, tc.log)
			}
		})
	}
}

func TestFastCGIThroughNginx(t *testing.T) {
	up := FastCGI(t)
	n := Start(t, Options{HTTP: `server {
    listen 127.0.0.1:{{.Port}};
    location / {
        fastcgi_param REQUEST_METHOD $request_method;
        fastcgi_param SERVER_PROTOCOL $server_protocol;
        fastcgi_param REQUEST_URI $request_uri;
        fastcgi_param HTTP_HOST $host;
        fastcgi_pass ` + up + `;
    }
}`})
	status, body, err := n.Get("/x.php")
	if err != nil || status != 200 || body != "fcgi ok" {
		t.Fatalf("Get = %d %q %v, want 200 fcgi ok; log:\n%s", status, body, err, n.ErrorLogText())
	}
}

// fastcgi_pass to an HTTP server: the signature of R19.
func TestFastCGIPassToHTTP(t *testing.T) {
	up := Healthy(t)
	n := Start(t, Options{HTTP: `server {
    listen 127.0.0.1:{{.Port}};
    fastcgi_read_timeout 2s;
    location / { include /etc/nginx/fastcgi_params; fastcgi_pass ` + up + `; }
}`})
	if status, _, err := n.Get("/"); err != nil || status != 502 {
		t.Fatalf("Get = %d %v, want 502", status, err)
	}
	waitLog(t, n, "upstream sent unsupported FastCGI protocol version: 72 while reading response header from upstream")
}

func TestGarbageIsHTTP09(t *testing.T) {
	n := Start(t, Options{HTTP: proxyTo("http://" + Garbage(t))})
	// nginx relays non-HTTP bytes as HTTP/0.9, which Go's client cannot parse: either
	// way the error log says what happened.
	_, _, _ = n.Get("/")
	waitLog(t, n, "upstream sent no valid HTTP/1.0 header")
}

// waitLog polls the error log: nginx may write the line just after answering.
func waitLog(t *testing.T, n *Nginx, want string) {
	t.Helper()
	for range 100 {
		if strings.Contains(n.ErrorLogText(), want) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("error log lacks %q:\n%s", want, n.ErrorLogText())
}

func TestStopLeavesNoProcess(t *testing.T) {
	n := Start(t, Options{})
	workers := Workers(n.PID)
	if len(workers) != 1 {
		t.Fatalf("workers = %v, want exactly one", workers)
	}
	if err := n.Stop(); err != nil {
		t.Fatal(err)
	}
	for _, pid := range append(workers, n.PID) {
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("kill -0 %d = %v, want ESRCH", pid, err)
		}
	}
	if dialable(n.Addr, 200*time.Millisecond) {
		t.Errorf("%s still accepts connections after Stop", n.Addr)
	}
	if err := n.Stop(); err != nil {
		t.Errorf("second Stop = %v", err)
	}
}

// A hanging request keeps a graceful shutdown waiting; Stop must still end within its bound.
func TestStopWithOpenRequest(t *testing.T) {
	n := Start(t, Options{HTTP: strings.Replace(proxyTo("http://"+Hanging(t)), "2s;\n    location", "60s;\n    location", 1)})
	go func() { _, _, _ = n.Get("/") }()
	waitAccess := time.Now().Add(2 * time.Second)
	for len(Workers(n.PID)) == 0 && time.Now().Before(waitAccess) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	if err := n.Stop(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > stopTimeout+2*time.Second {
		t.Errorf("Stop took %s", d)
	}
	if err := syscall.Kill(n.PID, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("master %d still exists: %v", n.PID, err)
	}
}

func TestReload(t *testing.T) {
	n := Start(t, Options{})
	before := Workers(n.PID)
	conf, _ := os.ReadFile(n.Conf)
	if err := os.WriteFile(n.Conf, []byte(strings.Replace(string(conf), `"nginxtest\n"`, `"reloaded\n"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := n.Reload(); err != nil {
		t.Fatal(err)
	}
	if _, body, err := n.Get("/"); err != nil || body != "reloaded\n" {
		t.Errorf("after reload Get = %q %v", body, err)
	}
	if after := Workers(n.PID); fmt.Sprint(after) == fmt.Sprint(before) {
		t.Errorf("workers unchanged after reload: %v", after)
	}
	// A broken config is refused before the signal is sent; the old config keeps serving.
	if err := os.WriteFile(n.Conf, []byte("http { bogus_directive; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := n.Reload(); err == nil || !strings.Contains(err.Error(), "bogus_directive") {
		t.Errorf("Reload with a broken config = %v, want the nginx -t error", err)
	}
	if status, _, err := n.Get("/"); err != nil || status != 200 {
		t.Errorf("after refused reload Get = %d %v", status, err)
	}
}

func TestStartFailureReportsLog(t *testing.T) {
	// Start fails the test on a bad config; run it in a throwaway T-like recorder.
	ft := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Start(ft, Options{HTTP: "server { listen 127.0.0.1:{{.Port}}; no_such_directive; }"})
	}()
	<-done
	if !strings.Contains(ft.msg, "no_such_directive") {
		t.Errorf("failure message lacks the nginx error: %q", ft.msg)
	}
}

// fatalRecorder captures Fatalf instead of failing the real test.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestUpstreamsAnswerDirectly(t *testing.T) {
	c, err := net.DialTimeout("tcp", Refusing(t), time.Second)
	if err == nil {
		c.Close()
		t.Fatal("Refusing accepted a connection")
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("Refusing: %v, want ECONNREFUSED", err)
	}
	if _, err := os.Stat(MissingSocket(t)); !os.IsNotExist(err) {
		t.Errorf("MissingSocket exists: %v", err)
	}
	path := UnixHealthy(t, 0o660)
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o660 || fi.Mode()&os.ModeSocket == 0 {
		t.Errorf("UnixHealthy socket = %v %v, want socket 0660", fi.Mode(), err)
	}
}
