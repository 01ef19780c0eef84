package cgiwire

import (
	"fmt"
	"math"
	"net"
	"strings"
	"time"
)

// ShellCommand returns a shell line that sends request to t from the same box and
// prints the answer: printf (octal escapes, which every printf knows) piped into
// netcat-openbsd, which Debian installs by default; nc waits at most timeout after
// sending.
func ShellCommand(t Target, request []byte, timeout time.Duration) string {
	return "printf '" + printfFormat(request) + "' | " + netcat(t, timeout)
}

// netcat is the nc invocation for t's address, waiting at most timeout after sending.
func netcat(t Target, timeout time.Duration) string {
	secs := fmt.Sprint(max(1, int(math.Ceil(timeout.Seconds()))))
	if t.Network == "unix" {
		return "nc -q " + secs + " -U " + shellQuote(t.Address)
	}
	host, port, err := net.SplitHostPort(t.Address)
	if err != nil {
		return "nc -q " + secs + " " + shellQuote(t.Address)
	}
	return "nc -q " + secs + " -w " + secs + " " + shellQuote(host) + " " + shellQuote(port)
}

// printfFormat writes b as a printf format inside single quotes: printable bytes as
// themselves, the rest (and ', \, %) as escapes.
func printfFormat(b []byte) string {
	var s strings.Builder
	for _, c := range b {
		switch {
		case c == '%':
			s.WriteString("%%")
		case c == '\\':
			s.WriteString(`\\`)
		case c == '\'' || c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&s, `\%03o`, c)
		default:
			s.WriteByte(c)
		}
	}
	return s.String()
}

// shellQuote single-quotes a word unless a POSIX shell leaves it alone.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@,+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
