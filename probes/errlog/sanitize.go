package errlog

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sanitize escapes control bytes, ESC, non-printable runes and invalid UTF-8 as \xNN (keeping printable UTF-8 and plain spaces), so attacker bytes never reach a terminal.
// Request lines, Host and Referer are logged raw by nginx, so any byte can
// be in an entry. C1 controls (U+0080-U+009F: 8-bit CSI), bidi overrides
// and zero-width runes are escaped byte by byte too.
func Sanitize(s string) string {
	i := 0
	for i < len(s) && s[i] >= 0x20 && s[i] < 0x7f {
		i++
	}
	if i == len(s) {
		return s // plain ASCII: the common case costs nothing
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	const hex = "0123456789abcdef"
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			b.WriteByte(c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if c >= utf8.RuneSelf && n > 1 && unicode.IsPrint(r) { // n == 1: invalid UTF-8
			b.WriteString(s[i : i+n])
			i += n
			continue
		}
		for _, x := range []byte(s[i : i+n]) {
			b.WriteString(`\x`)
			b.WriteByte(hex[x>>4])
			b.WriteByte(hex[x&0x0f])
		}
		i += n
	}
	return b.String()
}
