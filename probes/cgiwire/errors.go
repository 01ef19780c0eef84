package cgiwire

import (
	"fmt"
	"strings"
)

// HeaderError is a header line nginx rejects; its text is the one nginx logs.
type HeaderError struct {
	Name string // the line up to the offending byte
	Bad  byte   // the byte nginx stopped at
}

// Error renders the error as nginx's "upstream sent invalid header" line does.
func (e *HeaderError) Error() string {
	return fmt.Sprintf("upstream sent invalid header: \"%s\\x%02x...\"", escape(e.Name, 200), e.Bad)
}

// escape writes bytes outside printable ASCII as \xNN, as nginx's log would show them
// to a reader, and keeps at most n bytes.
func escape(s string, n int) string {
	var b strings.Builder
	for i := 0; i < len(s) && i < n; i++ {
		if c := s[i]; c >= 0x20 && c < 0x7f {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "\\x%02x", c)
		}
	}
	return b.String()
}

// StatusError is a Status header whose first three bytes are not digits.
type StatusError struct{ Value string }

// Error renders the error as nginx logs it.
func (e *StatusError) Error() string { return fmt.Sprintf("upstream sent invalid status %q", e.Value) }
