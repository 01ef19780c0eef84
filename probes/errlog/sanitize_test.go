package errlog

import (
	"testing"
	"unicode/utf8"
)

func TestSanitize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain ascii, spaces kept", "plain ascii, spaces kept"},
		{"\x1b[2J\x1b]0;pwned\x07title", `\x1b[2J\x1b]0;pwned\x07title`},
		{"bad \xff byte", `bad \xff byte`},
		{"caf\xc3\xa9 ok", "caf\xc3\xa9 ok"},
		{"tab\tnl\ncr\r", `tab\x09nl\x0acr\x0d`},
		{"del\x7f", `del\x7f`},
		{"c1 csi \xc2\x9b31m", `c1 csi \xc2\x9b31m`},
		{"bidi \u202eevil", `bidi \xe2\x80\xaeevil`},
		{"truncated utf8 \xe2\x80", `truncated utf8 \xe2\x80`},
		{"nul\x00", `nul\x00`},
		{"日本語", "日本語"},
		{"", ""},
	}
	for _, tt := range tests {
		got := Sanitize(tt.in)
		if got != tt.want {
			t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
		}
		checkSafe(t, tt.in, got)
	}
}

func TestSanitizeRealLine(t *testing.T) {
	e := mustParse(t, sampleLine(t, "*231 "))
	if got, want := Sanitize(e.Upstream), `http://127.0.0.1:18099/refused/café?q=\xff`; got != want {
		t.Errorf("Sanitize = %q, want %q", got, want)
	}
}

// checkSafe asserts the terminal-safety contract of Sanitize.
func checkSafe(t *testing.T, in, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("Sanitize(%q) = %q is not valid UTF-8", in, out)
	}
	for i := 0; i < len(out); i++ {
		if out[i] < 0x20 || out[i] == 0x7f {
			t.Fatalf("Sanitize(%q) = %q keeps control byte %#x", in, out, out[i])
		}
	}
	for _, r := range out {
		if r >= 0x80 && r <= 0x9f {
			t.Fatalf("Sanitize(%q) = %q keeps C1 control %U", in, out, r)
		}
	}
}
