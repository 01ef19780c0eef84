package uwsgi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"ngx502/probes/cgiwire"
	"ngx502/probes/nginxtest"
)

func probe(t *testing.T, r Request, timeout time.Duration) Result {
	t.Helper()
	res := Probe(context.Background(), r, timeout)
	t.Logf("%s → status=%d phase=%q err=%v exceeded=%q waited=%s\n  %s", r.Address, res.Status, res.Phase, res.Err, res.Exceeded, res.Waited, Explain(res))
	return res
}

func names(vars []Param) []string {
	out := make([]string, len(vars))
	for i, v := range vars {
		out[i] = v.Name
	}
	return out
}

func TestAnswer(t *testing.T) {
	app := nginxtest.UWSGIServer(t, nil)
	r := probe(t, Request{Address: app.Addr, Path: "/app/a%20b?q=1", Host: "shop.example:8080"}, 5*time.Second)
	if r.Err != nil || r.Status != 200 || r.Header.Get("Content-Type") != "text/plain" || r.BodyBytes != 2 || r.Phase != "" {
		t.Fatalf("status %d phase %q err %v header %v body %d", r.Status, r.Phase, r.Err, r.Header, r.BodyBytes)
	}
	if r.Timing.Connect <= 0 || r.Timing.FirstByte < r.Timing.Connect || r.Timing.Total < r.Timing.FirstByte {
		t.Errorf("timing %+v", r.Timing)
	}
	got, n := app.Last()
	packet, _ := encodePacket(r.Vars)
	if n != 1 || !bytes.Equal(got.Raw, packet) || len(got.Vars) != len(r.Vars) {
		t.Fatalf("backend got %d requests, %d vars, raw %q", n, len(got.Vars), got.Raw)
	}
	want := map[string]string{"REQUEST_URI": "/app/a%20b?q=1", "PATH_INFO": "/app/a b", "QUERY_STRING": "q=1",
		"HTTP_HOST": "shop.example:8080", "SERVER_NAME": "shop.example", "REQUEST_METHOD": "GET", "HTTP_USER_AGENT": "ngx502-probe"}
	for _, v := range got.Vars {
		if w, ok := want[v.Name]; ok && w != v.Value {
			t.Errorf("%s = %q, want %q", v.Name, v.Value, w)
		}
		if v.Name == "HTTPS" {
			t.Errorf("HTTPS sent empty; uwsgi_params has it if_not_empty")
		}
	}
	if r.Exceeded != "" || r.Waited != 0 {
		t.Errorf("exceeded %q waited %s with no timers set", r.Exceeded, r.Waited)
	}
}

func TestParamsOverrideInPlace(t *testing.T) {
	r := withDefaults(Request{Host: "a", Params: []Param{{"SCRIPT_NAME", "/app"}, {"REQUEST_SCHEME", "https"}, {"HTTPS", "on"}, {"HTTP_USER_AGENT", "x"}}})
	vars := buildVars(r)
	got := strings.Join(names(vars), " ")
	want := "QUERY_STRING REQUEST_METHOD CONTENT_TYPE CONTENT_LENGTH REQUEST_URI PATH_INFO DOCUMENT_ROOT SERVER_PROTOCOL REQUEST_SCHEME HTTPS REMOTE_ADDR REMOTE_PORT SERVER_PORT SERVER_NAME HTTP_HOST SCRIPT_NAME HTTP_USER_AGENT"
	if got != want {
		t.Fatalf("order\n got %s\nwant %s", got, want)
	}
	if vars[8].Value != "https" || vars[9].Value != "on" || vars[16].Value != "x" {
		t.Errorf("values %v", vars)
	}
}

func TestCGIStatusHeader(t *testing.T) {
	app := nginxtest.UWSGIServer(t, nginxtest.AppReply("Status: 404 Not Found\r\nContent-Type: text/html\r\n\r\nnope"))
	r := probe(t, Request{Address: app.Addr}, 5*time.Second)
	if r.Err != nil || r.Status != 404 || r.BodyBytes != 4 {
		t.Fatalf("status %d err %v body %d", r.Status, r.Err, r.BodyBytes)
	}
	if !strings.Contains(Explain(r), "answered 404 Not Found in") {
		t.Errorf("Explain = %q", Explain(r))
	}
}

func TestBigHeaderNoted(t *testing.T) {
	app := nginxtest.UWSGIServer(t, nginxtest.AppReply("HTTP/1.1 200 OK\r\nX-Big: "+strings.Repeat("a", 5000)+"\r\n\r\n"))
	r := probe(t, Request{Address: app.Addr}, 5*time.Second)
	if r.Err != nil || r.HeaderBytes != 17+7+5000+4 || !strings.Contains(Explain(r), "uwsgi_buffer_size") {
		t.Fatalf("err %v header %d: %s", r.Err, r.HeaderBytes, Explain(r))
	}
}

