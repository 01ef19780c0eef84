package accesslog

import (
	"hash/maphash"
	"strings"
	"testing"
	"time"
)

// maxFuzzInput bounds fuzz inputs, so every run is quick.
const maxFuzzInput = 8 << 10

func FuzzParseFormat(f *testing.F) {
	for _, s := range []string{"combined", Combined, SuggestedFormat, labFormat, benchFormat, "escape=json {\"a\":\"$request\"}",
		"${status}$msec", "$", "${x", "escape=none", "a$b$c", "$time_local$time_local"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > maxFuzzInput {
			return
		}
		fm, err := ParseFormat(s)
		if err != nil {
			return
		}
		again, err := ParseFormat(fm.String())
		if err != nil || strings.Join(again.Vars(), " ") != strings.Join(fm.Vars(), " ") {
			t.Fatalf("%q: reparse of %q gives %v, %v", s, fm.String(), again.Vars(), err)
		}
		if strings.Count(fm.String(), "$") != len(fm.Vars()) {
			t.Fatalf("%q: %d variables for %d '$'", s, len(fm.Vars()), strings.Count(fm.String(), "$"))
		}
		// a line of "1"s where the variables are never panics either
		var b strings.Builder
		b.WriteString(fm.lead)
		for _, tk := range fm.toks {
			b.WriteString("1")
			b.WriteString(tk.lit)
		}
		_, _ = fm.ParseLine([]byte(b.String()))
		fm.Lacks()
	})
}

func FuzzParseLine(f *testing.F) {
	formats := []Format{mustFormat(f, labFormat), mustFormat(f, "combined"), mustFormat(f, SuggestedFormat),
		mustFormat(f, `escape=json {"r":"$request","t":"$time_iso8601","s":$status,"us":"$upstream_status","ua":"$upstream_addr"}`),
		mustFormat(f, `$msec $status $upstream_addr $upstream_status $upstream_header_time`)}
	for _, l := range labLines {
		f.Add(l)
	}
	f.Add(`127.0.0.1 - - [25/Nov/2026:12:43:26 +0000] "GET /own502 HTTP/1.1" 502 3 "-" "curl/7.88.1"`)
	f.Add(`{"r":"GET /a\"b\u0001 HTTP/1.0","t":"2026-12-02T04:19:09+00:00","s":502,"us":"502, 200","ua":"a:1, b:2"}`)
	f.Add(`1796185149.268 502 10.0.0.1:80, 10.0.0.2:80 : unix:/run/app.sock 502, 504 : 502 -, - : 0.001`)
	f.Add(line(1, "GET /?ngx502-probe=1 HTTP/1.0", 502, "502 : 502", "a : b", "- : 0.001", "ngx502-probe/x"))
	f.Fuzz(func(t *testing.T, l string) {
		if len(l) > maxFuzzInput {
			return
		}
		for i := range formats {
			fm := &formats[i]
			r, ok := fm.ParseLine([]byte(l))
			if ok && (r.Status < 0 || r.Status > 999 || len(r.UpstreamStatus) > maxItems || len(r.UpstreamAddr) > maxItems) {
				t.Fatalf("record out of bounds: %+v", r)
			}
			// the hot path too, marked so the own-request check runs
			acc := newTally(fm, time.Time{}, time.Minute, 4, 4, maphash.MakeSeed())
			acc.line([]byte(l), true)
			acc.line([]byte(l), false)
			s := acc.summary(Summary{})
			if s.Requests+s.Own+s.Bad != 2 {
				t.Fatalf("two lines counted as %d requests, %d own, %d bad", s.Requests, s.Own, s.Bad)
			}
		}
	})
}
