package cgiwire

import (
	"context"
	"errors"
	"io"
	"strings"
	"syscall"
	"testing"
	"time"

	"ngx502/probes/explain"
	"ngx502/probes/nginxtest"
)

// An HTTP request is bytes like any other: the test servers answer it for real.
const httpGet = "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n"

// testDialect names a protocol "test" so that the words Explain takes from it show.
func testDialect() Dialect {
	return Dialect{Peer: explain.Peer{Module: "test", Name: "the application"}, Application: "a test application", BusyReason: "busy"}
}

func roundTrip(t *testing.T, target Target, timeout time.Duration) Exchange {
	t.Helper()
	ex := RoundTrip(context.Background(), target, []byte(httpGet), timeout)
	t.Logf("%s: status %d phase %q err %v exceeded %q\n  %s", target.Address, ex.Status, ex.Phase, ex.Err, ex.Exceeded, testDialect().Explain(target, ex))
	return ex
}

func TestRoundTripAnswer(t *testing.T) {
	target := Target{Network: "tcp", Address: nginxtest.Healthy(t), ConnectTimeout: time.Second, ReadTimeout: time.Second}
	ex := roundTrip(t, target, 5*time.Second)
	if ex.Err != nil || ex.Phase != "" || ex.Status != 200 || ex.BodyBytes != 2 || ex.Header.Get("Content-Type") != "text/plain" {
		t.Fatalf("status %d phase %q err %v header %v body %d", ex.Status, ex.Phase, ex.Err, ex.Header, ex.BodyBytes)
	}
	if !strings.HasPrefix(string(ex.Received), "HTTP/1.0 200 OK\r\n") || ex.HeaderBytes <= len("HTTP/1.0 200 OK\r\n\r\n") {
		t.Errorf("received %q, header %d bytes", ex.Received, ex.HeaderBytes)
	}
	if ex.Timing.Connect <= 0 || ex.Timing.FirstByte < ex.Timing.Connect || ex.Timing.Total < ex.Timing.FirstByte || ex.Exceeded != "" {
		t.Errorf("timing %+v exceeded %q", ex.Timing, ex.Exceeded)
	}
	if e := testDialect().Explain(target, ex); !strings.HasPrefix(e, target.Address+" answered 200 OK in ") {
		t.Errorf("Explain = %q", e)
	}
}

func TestRoundTripFailures(t *testing.T) {
	cases := []struct {
		name    string
		target  func(testing.TB) Target
		phase   string
		is      error
		explain string
	}{
		{"refused", func(t testing.TB) Target { return Target{Network: "tcp", Address: nginxtest.Refusing(t)} },
			PhaseConnect, syscall.ECONNREFUSED, "connection refused (ECONNREFUSED): nothing listens on 127.0.0.1:"},
		{"garbage", func(t testing.TB) Target { return Target{Network: "tcp", Address: nginxtest.Garbage(t)} },
			PhaseHeader, nil, `does not answer like a test application: nginx logs upstream sent invalid header: "\x00..." and answers 502 (it sent "SSH-2.0-`},
		{"closed", func(t testing.TB) Target { return Target{Network: "tcp", Address: nginxtest.ClosingAfterRequest(t)} },
			PhaseHeader, io.ErrUnexpectedEOF, `closed the connection without answering: nginx logs "upstream prematurely closed connection"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			target := c.target(t)
			ex := roundTrip(t, target, 500*time.Millisecond)
			if ex.Phase != c.phase || ex.Err == nil || (c.is != nil && !errors.Is(ex.Err, c.is)) || !strings.Contains(testDialect().Explain(target, ex), c.explain) {
				t.Errorf("phase %q err %v: %s; want %q %v %q", ex.Phase, ex.Err, testDialect().Explain(target, ex), c.phase, c.is, c.explain)
			}
		})
	}
}

// Past the read timeout the exchange goes on to its own bound and names the timer.
func TestRoundTripNotesReadTimer(t *testing.T) {
	target := Target{Network: "tcp", Address: nginxtest.Hanging(t), ReadTimeout: 100 * time.Millisecond}
	ex := roundTrip(t, target, 500*time.Millisecond)
	if ex.Exceeded != TimerRead || ex.Waited < 400*time.Millisecond || ex.Timing.Total < 500*time.Millisecond || !explain.IsTimeout(ex.Err) {
		t.Fatalf("exceeded %q waited %s total %s err %v", ex.Exceeded, ex.Waited, ex.Timing.Total, ex.Err)
	}
	if e := testDialect().Explain(target, ex); !strings.Contains(e, "longer than test_read_timeout 100ms") {
		t.Errorf("Explain = %q", e)
	}
}
