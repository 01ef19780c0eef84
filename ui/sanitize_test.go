package ui

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain line", "plain line"},
		{"\x1b[2Jwiped", `\x1b[2Jwiped`},
		{"bell\x07", `bell\x07`},
		{"c1 csi \x9b31m", `c1 csi \x9b31m`},                     // a lone 0x9b byte is invalid UTF-8
		{"c1 csi \u009b31m", `c1 csi \u009b31m`},                 // the same control, encoded as UTF-8
		{"bad \xff byte", `bad \xff byte`},                       // invalid UTF-8
		{"two\nlines\r", `two\x0alines\x0d`},                     // one line out, always
		{"tab\there", "tab here"},                                // tabs break width arithmetic
		{"del\x7f", `del\x7f`},                                   //
		{"rtl \u202eevil", `rtl \u202eevil`},                     // bidi override
		{"37× connect() … ✓", "37× connect() … ✓"},               // printable UTF-8 stays
		{"\x1b]8;;http://x\x07link", `\x1b]8;;http://x\x07link`}, // OSC 8 hyperlink
	}
	for _, c := range cases {
		if got := clean(c.in); got != c.want {
			t.Errorf("clean(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCleanLines(t *testing.T) {
	got := cleanLines("ok\r\nline \x1b[31mred\n\n")
	want := []string{"ok", `line \x1b[31mred`}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("cleanLines = %q, want %q", got, want)
	}
	if cleanLines("\n") != nil {
		t.Error("empty output should give no lines")
	}
}

// FuzzClean: whatever comes in, what goes out is valid UTF-8 without a
// single control character or bidi override, so it cannot drive the terminal.
func FuzzClean(f *testing.F) {
	for _, s := range []string{"", "\x1b[2J", "\x9b", "\xff\xfe", "\u202e", "a\tb\nc", "\xc2\x9b", "ok"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := clean(s)
		if !utf8.ValidString(out) {
			t.Fatalf("clean(%q) = %q is not valid UTF-8", s, out)
		}
		for _, r := range out {
			if r < 0x20 || (r >= 0x7f && r <= 0x9f) || isBidi(r) {
				t.Fatalf("clean(%q) = %q keeps control %U", s, out, r)
			}
		}
		if isPlain(s) && out != s {
			t.Fatalf("clean changed plain text %q to %q", s, out)
		}
	})
}

func BenchmarkClean(b *testing.B) {
	line := `2024/05/01 10:14:55 [error] 812#812: *901 connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.9, server: example.com, request: "GET /login HTTP/1.1", upstream: "http://127.0.0.1:8080/login", host: "example.com"`
	b.Run("plain", func(b *testing.B) {
		b.SetBytes(int64(len(line)))
		for b.Loop() {
			_ = clean(line)
		}
	})
	dirty := line + " \x1b[2J … \xff"
	b.Run("escapes", func(b *testing.B) {
		b.SetBytes(int64(len(dirty)))
		for b.Loop() {
			_ = clean(dirty)
		}
	})
}
