package uwsgi

import (
	"time"

	"ngx502/probes/cgiwire"
)

// Command returns a shell line that sends the same uwsgi packet from the same box and
// prints the answer: printf (octal escapes, which every printf knows) piped into
// netcat-openbsd, which Debian installs by default.
func Command(r Request, timeout time.Duration) string {
	r = withDefaults(r)
	packet, err := encodePacket(buildVars(r))
	if err != nil {
		return "# " + err.Error()
	}
	return cgiwire.ShellCommand(r.target(), packet, timeout)
}
