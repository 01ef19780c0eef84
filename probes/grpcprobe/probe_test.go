package grpcprobe

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"ngx502/probes/explain"
	"ngx502/probes/nginxtest"
)

func probe(t *testing.T, r Request, timeout time.Duration) Result {
	t.Helper()
	res := Probe(context.Background(), r, timeout)
	t.Logf("%s → status=%d grpc=%d %q serving=%q phase=%q err=%v exceeded=%q waited=%s\n  %s", r.Address, res.Status,
		res.GRPCStatus, res.GRPCMessage, res.Serving, res.Phase, res.Err, res.Exceeded, res.Waited, Explain(res))
	return res
}

func TestHealth(t *testing.T) {
	cases := []struct {
		status, serving string
		grpc            int
		explain         string
	}{
		{"SERVING", "SERVING", 0, "answered SERVING to the gRPC health check in "},
		{"NOT_SERVING", "NOT_SERVING", 0, "is a live gRPC server, but its health service reports NOT_SERVING"},
		{"UNKNOWN", "UNKNOWN", 0, "reports UNKNOWN"},
		{"SERVICE_UNKNOWN", "SERVICE_UNKNOWN", 0, "reports SERVICE_UNKNOWN"},
		{"UNIMPLEMENTED", "", 12, `without the health service (grpc-status 12 UNIMPLEMENTED, "unknown service grpc.health.v1.Health")`},
	}
	for _, c := range cases {
		t.Run(c.status, func(t *testing.T) {
			t.Parallel()
			srv := nginxtest.GRPCHealth(t, c.status)
			r := probe(t, Request{Address: srv.Addr, Host: "api.example:443"}, 5*time.Second)
			if r.Err != nil || r.Status != 200 || r.GRPCStatus != c.grpc || r.Serving != c.serving || !strings.Contains(Explain(r), c.explain) {
				t.Fatalf("status %d grpc %d serving %q err %v: %s", r.Status, r.GRPCStatus, r.Serving, r.Err, Explain(r))
			}
			if r.Timing.Connect <= 0 || r.Timing.FirstByte < r.Timing.Connect || r.Timing.Total < r.Timing.FirstByte || r.HeaderBytes <= 0 {
				t.Errorf("timing %+v header %d", r.Timing, r.HeaderBytes)
			}
			got, n := srv.Last()
			if n != 1 || got.Path != HealthPath || got.Authority != "api.example:443" || got.Proto != "HTTP/2.0" ||
				got.Header.Get("Content-Type") != "application/grpc" || got.Header.Get("Te") != "trailers" || string(got.Body) != healthRequest {
				t.Errorf("server got %d calls, last %+v", n, got)
			}
		})
	}
}

func TestTLS(t *testing.T) {
	srv := nginxtest.GRPCHealthTLS(t, "SERVING")
	r := probe(t, Request{Address: srv.Addr, Scheme: "grpcs", Insecure: true}, 5*time.Second)
	if r.Err != nil || r.Serving != "SERVING" || r.Timing.TLS <= 0 {
		t.Fatalf("serving %q err %v timing %+v", r.Serving, r.Err, r.Timing)
	}
	r = probe(t, Request{Address: srv.Addr, Scheme: "grpcs", Host: "example.com"}, 5*time.Second)
	if r.Phase != PhaseTLS || !strings.Contains(Explain(r), "unknown authority") {
		t.Errorf("verifying: phase %q err %v: %s", r.Phase, r.Err, Explain(r))
	}
	plain := nginxtest.GRPCHealth(t, "SERVING")
	r = probe(t, Request{Address: plain.Addr, Scheme: "grpcs", Insecure: true}, 5*time.Second)
	if r.Phase != PhaseTLS || r.Err == nil {
		t.Errorf("grpcs to h2c: phase %q err %v", r.Phase, r.Err)
	}
}

// An HTTP/1.1 server reads the HTTP/2 preface as a request and answers in HTTP/1.1;
// nginx takes "HTT" for a frame length.
func TestHTTP1Server(t *testing.T) {
	r := probe(t, Request{Address: nginxtest.Healthy(t)}, 5*time.Second)
	var nh *NotHTTP2Error
	if r.Phase != PhaseHeader || !errors.As(r.Err, &nh) {
		t.Fatalf("phase %q err %v", r.Phase, r.Err)
	}
	e := Explain(r)
	if !strings.Contains(e, `is not HTTP/2: it answered "HTTP/1.1 `) || !strings.Contains(e, "upstream sent too large http2 frame: 4740180") {
		t.Errorf("Explain = %q", e)
	}
}

