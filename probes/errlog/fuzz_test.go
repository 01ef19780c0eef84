package errlog

import (
	"bufio"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// addSamples seeds a fuzz corpus with every line of the lab file.
func addSamples(f *testing.F) {
	file, err := os.Open(samples)
	if err != nil {
		f.Fatal(err)
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	for sc.Scan() {
		f.Add(sc.Text())
	}
	f.Add("2026/11/25 12:00:00 [error] 1#1: *1 x (1: y) while z, client: , server: , request: \"")
	f.Add("2026/11/25 12:00:00 [error] 1#1: *1 , udp client: , bytes from/to client:")
	f.Add("2026/11/25 12:00:00 [error] 1#1: *1 connect() to  failed (2: x), upstream: \"unix:\"")
}

func FuzzParseLine(f *testing.F) {
	addSamples(f)
	f.Fuzz(func(t *testing.T, line string) {
		e, ok := ParseLine([]byte(line), time.UTC)
		if e.Raw != line {
			t.Fatalf("Raw = %q, want the input %q", e.Raw, line)
		}
		if !ok {
			return
		}
		switch e.Level {
		case "emerg", "alert", "crit", "error", "warn", "notice", "info", "debug":
		default:
			t.Fatalf("level %q", e.Level)
		}
		if e.PID < 0 || e.TID < 0 || e.CID < 0 || e.Errno < 0 {
			t.Fatalf("negative number in %+v", e)
		}
		for _, s := range []string{e.Message, e.Action, e.ErrText, e.Client, e.Server, e.Request,
			e.Subrequest, e.Upstream, e.Host, e.Referrer, e.Resolver} {
			if !strings.Contains(line, s) {
				t.Fatalf("field %q is not part of the line %q", s, line)
			}
		}
		if e.Time.Location() != time.UTC {
			t.Fatalf("location %v", e.Time.Location())
		}
		again, ok2 := ParseLine([]byte(e.Raw), time.UTC)
		if !ok2 || again != e {
			t.Fatalf("parse is not deterministic for %q", line)
		}
	})
}

func FuzzClassify(f *testing.F) {
	addSamples(f)
	f.Fuzz(func(t *testing.T, line string) {
		e, _ := ParseLine([]byte(line), time.UTC)
		k := Classify(e)
		switch k {
		case KindRefused, KindTimeout, KindClosed, KindReset, KindHeaderTooBig, KindInvalidResponse,
			KindNoLive, KindSocketMissing, KindSocketPermission, KindPermission, KindResolver, KindTLS,
			KindFastCGI, KindTooManyFiles, KindPortExhaustion, KindUnreachable, KindBusy, KindConfig,
			KindTruncated, KindOther, KindNone:
		default:
			t.Fatalf("unknown kind %q", k)
		}
		switch s := Status(e); s {
		case 0, 403, 404, 500, 502, 504:
		default:
			t.Fatalf("status %d", s)
		}
		if k == KindNone && Status(e) != 0 {
			t.Fatalf("status %d for a non-upstream entry", Status(e))
		}
		if p := Peer(e); p != "" && !strings.Contains(line, strings.TrimPrefix(p, "unix:")) &&
			!strings.Contains(line, strings.TrimLeft(strings.TrimPrefix(p, "unix:"), "/")) {
			t.Fatalf("peer %q does not come from the line %q", p, line)
		}
	})
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b[31mred", "\xff\xfe", "\xc2\x9b", "\u202e", "a\tb\nc", "\x7f", "日本"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Sanitize(s)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 %q", out)
		}
		for i := 0; i < len(out); i++ {
			if out[i] < 0x20 || out[i] == 0x7f {
				t.Fatalf("control byte %#x in %q", out[i], out)
			}
		}
		for _, r := range out {
			if r >= 0x80 && r <= 0x9f {
				t.Fatalf("C1 control %U in %q", r, out)
			}
		}
		if utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r >= 0x7f }) && out != s {
			t.Fatalf("printable ASCII changed: %q -> %q", s, out)
		}
	})
}
