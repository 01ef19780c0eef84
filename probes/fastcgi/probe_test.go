package fastcgi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/fcgi"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"ngx502/probes/nginxtest"
)

func probe(t *testing.T, r Request, timeout time.Duration) Result {
	t.Helper()
	res := Probe(context.Background(), r, timeout)
	t.Logf("%s → status=%d phase=%q err=%v\n  %s\n  %s", r.Address, res.Status, res.Phase, res.Err, Explain(res), res.Command)
	return res
}

func TestGoFastCGI(t *testing.T) {
	r := probe(t, Request{Address: nginxtest.FastCGI(t), ScriptFilename: "/srv/www/index.php", RequestURI: "/index.php?a=1"}, 5*time.Second)
	if r.Err != nil || r.Status != 200 || r.AppStatus != 0 || r.ProtocolStatus != 0 {
		t.Fatalf("status %d app %d err %v", r.Status, r.AppStatus, r.Err)
	}
	if !strings.HasSuffix(string(r.Stdout), "fcgi ok") || r.Header.Get("Content-Type") != "text/plain" {
		t.Errorf("stdout %q header %v", r.Stdout, r.Header)
	}
	if r.Timing.Connect <= 0 || r.Timing.FirstByte < r.Timing.Connect || r.Timing.Total < r.Timing.FirstByte {
		t.Errorf("timing %+v", r.Timing)
	}
	for _, p := range []string{"DOCUMENT_ROOT=/srv/www", "QUERY_STRING=a=1", "SCRIPT_NAME=/index.php", "SCRIPT_FILENAME=/srv/www/index.php"} {
		if !contains(r.Params, p) {
			t.Errorf("params lack %s: %v", p, r.Params)
		}
	}
	if !strings.HasSuffix(r.Command, "cgi-fcgi -bind -connect "+r.Request.Address) || !strings.Contains(r.Command, "REQUEST_METHOD=GET") {
		t.Errorf("Command = %s", r.Command)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// The params arrive as net/http/fcgi decodes them, long values included; a handler's
// status becomes the Status header.
func TestParamsReachApplication(t *testing.T) {
	long := strings.Repeat("x", 1000)
	addr := serveFCGI(t, "tcp", "127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		env := fcgi.ProcessEnv(r)
		w.WriteHeader(http.StatusTeapot)
		fmt.Fprintf(w, "%s|%s|%s|%d", r.Method, r.URL.RequestURI(), env["SCRIPT_FILENAME"], len(env["X_LONG"]))
	}))
	r := probe(t, Request{Address: addr, ScriptFilename: "/app/x.php", RequestURI: "/x.php?q=2", Params: map[string]string{"X_LONG": long}}, 5*time.Second)
	if r.Err != nil || r.Status != http.StatusTeapot {
		t.Fatalf("status %d err %v", r.Status, r.Err)
	}
	if want := "GET|/x.php?q=2|/app/x.php|1000"; !strings.HasSuffix(string(r.Stdout), want) {
		t.Errorf("stdout %q, want suffix %q", r.Stdout, want)
	}
}

func TestUnixSocket(t *testing.T) {
	dir, err := os.MkdirTemp("", "ngx502-fcgi-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := serveFCGI(t, "unix", filepath.Join(dir, "php.sock"), http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, "unix ok")
	}))
	r := probe(t, Request{Network: "unix", Address: path}, 5*time.Second)
	if r.Err != nil || r.Status != 200 || !strings.HasSuffix(string(r.Stdout), "unix ok") {
		t.Fatalf("status %d err %v stdout %q", r.Status, r.Err, r.Stdout)
	}
	r = probe(t, Request{Network: "unix", Address: filepath.Join(dir, "php8.1-fpm.sock")}, 5*time.Second)
	if r.Phase != PhaseConnect || !errors.Is(r.Err, syscall.ENOENT) || !strings.HasPrefix(Explain(r), "no socket at ") {
		t.Errorf("missing socket: phase %q err %v: %s", r.Phase, r.Err, Explain(r))
	}
}

