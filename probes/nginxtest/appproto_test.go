package nginxtest

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// exchange sends raw to addr and returns everything the server answers before closing.
func exchange(t *testing.T, addr, raw string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(io.LimitReader(c, 1<<20))
	return string(b)
}

func TestUWSGIServerDecodes(t *testing.T) {
	s := UWSGIServer(t, nil)
	// CONTENT_LENGTH=2 and A="" after modifier1 0, their size (24, LE), modifier2 0;
	// then the body.
	raw := "\x00\x18\x00\x00" + "\x0e\x00CONTENT_LENGTH\x01\x002" + "\x01\x00A\x00\x00" + "hi"
	if got := exchange(t, s.Addr, raw); !strings.HasPrefix(got, "HTTP/1.1 200 OK\r\n") || !strings.HasSuffix(got, "\r\n\r\nok") {
		t.Fatalf("answer %q", got)
	}
	req, n := s.Last()
	if n != 1 || len(req.Vars) != 2 || req.Vars[0] != (AppVar{"CONTENT_LENGTH", "2"}) || req.Vars[1] != (AppVar{"A", ""}) ||
		string(req.Body) != "hi" || string(req.Raw) != raw[:len(raw)-2] {
		t.Errorf("recorded %d: %+v", n, req)
	}
}

func TestSCGIServerDecodes(t *testing.T) {
	s := SCGIServer(t, AppReply("Status: 404 Not Found\r\n\r\n"))
	raw := "24:CONTENT_LENGTH\x000\x00SCGI\x001\x00,"
	if got := exchange(t, s.Addr, raw); got != "Status: 404 Not Found\r\n\r\n" {
		t.Fatalf("answer %q", got)
	}
	req, _ := s.Last()
	if len(req.Vars) != 2 || req.Vars[1] != (AppVar{"SCGI", "1"}) || string(req.Raw) != raw {
		t.Errorf("recorded %+v", req)
	}
}

// A request that is not the protocol is recorded and not answered.
func TestAppServerRejectsOtherProtocols(t *testing.T) {
	s := SCGIServer(t, nil)
	if got := exchange(t, s.Addr, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); got != "" {
		t.Errorf("answered %q", got)
	}
	if req, n := s.Last(); n != 1 || req.Vars != nil || len(req.Raw) == 0 {
		t.Errorf("recorded %d: %+v", n, req)
	}
}

func TestGRPCHealthAnswersH2C(t *testing.T) {
	s := GRPCHealth(t, "SERVING")
	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	tr := &http.Transport{Protocols: &p}
	defer tr.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+s.Addr+"/grpc.health.v1.Health/Check", strings.NewReader("\x00\x00\x00\x00\x00"))
	req.Header.Set("Content-Type", "application/grpc")
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.ProtoMajor != 2 || string(body) != "\x00\x00\x00\x00\x02\x08\x01" || resp.Trailer.Get("Grpc-Status") != "0" {
		t.Errorf("%s body %q trailer %v", resp.Proto, body, resp.Trailer)
	}
	if got, n := s.Last(); n != 1 || got.Path != "/grpc.health.v1.Health/Check" || string(got.Body) != "\x00\x00\x00\x00\x00" {
		t.Errorf("recorded %d: %+v", n, got)
	}
}