func TestBrokenPeers(t *testing.T) {
	partialThenReset := func(c net.Conn, _ nginxtest.AppRequest) {
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-")
		time.Sleep(50 * time.Millisecond) // let the bytes leave before the RST
		nginxtest.ResetConn(c)
	}
	cases := []struct {
		name    string
		req     func(testing.TB) Request
		phase   string
		is      error
		explain string
	}{
		{"refused", func(t testing.TB) Request { return Request{Address: nginxtest.Refusing(t)} },
			PhaseConnect, syscall.ECONNREFUSED, "connection refused (ECONNREFUSED): nothing listens on 127.0.0.1:"},
		{"missing socket", func(t testing.TB) Request { return Request{Network: "unix", Address: nginxtest.MissingSocket(t)} },
			PhaseConnect, syscall.ENOENT, "(ENOENT): the application is not running"},
		{"reset mid-header", func(t testing.TB) Request { return Request{Address: nginxtest.UWSGIServer(t, partialThenReset).Addr} },
			PhaseHeader, syscall.ECONNRESET, "reset the connection (RST) after "},
		{"closed without answer", func(t testing.TB) Request {
			return Request{Address: nginxtest.UWSGIServer(t, nginxtest.AppReply("")).Addr}
		},
			PhaseHeader, io.ErrUnexpectedEOF, `closed the connection without answering: nginx logs "upstream prematurely closed connection"`},
		{"garbage", func(t testing.TB) Request {
			return Request{Address: nginxtest.UWSGIServer(t, nginxtest.AppReply("SSH-2.0-OpenSSH_9.2p1\r\n\x00\x00\x01\x14")).Addr}
		}, PhaseHeader, nil, `does not answer like a uwsgi application: nginx logs upstream sent invalid header: "\x00..." and answers 502`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := probe(t, c.req(t), 5*time.Second)
			if r.Phase != c.phase || r.Err == nil || (c.is != nil && !errors.Is(r.Err, c.is)) || !strings.Contains(Explain(r), c.explain) {
				t.Errorf("phase %q err %v: %s; want %q %v %q", r.Phase, r.Err, Explain(r), c.phase, c.is, c.explain)
			}
		})
	}
}

// A silent backend: past uwsgi_read_timeout the probe notes the timer and keeps
// waiting until its own timeout.
func TestHangExceedsReadTimeout(t *testing.T) {
	r := probe(t, Request{Address: nginxtest.Hanging(t), ReadTimeout: 200 * time.Millisecond}, time.Second)
	if r.Phase != PhaseHeader || !cgiwire.IsTimeout(r.Err) || r.Exceeded != TimerRead {
		t.Fatalf("phase %q err %v exceeded %q", r.Phase, r.Err, r.Exceeded)
	}
	if r.Waited < 900*time.Millisecond || r.Timing.Total < time.Second || r.Timing.Total > 3*time.Second {
		t.Errorf("waited %s total %s, want about the whole 1s", r.Waited, r.Timing.Total)
	}
	if e := Explain(r); !strings.Contains(e, "sent no complete response header within 1s") || !strings.Contains(e, "longer than uwsgi_read_timeout 200ms") {
		t.Errorf("Explain = %q", e)
	}
}

// A slow answer is still an answer, with the timer nginx would have hit.
func TestSlowAnswerExceedsReadTimeout(t *testing.T) {
	app := nginxtest.UWSGIServer(t, func(c net.Conn, _ nginxtest.AppRequest) {
		time.Sleep(300 * time.Millisecond)
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\n\r\nok")
	})
	r := probe(t, Request{Address: app.Addr, ReadTimeout: 100 * time.Millisecond, ConnectTimeout: time.Second}, 5*time.Second)
	if r.Err != nil || r.Status != 200 || r.Exceeded != TimerRead || r.Waited < 300*time.Millisecond || r.Waited > 2*time.Second {
		t.Fatalf("status %d err %v exceeded %q waited %s", r.Status, r.Err, r.Exceeded, r.Waited)
	}
}

// A unix socket whose accept queue is full refuses at once with EAGAIN, which Go
// also reports as a timeout; Explain must say which.
func TestFullAcceptQueue(t *testing.T) {
	dir, err := os.MkdirTemp("", "ngx502-uwsgi-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "full.sock")
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: path}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	var r Result
	for i := 0; i < 8; i++ { // backlog 0 holds one connection; the next ones fail
		r = Probe(context.Background(), Request{Network: "unix", Address: path}, 200*time.Millisecond)
		if r.Phase == PhaseConnect {
			break
		}
	}
	if r.Phase != PhaseConnect || !errors.Is(r.Err, syscall.EAGAIN) || !strings.Contains(Explain(r), "accept queue is full") {
		t.Fatalf("phase %q err %v: %s", r.Phase, r.Err, Explain(r))
	}
}

// A TCP listener whose accept queue is full drops SYNs: the connect hangs, past
// uwsgi_connect_timeout, until the probe's own timeout.
func TestSlowConnectExceedsConnectTimeout(t *testing.T) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, _ := syscall.Getsockname(fd)
	addr := net.JoinHostPort("127.0.0.1", fmt.Sprint(sa.(*syscall.SockaddrInet4).Port))
	for i := 0; i < 4; i++ { // fill the queue (backlog 0 holds one or two)
		if c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
			t.Cleanup(func() { c.Close() })
		}
	}
	r := probe(t, Request{Address: addr, ConnectTimeout: 100 * time.Millisecond}, 600*time.Millisecond)
	if r.Phase != PhaseConnect || !cgiwire.IsTimeout(r.Err) || r.Exceeded != TimerConnect || r.Waited < 500*time.Millisecond {
		t.Fatalf("phase %q err %v exceeded %q waited %s", r.Phase, r.Err, r.Exceeded, r.Waited)
	}
	if e := Explain(r); !strings.Contains(e, "no answer to the connection attempt") || !strings.Contains(e, "longer than uwsgi_connect_timeout 100ms") {
		t.Errorf("Explain = %q", e)
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	r := Probe(ctx, Request{Address: nginxtest.Hanging(t)}, 10*time.Second)
	if !errors.Is(r.Err, context.Canceled) || time.Since(start) > 3*time.Second || !strings.Contains(Explain(r), "cancelled during header") {
		t.Fatalf("err %v after %s: %s", r.Err, time.Since(start), Explain(r))
	}
}
