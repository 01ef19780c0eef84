package accesslog

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// labFormat is the custom format the lines below were captured with
// (nginx 1.22.1, Debian 12, loopback stubs: /own answers 502 itself, /ref
// is refused, /two and /retry are upstream{} groups, /grp is error_page to
// a second upstream).
const labFormat = `$remote_addr [$time_local] "$request" $status us=$upstream_status ua=$upstream_addr rt=$request_time urt=$upstream_response_time uht=$upstream_header_time ubr=$upstream_bytes_received uct=$upstream_connect_time`

// labLines are real lines of labFormat.
var labLines = map[string]string{
	"own":    `127.0.0.1 [02/Dec/2026:04:19:09 +0000] "GET /own HTTP/1.1" 502 us=502 ua=127.0.0.1:18551 rt=0.002 urt=0.001 uht=0.001 ubr=123 uct=0.000`,
	"ref":    `127.0.0.1 [02/Dec/2026:04:19:09 +0000] "GET /ref HTTP/1.1" 502 us=502 ua=127.0.0.1:18552 rt=0.000 urt=0.001 uht=- ubr=0 uct=-`,
	"two":    `127.0.0.1 [02/Dec/2026:04:19:09 +0000] "GET /two HTTP/1.1" 502 us=502, 502 ua=127.0.0.1:18552, 127.0.0.1:18551 rt=0.002 urt=0.000, 0.001 uht=-, 0.001 ubr=0, 123 uct=-, 0.000`,
	"nolive": `127.0.0.1 [02/Dec/2026:04:19:09 +0000] "GET /retry HTTP/1.1" 502 us=502 ua=retry rt=0.000 urt=0.000 uht=- ubr=0 uct=-`,
	"unix":   `127.0.0.1 [02/Dec/2026:04:19:09 +0000] "GET /unix HTTP/1.1" 502 us=502 ua=unix:/tmp/ngxexp/nope.sock rt=0.000 urt=0.000 uht=- ubr=0 uct=-`,
	"quote":  `127.0.0.1 [02/Dec/2026:04:19:09 +0000] "GET /own?x=\x22q\x22 HTTP/1.1" 502 us=502 ua=127.0.0.1:18551 rt=0.001 urt=0.001 uht=0.001 ubr=123 uct=0.000`,
	"grp":    `127.0.0.1 [02/Dec/2026:04:19:09 +0000] "GET /grp HTTP/1.1" 502 us=502 : 502 ua=127.0.0.1:18552 : 127.0.0.1:18551 rt=0.001 urt=0.000 : 0.001 uht=- : 0.001 ubr=0 : 123 uct=- : 0.001`,
	"static": `127.0.0.1 [02/Dec/2026:04:19:09 +0000] "GET /static HTTP/1.1" 200 us=- ua=- rt=0.000 urt=- uht=- ubr=- uct=-`,
	"ctl":    `127.0.0.1 [02/Dec/2026:04:19:09 +0000] "GET /a\x22b\x01\xFF HTTP/1.0" 400 us=- ua=- rt=0.007 urt=- uht=- ubr=- uct=-`,
}

// mustFormat parses a format or fails the test.
func mustFormat(t testing.TB, s string) Format {
	t.Helper()
	f, err := ParseFormat(s)
	if err != nil {
		t.Fatalf("ParseFormat(%q): %v", s, err)
	}
	return f
}

// mustLine parses a line or fails the test.
func mustLine(t testing.TB, f Format, line string) Record {
	t.Helper()
	r, ok := f.ParseLine([]byte(line))
	if !ok {
		t.Fatalf("ParseLine rejected %q", line)
	}
	return r
}

func eq[T any](t testing.TB, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
}

const ms = time.Millisecond

func TestParseLineLab(t *testing.T) {
	f := mustFormat(t, labFormat)
	at := time.Date(2026, 12, 2, 4, 19, 9, 0, time.UTC)

	r := mustLine(t, f, labLines["own"])
	eq(t, r.Time.Equal(at), true)
	eq(t, r.RemoteAddr, "127.0.0.1")
	eq(t, [3]string{r.Method, r.URI, r.Proto}, [3]string{"GET", "/own", "HTTP/1.1"})
	eq(t, r.Status, 502)
	eq(t, r.UpstreamStatus, []int{502})
	eq(t, r.UpstreamAddr, []string{"127.0.0.1:18551"})
	eq(t, r.RequestTime, 2*ms)
	eq(t, r.UpstreamResponseTime, []time.Duration{ms})
	eq(t, r.UpstreamHeaderTime, []time.Duration{ms})

	r = mustLine(t, f, labLines["ref"])
	eq(t, r.UpstreamHeaderTime, []time.Duration{-1}) // nginx's own 502: no header arrived

	r = mustLine(t, f, labLines["two"])
	eq(t, r.UpstreamStatus, []int{502, 502})
	eq(t, r.UpstreamAddr, []string{"127.0.0.1:18552", "127.0.0.1:18551"})
	eq(t, r.UpstreamResponseTime, []time.Duration{0, ms})
	eq(t, r.UpstreamHeaderTime, []time.Duration{-1, ms})

	r = mustLine(t, f, labLines["grp"])
	eq(t, r.UpstreamStatus, []int{502, 502})
	eq(t, r.UpstreamAddr, []string{"127.0.0.1:18552", "127.0.0.1:18551"})

	eq(t, mustLine(t, f, labLines["unix"]).UpstreamAddr, []string{"unix:/tmp/ngxexp/nope.sock"})
	eq(t, mustLine(t, f, labLines["nolive"]).UpstreamAddr, []string{"retry"})

	r = mustLine(t, f, labLines["static"])
	eq(t, r.UpstreamStatus, []int(nil))
	eq(t, r.UpstreamAddr, []string(nil))
	eq(t, r.UpstreamHeaderTime, []time.Duration(nil))

	r = mustLine(t, f, labLines["quote"])
	eq(t, r.URI, `/own?x="q"`)
	r = mustLine(t, f, labLines["ctl"])
	eq(t, r.Request, "GET /a\"b\x01\xff HTTP/1.0")
	eq(t, r.Status, 400)
}

