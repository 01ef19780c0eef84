package scgi

import (
	"time"

	"ngx502/probes/cgiwire"
)

// Command returns a shell line that sends the same SCGI request from the same box and
// prints the answer: printf (octal escapes, which every printf knows) piped into
// netcat-openbsd, which Debian installs by default.
func Command(r Request, timeout time.Duration) string {
	r = withDefaults(r)
	return cgiwire.ShellCommand(r.target(), encodeRequest(buildVars(r)), timeout)
}
