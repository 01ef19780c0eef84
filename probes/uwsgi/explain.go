package uwsgi

import (
	"fmt"
	"strings"

	"ngx502/probes/cgiwire"
)

// Explain says in plain words what the probe saw, e.g. "connection refused: nothing
// listens on 127.0.0.1:3031" or "unix:/run/uwsgi/app.sock answered 200 OK in 3ms".
func Explain(r Result) string {
	// Only uwsgi has a size limit of its own: the packet's uint16 length.
	if r.Phase == PhaseWrite && r.Err != nil && strings.HasPrefix(r.Err.Error(), "uwsgi request is too big") {
		return fmt.Sprintf("the request does not fit in one uwsgi packet (%v): nginx refuses it with a 500", r.Err)
	}
	d := cgiwire.Dialect{
		Module:      "uwsgi",
		Application: "a uwsgi application",
		BusyReason:  "all uWSGI workers busy, or a harakiri-length request",
		ClosedHint:  ` (uWSGI does this when the request is larger than its buffer-size: "invalid request block size" in its log)`,
		QueueHint:   " (uWSGI listen queue)",
		ModeHint:    " (uWSGI chmod-socket)",
	}
	return d.Explain(r.Request.target(), r.Exchange)
}
