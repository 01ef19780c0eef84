package cgiwiretest

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"ngx502/probes/cgiwire"
	"ngx502/probes/explain"
	"ngx502/probes/nginxtest"
)

func testBrokenPeers(t *testing.T, s Suite) {
	partialThenReset := func(c net.Conn, _ nginxtest.AppRequest) {
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-")
		time.Sleep(50 * time.Millisecond) // let the bytes leave before the RST
		nginxtest.ResetConn(c)
	}
	cases := []struct {
		name    string
		req     func(testing.TB) cgiwire.Request
		phase   string
		is      error
		explain string
	}{
		{"refused", func(t testing.TB) cgiwire.Request { return cgiwire.Request{Address: nginxtest.Refusing(t)} },
			cgiwire.PhaseConnect, syscall.ECONNREFUSED, "connection refused (ECONNREFUSED): nothing listens on 127.0.0.1:"},
		{"missing socket", func(t testing.TB) cgiwire.Request {
			return cgiwire.Request{Network: "unix", Address: nginxtest.MissingSocket(t)}
		}, cgiwire.PhaseConnect, syscall.ENOENT, "(ENOENT): the application is not running"},
		{"reset mid-header", func(t testing.TB) cgiwire.Request {
			return cgiwire.Request{Address: s.Server(t, partialThenReset).Addr}
		},
			cgiwire.PhaseHeader, syscall.ECONNRESET, "reset the connection (RST) after "},
		{"closed without answer", func(t testing.TB) cgiwire.Request {
			return cgiwire.Request{Address: s.Server(t, nginxtest.AppReply("")).Addr}
		}, cgiwire.PhaseHeader, io.ErrUnexpectedEOF, `closed the connection without answering: nginx logs "upstream prematurely closed connection"`},
		{"garbage", func(t testing.TB) cgiwire.Request {
			return cgiwire.Request{Address: s.Server(t, nginxtest.AppReply("SSH-2.0-OpenSSH_9.2p1\r\n\x00\x00\x01\x14")).Addr}
		}, cgiwire.PhaseHeader, nil, `does not answer like ` + s.Application + `: nginx logs upstream sent invalid header: "\x00..." and answers 502`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := s.ProbeLogged(t, c.req(t), 5*time.Second)
			if r.Phase != c.phase || r.Err == nil || (c.is != nil && !errors.Is(r.Err, c.is)) || !strings.Contains(s.Explain(r), c.explain) {
				t.Errorf("phase %q err %v: %s; want %q %v %q", r.Phase, r.Err, s.Explain(r), c.phase, c.is, c.explain)
			}
		})
	}
}

// A silent backend: past *_read_timeout the probe notes the timer and keeps waiting
// until its own timeout.
func testHangExceedsReadTimeout(t *testing.T, s Suite) {
	r := s.ProbeLogged(t, cgiwire.Request{Address: nginxtest.Hanging(t), ReadTimeout: 200 * time.Millisecond}, time.Second)
	if r.Phase != cgiwire.PhaseHeader || !explain.IsTimeout(r.Err) || r.Exceeded != cgiwire.TimerRead {
		t.Fatalf("phase %q err %v exceeded %q", r.Phase, r.Err, r.Exceeded)
	}
	if r.Waited < 900*time.Millisecond || r.Timing.Total < time.Second || r.Timing.Total > 3*time.Second {
		t.Errorf("waited %s total %s, want about the whole 1s", r.Waited, r.Timing.Total)
	}
	if e := s.Explain(r); !strings.Contains(e, "sent no complete response header within 1s") || !strings.Contains(e, "longer than "+s.Module+"_read_timeout 200ms") {
		t.Errorf("Explain = %q", e)
	}
}

// A slow answer is still an answer, with the timer nginx would have hit.
func testSlowAnswerExceedsReadTimeout(t *testing.T, s Suite) {
	app := s.Server(t, func(c net.Conn, _ nginxtest.AppRequest) {
		time.Sleep(300 * time.Millisecond)
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\n\r\nok")
	})
	r := s.ProbeLogged(t, cgiwire.Request{Address: app.Addr, ReadTimeout: 100 * time.Millisecond, ConnectTimeout: time.Second}, 5*time.Second)
	if r.Err != nil || r.Status != 200 || r.Exceeded != cgiwire.TimerRead || r.Waited < 300*time.Millisecond || r.Waited > 2*time.Second {
		t.Fatalf("status %d err %v exceeded %q waited %s", r.Status, r.Err, r.Exceeded, r.Waited)
	}
}

// A unix socket whose accept queue is full refuses at once with EAGAIN, which Go
// also reports as a timeout; Explain must say which.
func testFullAcceptQueue(t *testing.T, s Suite) {
	r := s.ProbeLogged(t, cgiwire.Request{Network: "unix", Address: nginxtest.SaturatedUnix(t)}, 200*time.Millisecond)
	if r.Phase != cgiwire.PhaseConnect || !errors.Is(r.Err, syscall.EAGAIN) || !strings.Contains(s.Explain(r), "accept queue is full") {
		t.Fatalf("phase %q err %v: %s", r.Phase, r.Err, s.Explain(r))
	}
}

// A TCP listener whose accept queue is full drops SYNs: the connect hangs, past
// *_connect_timeout, until the probe's own timeout.
func testSlowConnectExceedsConnectTimeout(t *testing.T, s Suite) {
	r := s.ProbeLogged(t, cgiwire.Request{Address: nginxtest.SaturatedTCP(t), ConnectTimeout: 100 * time.Millisecond}, 600*time.Millisecond)
	if r.Phase != cgiwire.PhaseConnect || !explain.IsTimeout(r.Err) || r.Exceeded != cgiwire.TimerConnect || r.Waited < 500*time.Millisecond {
		t.Fatalf("phase %q err %v exceeded %q waited %s", r.Phase, r.Err, r.Exceeded, r.Waited)
	}
	if e := s.Explain(r); !strings.Contains(e, "no answer to the connection attempt") || !strings.Contains(e, "longer than "+s.Module+"_connect_timeout 100ms") {
		t.Errorf("Explain = %q", e)
	}
}

func testCancel(t *testing.T, s Suite) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	r := s.Probe(ctx, cgiwire.Request{Address: nginxtest.Hanging(t)}, 10*time.Second)
	if !errors.Is(r.Err, context.Canceled) || time.Since(start) > 3*time.Second || !strings.Contains(s.Explain(r), "cancelled during header") {
		t.Fatalf("err %v after %s: %s", r.Err, time.Since(start), s.Explain(r))
	}
}
