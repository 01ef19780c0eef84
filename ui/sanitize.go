package ui

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// clean makes text from the box (log lines, probe errors, command output)
// safe to print: an error.log line can hold whatever a client sent, and a
// raw ESC, C1 control or bidi override would be executed by the terminal
// instead of being read by the admin. Such bytes are shown escaped
// (\x1b, \u009b, \u202e); invalid UTF-8 bytes likewise (\xff). The result
// is always a single line: newlines are shown as \n.
func clean(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\t':
			// A tab is harmless but breaks width arithmetic.
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r <= 0x9f, isBidi(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// cleanLines splits multi-line output (a command's stdout) and cleans each
// line, so output keeps its shape without carrying control bytes.
func cleanLines(s string) []string {
	s = strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	if s == "" {
		return nil
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = clean(l)
	}
	return lines
}

// isPlain is the fast path: printable ASCII needs no work.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// isBidi reports the Unicode bidirectional overrides and isolates, which
// can make a log line read differently from what it says.
func isBidi(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f
}
