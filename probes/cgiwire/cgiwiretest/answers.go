package cgiwiretest

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"ngx502/probes/cgiwire"
	"ngx502/probes/nginxtest"
)

func testAnswer(t *testing.T, s Suite) {
	app := s.Server(t, nil)
	r := s.ProbeLogged(t, cgiwire.Request{Address: app.Addr, Path: "/app/a%20b?q=1", Host: "shop.example:8080"}, 5*time.Second)
	if r.Err != nil || r.Status != 200 || r.Header.Get("Content-Type") != "text/plain" || r.BodyBytes != 2 || r.Phase != "" {
		t.Fatalf("status %d phase %q err %v header %v body %d", r.Status, r.Phase, r.Err, r.Header, r.BodyBytes)
	}
	if r.Timing.Connect <= 0 || r.Timing.FirstByte < r.Timing.Connect || r.Timing.Total < r.Timing.FirstByte {
		t.Errorf("timing %+v", r.Timing)
	}
	got, n := app.Last()
	packet, _ := s.Protocol.Encode(r.Vars)
	if n != 1 || !bytes.Equal(got.Raw, packet) || len(got.Vars) != len(r.Vars) {
		t.Fatalf("backend got %d requests, %d vars, raw %q", n, len(got.Vars), got.Raw)
	}
	want := map[string]string{"REQUEST_URI": "/app/a%20b?q=1", "QUERY_STRING": "q=1",
		"HTTP_HOST": "shop.example:8080", "SERVER_NAME": "shop.example", "REQUEST_METHOD": "GET", "HTTP_USER_AGENT": "ngx502-probe"}
	for name, value := range s.AnswerVars {
		want[name] = value
	}
	seen := map[string]bool{}
	for _, v := range got.Vars {
		seen[v.Name] = true
		if w, ok := want[v.Name]; ok && w != v.Value {
			t.Errorf("%s = %q, want %q", v.Name, v.Value, w)
		}
		if v.Name == "HTTPS" {
			t.Errorf("HTTPS sent empty; %s_params has it if_not_empty", s.Module)
		}
	}
	for name := range want {
		if !seen[name] {
			t.Errorf("%s not sent", name)
		}
	}
	if r.Exceeded != "" || r.Waited != 0 {
		t.Errorf("exceeded %q waited %s with no timers set", r.Exceeded, r.Waited)
	}
}

func testParamsOverrideInPlace(t *testing.T, s Suite) {
	r := cgiwire.Request{Host: "a", Params: []cgiwire.Param{{Name: "SCRIPT_NAME", Value: "/app"},
		{Name: "REQUEST_SCHEME", Value: "https"}, {Name: "HTTPS", Value: "on"}, {Name: "HTTP_USER_AGENT", Value: "x"}}}
	vars := s.Protocol.Vars(r.WithDefaults())
	if got := strings.Join(names(vars), " "); got != s.OverrideOrder {
		t.Fatalf("order\n got %s\nwant %s", got, s.OverrideOrder)
	}
	for _, v := range vars {
		if w, ok := map[string]string{"REQUEST_SCHEME": "https", "HTTPS": "on", "HTTP_USER_AGENT": "x"}[v.Name]; ok && v.Value != w {
			t.Errorf("%s = %q, want %q (all: %v)", v.Name, v.Value, w, vars)
		}
	}
}

func testCGIStatusHeader(t *testing.T, s Suite) {
	app := s.Server(t, nginxtest.AppReply("Status: 404 Not Found\r\nContent-Type: text/html\r\n\r\nnope"))
	r := s.ProbeLogged(t, cgiwire.Request{Address: app.Addr}, 5*time.Second)
	if r.Err != nil || r.Status != 404 || r.BodyBytes != 4 {
		t.Fatalf("status %d err %v body %d", r.Status, r.Err, r.BodyBytes)
	}
	if !strings.Contains(s.Explain(r), "answered 404 Not Found in") {
		t.Errorf("Explain = %q", s.Explain(r))
	}
}

func testBigHeaderNoted(t *testing.T, s Suite) {
	app := s.Server(t, nginxtest.AppReply("HTTP/1.1 200 OK\r\nX-Big: "+strings.Repeat("a", 5000)+"\r\n\r\n"))
	r := s.ProbeLogged(t, cgiwire.Request{Address: app.Addr}, 5*time.Second)
	if r.Err != nil || r.HeaderBytes != 17+7+5000+4 || !strings.Contains(s.Explain(r), s.Module+"_buffer_size") {
		t.Fatalf("err %v header %d: %s", r.Err, r.HeaderBytes, s.Explain(r))
	}
}

// The printf half of Command, run by a real sh, writes exactly the probe's request.
func testCommandSendsSameBytes(t *testing.T, s Suite) {
	r := cgiwire.Request{Address: "127.0.0.1:4000", Path: "/a'b?x=100%", Host: "shop.example",
		Params: []cgiwire.Param{{Name: "SCRIPT_NAME", Value: `C:\app`}, {Name: "X_BIN", Value: "\x01\x7f\xff%"}}}
	got, nc := SentBy(t, s.Command(r, 2500*time.Millisecond))
	if nc != "nc -q 3 -w 3 127.0.0.1 4000" {
		t.Fatalf("netcat = %s", nc)
	}
	want, _ := s.Protocol.Encode(s.Protocol.Vars(r.WithDefaults()))
	if !bytes.Equal(got, want) {
		t.Errorf("printf wrote\n%q\nwant\n%q", got, want)
	}
	if u := s.Command(cgiwire.Request{Network: "unix", Address: "/run/app/app.sock"}, time.Second); !strings.HasSuffix(u, " | nc -q 1 -U /run/app/app.sock") {
		t.Errorf("unix Command = %s", u)
	}
}
