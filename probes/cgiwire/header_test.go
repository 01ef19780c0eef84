package cgiwire

import (
	"errors"
	"testing"
)

func TestParseHeader(t *testing.T) {
	cases := []struct {
		name, in string
		status   int
		end      int // -1: not complete
		err      string
	}{
		{"status line", "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\nbody", 404, 51, ""},
		{"status line wins over Status", "HTTP/1.0 201 Created\nStatus: 500\n\n", 201, 34, ""},
		{"cgi status", "Status: 503 Busy\r\n\r\n", 503, 20, ""},
		{"first Status wins", "Status: 404\nStatus: 200\n\n", 404, 25, ""},
		{"location means 302", "Location: /login\r\n\r\n", 302, 20, ""},
		{"no status means 200", "Content-Type: text/plain\n\nok", 200, 26, ""},
		{"line without colon is a field", "X-Odd\r\n\r\n", 200, 9, ""},
		{"IIS second status line", "HTTP/1.1 100 Continue\r\nHTTP/1.1 200 OK\r\n\r\n", 100, 42, ""},
		{"not a status line", "HTTPS: on\n\n", 200, 11, ""},
		{"status line 000 falls back", "HTTP/1.1 000 Zero\nStatus: 418\n\n", 418, 31, ""},
		{"incomplete", "HTTP/1.1 200 OK\r\nContent-", 0, -1, ""},
		{"space in name", "X-Bad Name: 1\r\n\r\n", 0, -1, `upstream sent invalid header: "X-Bad\x20..."`},
		{"binary after banner", "SSH-2.0-OpenSSH_9.2p1\r\n\x00\x00\x01", 0, -1, `upstream sent invalid header: "\x00..."`},
		{"NUL in value", "X-A: b\x00c\n\n", 0, -1, `upstream sent invalid header: "X-A: b\x00..."`},
		{"CR without LF", "X-A: b\rc\n\n", 0, -1, `upstream sent invalid header: "X-A: b\x0d..."`},
		{"colon first", ": x\n\n", 0, -1, `upstream sent invalid header: "\x3a..."`},
		{"bad status", "Status: OK\r\n\r\n", 0, -1, `upstream sent invalid status "OK"`},
		{"short status", "Status: 20\r\n\r\n", 0, -1, `upstream sent invalid status "20"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var p HeadParser
			done, err := p.Parse([]byte(c.in))
			if c.err != "" {
				if err == nil || err.Error() != c.err {
					t.Fatalf("err = %v, want %s", err, c.err)
				}
				return
			}
			if err != nil || done != (c.end >= 0) {
				t.Fatalf("done %v err %v", done, err)
			}
			if done && (p.Status() != c.status || p.Len() != c.end) {
				t.Errorf("status %d end %d, want %d %d", p.Status(), p.Len(), c.status, c.end)
			}
		})
	}
}

func TestParseHeaderFields(t *testing.T) {
	var p HeadParser
	done, err := p.Parse([]byte("HTTP/1.1 200 OK\r\nContent-Type:  text/plain  \r\nx_under: a b\r\nSet-Cookie: 1\r\nSet-Cookie: 2\r\n\r\n"))
	if !done || err != nil {
		t.Fatalf("done %v err %v", done, err)
	}
	if got := p.Header().Get("Content-Type"); got != "text/plain" {
		t.Errorf("Content-Type %q", got)
	}
	if got := p.Header().Get("X_under"); got != "a b" {
		t.Errorf("underscore header %q (%v)", got, p.Header())
	}
	if got := p.Header().Values("Set-Cookie"); len(got) != 2 {
		t.Errorf("Set-Cookie %q", got)
	}
}

// A header arriving a byte at a time parses as the whole does.
func TestParseHeaderResumes(t *testing.T) {
	in := []byte("HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n")
	var p HeadParser
	for i := 1; i <= len(in); i++ {
		done, err := p.Parse(in[:i])
		if err != nil || done != (i == len(in)) {
			t.Fatalf("at %d: done %v err %v", i, done, err)
		}
	}
	if p.Status() != 302 || p.Len() != len(in) || p.Header().Get("Location") != "/x" {
		t.Errorf("status %d end %d header %v", p.Status(), p.Len(), p.Header())
	}
	var he *HeaderError
	var q HeadParser
	if _, err := q.Parse([]byte("Bad\x01")); !errors.As(err, &he) || he.Name != "Bad" || he.Bad != 1 {
		t.Errorf("err %v", err)
	}
}