func TestBrokenPeers(t *testing.T) {
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
			PhaseConnect, syscall.ENOENT, "(ENOENT): the server is not running"},
		{"closing", func(t testing.TB) Request { return Request{Address: nginxtest.ClosingAfterRequest(t)} },
			PhaseHeader, nil, "closed the connection before answering"},
		{"garbage", func(t testing.TB) Request { return Request{Address: nginxtest.Garbage(t)} },
			PhaseHeader, nil, `is not HTTP/2: it answered "SSH-2.0-OpenSSH_9.2p1`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := probe(t, c.req(t), 5*time.Second)
			if (c.name == "closing" || c.name == "garbage") && r.Phase == PhaseWrite && (errors.Is(r.Err, syscall.EPIPE) || errors.Is(r.Err, syscall.ECONNRESET)) {
				// The peer closes right after the connection preface (after
				// its garbage), which may land while the request frames are
				// still being written: nginx logs that as a failed write too.
				return
			}
			if r.Phase != c.phase || r.Err == nil || (c.is != nil && !errors.Is(r.Err, c.is)) || !strings.Contains(Explain(r), c.explain) {
				t.Errorf("phase %q err %v: %s; want %q %v %q", r.Phase, r.Err, Explain(r), c.phase, c.is, c.explain)
			}
		})
	}
}

func TestHangExceedsReadTimeout(t *testing.T) {
	r := probe(t, Request{Address: nginxtest.Hanging(t), ReadTimeout: 200 * time.Millisecond}, time.Second)
	if r.Phase != PhaseHeader || !explain.IsTimeout(r.Err) || r.Exceeded != TimerRead || r.Waited < 900*time.Millisecond {
		t.Fatalf("phase %q err %v exceeded %q waited %s", r.Phase, r.Err, r.Exceeded, r.Waited)
	}
	if e := Explain(r); !strings.Contains(e, "sent no response header within 1s") || !strings.Contains(e, "longer than grpc_read_timeout 200ms") {
		t.Errorf("Explain = %q", e)
	}
}

func TestCommand(t *testing.T) {
	if got, want := Command(Request{Address: "127.0.0.1:50051", Host: "api.example"}, 5*time.Second),
		"grpcurl -plaintext -authority api.example -max-time 5 127.0.0.1:50051 grpc.health.v1.Health/Check"; got != want {
		t.Errorf("Command\n got %s\nwant %s", got, want)
	}
	got := Command(Request{Network: "unix", Address: "/run/app/grpc.sock", Scheme: "grpcs", Insecure: true, ServerName: "api", Params: []Param{{"X-Env", "prod"}}}, 1500*time.Millisecond)
	if want := "grpcurl -insecure -servername api -unix -authority localhost -max-time 2 -H 'X-Env: prod' /run/app/grpc.sock grpc.health.v1.Health/Check"; got != want {
		t.Errorf("Command\n got %s\nwant %s", got, want)
	}
}

func TestDecodeHealth(t *testing.T) {
	cases := []struct {
		in, want, err string
	}{
		{"\x00\x00\x00\x00\x02\x08\x01", "SERVING", ""},
		{"\x00\x00\x00\x00\x00", "UNKNOWN", ""},
		{"\x00\x00\x00\x00\x06\x12\x02ab\x08\x02", "NOT_SERVING", ""}, // an unknown field first
		{"\x00\x00\x00\x00\x02\x08\x09", "ServingStatus(9)", ""},
		{"\x01\x00\x00\x00\x02\x08\x01", "", "compressed"},
		{"\x00\x00\x00\x00\x05\x08", "", "cut short"},
		{"\x00\x00\x00\x00\x01\x08", "", "field 1 cut short"},
		{"\x00\x00", "", "cut short"},
	}
	for _, c := range cases {
		got, err := DecodeHealth([]byte(c.in))
		if got != c.want || (c.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.err)) {
			t.Errorf("DecodeHealth(%q) = %q, %v; want %q, %q", c.in, got, err, c.want, c.err)
		}
	}
}

// A slow answer is still an answer, with the timer nginx would have hit; the HTTP/2
// SETTINGS exchange before it does not hide the wait.
func TestSlowAnswerExceedsReadTimeout(t *testing.T) {
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		time.Sleep(300 * time.Millisecond)
		w.Header().Set("Content-Type", "application/grpc")
		w.Header().Set("Grpc-Status", "12")
		w.WriteHeader(http.StatusOK)
	}))
	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	s.Config.Protocols = &p
	s.Start()
	t.Cleanup(s.Close)
	r := probe(t, Request{Address: s.Listener.Addr().String(), ReadTimeout: 100 * time.Millisecond}, 5*time.Second)
	if r.Err != nil || r.GRPCStatus != 12 || r.Exceeded != TimerRead || r.Waited < 250*time.Millisecond || r.Waited > 2*time.Second {
		t.Fatalf("grpc %d err %v exceeded %q waited %s", r.GRPCStatus, r.Err, r.Exceeded, r.Waited)
	}
	if !strings.Contains(Explain(r), "longer than grpc_read_timeout 100ms") {
		t.Errorf("Explain = %q", Explain(r))
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
