package errlog

import (
	"bufio"
	"os"
	"strings"
	"testing"
	"time"
)

func TestParseLineCanonical(t *testing.T) {
	line := sampleLine(t, "*133 ")
	e := mustParse(t, line)
	want := Entry{
		Time: time.Date(2026, 11, 25, 12, 43, 22, 0, time.UTC), Level: "error", PID: 3459, TID: 3459, CID: 133,
		Message: "connect() failed", Errno: 111, ErrText: "Connection refused", Action: "connecting to upstream",
		Client: "127.0.0.1", Server: "lab.example", Request: "GET /refused HTTP/1.1",
		Upstream: "http://127.0.0.1:18099/refused", Host: "127.0.0.1:18080", Referrer: "http://ref.example/page",
		Raw: line,
	}
	if e != want {
		t.Errorf("got  %+v\nwant %+v", e, want)
	}
}

func TestParseLineVariants(t *testing.T) {
	loc := time.FixedZone("X", 3600)
	tests := []struct {
		name  string
		line  string
		check func(t *testing.T, e Entry)
	}{
		{"resolver socket, no CID (real, twice in the samples)", "2026/11/25 12:43:38 [error] 3459#3459: send() failed (111: Connection refused) while resolving, resolver: 127.0.0.1:15353",
			func(t *testing.T, e Entry) {
				eq(t, e.CID, int64(0))
				eq(t, e.Message, "send() failed")
				eq(t, e.Errno, 111)
				eq(t, e.Action, "resolving")
				eq(t, e.Resolver, "127.0.0.1:15353")
				eq(t, e.Client, "")
				eq(t, e.Time.Location(), loc)
			}},
		{"raw quotes", sampleLine(t, "*229 "), func(t *testing.T, e Entry) {
			eq(t, e.Request, `GET /refused/"raw" HTTP/1.1`)
			eq(t, e.Upstream, `http://127.0.0.1:18099/refused/"raw"`)
			eq(t, e.Host, "127.0.0.1:18080")
			eq(t, e.Referrer, `http://x/"quoted", host: "fake"`)
			eq(t, e.Truncated, false)
		}},
		{"raw bytes", sampleLine(t, "*231 "), func(t *testing.T, e Entry) {
			eq(t, e.Host, "h\xc3\xa9.example")
			eq(t, e.Upstream, "http://127.0.0.1:18099/refused/caf\xc3\xa9?q=\xff")
			eq(t, e.Referrer, "")
		}},
		{"2047-byte truncation", sampleLine(t, "*227 "), func(t *testing.T, e Entry) {
			eq(t, len(e.Raw), 2047)
			eq(t, e.Truncated, true)
			eq(t, e.Message, "connect() failed")
			eq(t, e.Errno, 111)
			eq(t, e.Server, "lab.example")
			eq(t, strings.HasPrefix(e.Request, "GET /refused?aaaa"), true)
			eq(t, e.Upstream, "")
		}},
		{"SSL inner group, no errno", sampleLine(t, "*188 "), func(t *testing.T, e Entry) {
			eq(t, e.Message, "SSL_do_handshake() failed (SSL: error:0A000410:SSL routines::sslv3 alert handshake failure:SSL alert number 40)")
			eq(t, e.Errno, 0)
			eq(t, e.Action, "SSL handshaking to upstream")
		}},
		{"SSL inner group then errno", "2026/11/25 12:43:28 [crit] 1#1: *9 SSL_read() failed (SSL: error:0A000126:SSL routines::unexpected eof while reading) (104: Connection reset by peer) while reading response header from upstream, client: 10.0.0.1, server: a, request: \"GET / HTTP/1.1\", upstream: \"https://10.0.0.2:443/\", host: \"a\"",
			func(t *testing.T, e Entry) {
				eq(t, e.Message, "SSL_read() failed (SSL: error:0A000126:SSL routines::unexpected eof while reading)")
				eq(t, e.Errno, 104)
				eq(t, e.ErrText, "Connection reset by peer")
				eq(t, e.Action, "reading response header from upstream")
			}},
		{"cert verify parenthesis is not errno", sampleLine(t, "*184 "), func(t *testing.T, e Entry) {
			eq(t, e.Message, "upstream SSL certificate verify error: (18:self-signed certificate)")
			eq(t, e.Errno, 0)
		}},
		{"empty server name", sampleLine(t, "*3 socket() failed"), func(t *testing.T, e Entry) {
			eq(t, e.Level, "alert")
			eq(t, e.Client, "127.0.0.1")
			eq(t, e.Server, "")
			eq(t, e.Request, "GET / HTTP/1.1")
		}},
		{"stream tail", "2026/11/25 12:00:00 [error] 10#10: *5 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: 0.0.0.0:3306, upstream: \"127.0.0.1:3307\", bytes from/to client:0/0, bytes from/to upstream:0/0",
			func(t *testing.T, e Entry) {
				eq(t, e.Client, "127.0.0.1")
				eq(t, e.Server, "0.0.0.0:3306")
				eq(t, e.Upstream, "127.0.0.1:3307")
				eq(t, Peer(e), "127.0.0.1:3307")
			}},
		{"stream udp", "2026/11/25 12:00:00 [error] 10#0: *6 recv() failed (111: Connection refused) while proxying and reading from upstream, udp client: 10.1.1.1, server: 0.0.0.0:53, upstream: \"10.0.0.53:53\", bytes from/to client:40/0, bytes from/to upstream:0/40",
			func(t *testing.T, e Entry) {
				eq(t, e.TID, 0)
				eq(t, e.Client, "10.1.1.1")
				eq(t, e.Action, "proxying and reading from upstream")
				eq(t, Peer(e), "10.0.0.53:53")
			}},
		{"subrequest", "2026/11/25 12:00:00 [error] 7#7: *2 connect() failed (111: Connection refused) while connecting to upstream, client: ::1, server: s, request: \"GET /p HTTP/2.0\", subrequest: \"/auth\", upstream: \"http://127.0.0.1:9000/auth\", host: \"s\"",
			func(t *testing.T, e Entry) {
				eq(t, e.Client, "::1")
				eq(t, e.Subrequest, "/auth")
				eq(t, e.Request, "GET /p HTTP/2.0")
			}},
		{"unterminated host", "2026/11/25 12:00:00 [error] 7#7: *2 connect() failed (111: Connection refused) while connecting to upstream, client: 1.2.3.4, server: s, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:80/\", host: \"exa",
			func(t *testing.T, e Entry) {
				eq(t, e.Truncated, true)
				eq(t, e.Host, "exa")
				eq(t, e.Upstream, "http://127.0.0.1:80/")
			}},
		{"config emerg", sampleLine(t, "[emerg] 5935#5935"), func(t *testing.T, e Entry) {
			eq(t, e.Level, "emerg")
			eq(t, e.Message, `host not found in upstream "nonexistent-host.invalid" in /tmp/ngxlab/bad1.conf:2`)
		}},
		{"while inside FastCGI stderr is not the action", "2026/11/25 12:00:00 [error] 7#7: *2 FastCGI sent in stderr: \"died while (busy)\" while reading response header from upstream, client: 1.2.3.4, server: s",
			func(t *testing.T, e Entry) {
				eq(t, e.Action, "reading response header from upstream")
				eq(t, e.Message, `FastCGI sent in stderr: "died while (busy)"`)
			}},
		{"trailing CRLF", "2026/11/25 12:00:00 [error] 7#7: *2 no live upstreams while connecting to upstream, client: 1.2.3.4, server: s, upstream: \"http://grp/\"\r\n",
			func(t *testing.T, e Entry) {
				eq(t, e.Upstream, "http://grp/")
				eq(t, Peer(e), "grp")
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, ok := ParseLine([]byte(tt.line), loc)
			if !ok {
				t.Fatalf("rejected %q", tt.line)
			}
			if e.Raw != tt.line {
				t.Errorf("Raw = %q, want the input", e.Raw)
			}
			tt.check(t, e)
		})
	}
}