// A pool whose accept queue is full refuses at once with EAGAIN, which Go also reports
// as a timeout: Explain must name the queue, not a wait.
func TestFullAcceptQueue(t *testing.T) {
	r := probe(t, Request{Network: "unix", Address: nginxtest.SaturatedUnix(t)}, 2*time.Second)
	e := Explain(r)
	if r.Phase != PhaseConnect || !errors.Is(r.Err, syscall.EAGAIN) || !strings.Contains(e, "(EAGAIN): its accept queue is full") ||
		!strings.Contains(e, "pm.max_children") || strings.Contains(e, "within") {
		t.Errorf("phase %q err %v: %s", r.Phase, r.Err, e)
	}
}

// serveFCGI runs net/http/fcgi on a listener until the test ends.
func serveFCGI(t *testing.T, network, addr string, h http.Handler) string {
	l, err := net.Listen(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = fcgi.Serve(l, h) }()
	t.Cleanup(func() { l.Close(); <-done })
	return l.Addr().String()
}

func TestHTTPServerOnPort(t *testing.T) {
	r := probe(t, Request{Address: nginxtest.Healthy(t)}, 5*time.Second)
	var ve *VersionError
	if r.Phase != PhaseHeader || !errors.As(r.Err, &ve) || ve.Version != 72 {
		t.Fatalf("phase %q err %v, want version 72", r.Phase, r.Err)
	}
	if !strings.Contains(Explain(r), "speaks HTTP, not FastCGI: use proxy_pass http://") {
		t.Errorf("Explain = %q", Explain(r))
	}
}

func TestBrokenPeers(t *testing.T) {
	cases := []struct {
		name    string
		addr    func(testing.TB) string
		timeout time.Duration
		phase   string
		explain string
	}{
		{"refused", nginxtest.Refusing, time.Second, PhaseConnect, "connection refused (ECONNREFUSED): nothing listens on 127.0.0.1:"},
		{"closing", func(t testing.TB) string { addr, _ := rawServer(t, nil); return addr }, 5 * time.Second, PhaseHeader, "closed the connection without a FastCGI response"},
		{"hang", nginxtest.Hanging, 300 * time.Millisecond, PhaseHeader, "sent no complete FastCGI response within 300ms"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := probe(t, Request{Address: c.addr(t)}, c.timeout)
			if r.Phase != c.phase || r.Err == nil || !strings.Contains(Explain(r), c.explain) {
				t.Errorf("phase %q err %v: %s; want %q %q", r.Phase, r.Err, Explain(r), c.phase, c.explain)
			}
		})
	}
}

// rawServer answers each request with reply after checking that the request is what
// nginx sends: BEGIN_REQUEST (responder, keep_conn off), PARAMS…, empty PARAMS, empty STDIN.
func rawServer(t testing.TB, reply []byte) (addr string, bad chan error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	bad = make(chan error, 16)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			_ = c.SetDeadline(time.Now().Add(5 * time.Second))
			if err := checkRequest(c); err != nil {
				bad <- err
			}
			_, _ = c.Write(reply)
			c.Close()
		}
	}()
	t.Cleanup(func() { l.Close(); wg.Wait() })
	return l.Addr().String(), bad
}

func checkRequest(r io.Reader) error {
	want := []uint8{TypeBeginRequest, TypeParams}
	for i := 0; ; i++ {
		rec, err := readRecord(r)
		if err != nil {
			return err
		}
		switch {
		case rec.RequestID != 1:
			return fmt.Errorf("request id %d", rec.RequestID)
		case i < len(want) && rec.Type != want[i]:
			return fmt.Errorf("record %d type %d, want %d", i, rec.Type, want[i])
		case i == 0 && string(rec.Content) != "\x00\x01\x00\x00\x00\x00\x00\x00":
			return fmt.Errorf("BEGIN_REQUEST body %q", rec.Content)
		case rec.Type == TypeStdin:
			if len(rec.Content) != 0 {
				return fmt.Errorf("STDIN not empty")
			}
			return nil
		}
	}
}