func TestParseLineCombined(t *testing.T) {
	f := mustFormat(t, "combined")
	eq(t, f.String(), Combined)
	r := mustLine(t, f, `127.0.0.1 - - [25/Nov/2026:12:43:26 +0000] "GET /own502 HTTP/1.1" 502 3 "http://ref.example/page" "curl/7.88.1"`+"\n")
	eq(t, r.Status, 502)
	eq(t, r.URI, "/own502")
	eq(t, r.UserAgent, "curl/7.88.1")
	eq(t, r.Time.Equal(time.Date(2026, 11, 25, 12, 43, 26, 0, time.UTC)), true)
	eq(t, r.RequestTime, time.Duration(-1))
	eq(t, r.UpstreamStatus, []int(nil))

	// nginx's HTTP/0.9 relay of garbage: status 009; a user name with a space; "-" referer
	r = mustLine(t, f, `10.0.0.7 - bob smith [25/Nov/2026:12:43:24 -0500] "GET /garbage HTTP/1.1" 009 25 "-" "-"`)
	eq(t, r.Status, 9)
	eq(t, r.UserAgent, "")
	_, off := r.Time.Zone()
	eq(t, off, -5*3600)

	// a TLS handshake on a plain port: the request line is escaped binary
	r = mustLine(t, f, `10.0.0.9 - - [25/Nov/2026:12:43:24 +0000] "\x16\x03\x01\x02\x00\x01\x00\x01\xFC\x03\x03" 400 157 "-" "-"`)
	eq(t, r.Request, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
	eq(t, r.Method, "")
	eq(t, r.Status, 400)
}

func TestParseLineJSON(t *testing.T) {
	f := mustFormat(t, `escape=json {"r":"$request","ua":"$http_user_agent","t":"$time_iso8601","m":$msec,"s":$status,"us":"$upstream_status"}`)
	eq(t, f.Escape(), EscapeJSON)
	// captured from nginx 1.22.1 with User-Agent `ua "x" \ y`
	r := mustLine(t, f, `{"r":"GET /own?x=\"q\" HTTP/1.1","ua":"ua \"x\" \\ y","t":"2026-12-02T04:19:09+00:00","m":1796185149.400,"s":502,"us":"502, 200"}`)
	eq(t, r.URI, `/own?x="q"`)
	eq(t, r.UserAgent, `ua "x" \ y`)
	eq(t, r.Status, 502)
	eq(t, r.UpstreamStatus, []int{502, 200})
	// $time_iso8601 comes first in the format's roles? No: $time_iso8601 is
	// the only time variable before $msec, so it is the one used.
	eq(t, r.Time.Equal(time.Date(2026, 12, 2, 4, 19, 9, 0, time.UTC)), true)
	r = mustLine(t, f, `{"r":"GET /a\"b\u0001 HTTP/1.0","ua":"","t":"2026-12-02T04:19:09+00:00","m":1796185149.600,"s":400,"us":""}`)
	eq(t, r.Request, "GET /a\"b\x01 HTTP/1.0")
	eq(t, r.UpstreamStatus, []int(nil))
}

func TestParseLineMsec(t *testing.T) {
	f := mustFormat(t, `$msec $status $upstream_addr $upstream_status $request_time`)
	// a list variable followed by a single space: the separators are skipped
	r := mustLine(t, f, `1796185149.268 200 10.0.0.1:80, 10.0.0.2:80 : unix:/run/app.sock 502, 504 : 200 1.250`)
	eq(t, r.Time.Equal(time.Unix(1796185149, 268e6)), true)
	eq(t, r.UpstreamAddr, []string{"10.0.0.1:80", "10.0.0.2:80", "unix:/run/app.sock"})
	eq(t, r.UpstreamStatus, []int{502, 504, 200})
	eq(t, r.RequestTime, 1250*ms)
}

func TestParseLineRejects(t *testing.T) {
	f := mustFormat(t, labFormat)
	own := labLines["own"]
	for name, line := range map[string]string{
		"empty":         "",
		"other format":  `127.0.0.1 - - [25/Nov/2026:12:43:26 +0000] "GET /own502 HTTP/1.1" 502 3 "-" "curl/7.88.1"`,
		"cut short":     own[:len(own)/2],
		"trailing junk": own + " extra",
		"bad month":     strings.Replace(own, "Dec", "Foo", 1),
		"bad hour":      strings.Replace(own, "04:19:09", "24:19:09", 1),
		"bad status":    strings.Replace(own, `" 502 `, `" 5x2 `, 1),
		"error log":     `2026/11/25 12:43:22 [error] 3459#3459: *133 connect() failed (111: Connection refused)`,
	} {
		if r, ok := f.ParseLine([]byte(line)); ok {
			t.Errorf("%s: accepted %q as %+v", name, line, r)
		}
	}
}