func TestParseLineRejects(t *testing.T) {
	for _, l := range []string{
		"",
		"nginx: [emerg] host not found in upstream \"x\" in /tmp/a.conf:2",
		`127.0.0.1 - - [25/Nov/2026:12:43:22 +0000] "GET /refused HTTP/1.1" 502 157 "-" "curl/7.88.1"`,
		"PHP message: PHP Fatal error:  Uncaught Error in /var/www/a.php:4\" while reading",
		"2026/11/25 12:43:22 [bogus] 1#1: x",
		"2026/11/25 12:43:22 [error] 1: x",
		"2026/13/25 12:43:22 [error] 1#1: x",
		"2026/11/25 12:43:22 [error] #1: x",
		"<27>Nov 25 12:43:22 host nginx: 2026/11/25 12:43:22 [error] 1#1: x",
	} {
		if e, ok := ParseLine([]byte(l), time.UTC); ok {
			t.Errorf("ParseLine(%q) accepted: %+v", l, e)
		} else if e.Raw != l {
			t.Errorf("Raw = %q, want the input", e.Raw)
		}
	}
}

// TestSamplesEveryLine checks every non-comment line of the lab file: each
// timestamped line parses, and every other one is an access-log line,
// console output of nginx -t/-T, or a FastCGI continuation line.
func TestSamplesEveryLine(t *testing.T) {
	f, err := os.Open(samples)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	entries, other := 0, 0
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if len(l) > 4 && l[0] == '2' && l[4] == '/' {
			e, ok := ParseLine([]byte(l), time.UTC)
			if !ok || e.Raw != l || e.Message == "" {
				t.Errorf("line %d does not parse: %q", n, l)
			}
			entries++
			continue
		}
		switch {
		case isAccessLine(l), strings.HasPrefix(l, "nginx: "), strings.HasPrefix(l, "PHP message: "),
			l == "events{}", strings.HasPrefix(l, "http{"):
			other++
		default:
			t.Errorf("line %d is neither an entry nor known other output: %q", n, l)
		}
	}
	if entries != 105 {
		t.Errorf("entries = %d, want 105", entries)
	}
	t.Logf("%d entries, %d other lines", entries, other)
}

func eq[T comparable](t *testing.T, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("got %v, want %v", got, want)
	}
}