func records(recs ...Record) []byte {
	var b []byte
	for _, r := range recs {
		r.Version, r.RequestID = Version1, 1
		b = AppendRecord(b, r)
	}
	return b
}

func TestResponses(t *testing.T) {
	end := func(app uint32, proto uint8) Record {
		return Record{Type: TypeEndRequest, Content: []byte{byte(app >> 24), byte(app >> 16), byte(app >> 8), byte(app), proto, 0, 0, 0}}
	}
	out := func(s string) Record { return Record{Type: TypeStdout, Content: []byte(s)} }
	cases := []struct {
		name    string
		reply   []byte
		status  int
		phase   string
		explain string
	}{
		{"primary-script-unknown", records(Record{Type: TypeStderr, Content: []byte("Primary script unknown")},
			out("Status: 404 Not Found\r\nContent-type: text/html; charset=UTF-8\r\n\r\nFile not found.\n"), end(0, 0)),
			404, "", `answered 404 Not Found in`},
		{"split-header", records(out("Content-type: text/plain\r\n"), out("\r\nhello"), end(0, 0)), 200, "", "answered 200 OK"},
		{"no-output", records(end(255, 0)), 0, PhaseHeader, "without any output (nginx: upstream sent unexpected FastCGI record: 3)"},
		{"status-line", records(out("HTTP/1.1 200 OK\r\n\r\n"), end(0, 0)), 0, PhaseHeader, `upstream sent invalid header: "HTTP/1.1 200 OK"`},
		{"overloaded", records(end(0, 2)), 0, PhaseHeader, "protocol status 2 (overloaded)"},
		{"bad-type", records(Record{Type: TypeGetValuesResult}), 0, PhaseHeader, "upstream sent invalid FastCGI record type: 10"},
		{"cut-body", records(out("Status: 200\r\n\r\n"), out("partial body"))[:40], 200, PhaseBody, "closed FastCGI stdout"},
		{"header-unfinished", records(out("Content-type: text/plain\r\n"), end(0, 0)), 0, PhaseHeader, "before the end of the CGI header"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			addr, bad := rawServer(t, c.reply)
			r := probe(t, Request{Address: addr, ScriptFilename: "/var/www/missing.php"}, 5*time.Second)
			if len(bad) > 0 {
				t.Fatalf("request not as nginx sends it: %v", <-bad)
			}
			if r.Status != c.status || r.Phase != c.phase || (c.phase == "") != (r.Err == nil) {
				t.Errorf("status %d phase %q err %v, want %d %q", r.Status, r.Phase, r.Err, c.status, c.phase)
			}
			if !strings.Contains(Explain(r), c.explain) {
				t.Errorf("Explain = %q, want %q", Explain(r), c.explain)
			}
		})
	}
}

func TestStderrKept(t *testing.T) {
	addr, _ := rawServer(t, records(Record{Type: TypeStderr, Content: []byte("Primary script unknown")},
		Record{Type: TypeStdout, Content: []byte("Status: 404 Not Found\r\n\r\nFile not found.\n")},
		Record{Type: TypeEndRequest, Content: make([]byte, 8)}))
	r := probe(t, Request{Address: addr, ScriptFilename: "/var/www/missing.php"}, 5*time.Second)
	if r.Stderr != "Primary script unknown" || !strings.Contains(Explain(r), "cannot open SCRIPT_FILENAME /var/www/missing.php") {
		t.Errorf("stderr %q: %s", r.Stderr, Explain(r))
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	r := Probe(ctx, Request{Address: nginxtest.Hanging(t)}, 10*time.Second)
	if !errors.Is(r.Err, context.Canceled) || time.Since(start) > 3*time.Second {
		t.Fatalf("err %v after %s", r.Err, time.Since(start))
	}
}

func BenchmarkProbe(b *testing.B) {
	addr := nginxtest.FastCGI(b)
	for b.Loop() {
		if r := Probe(context.Background(), Request{Address: addr}, 5*time.Second); r.Err != nil {
			b.Fatal(r.Err)
		}
	}
}
