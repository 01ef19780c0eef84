// Package uwsgi sends one request the way nginx's uwsgi_pass does (a uwsgi packet of
// the variables /etc/nginx/uwsgi_params defines) and reports the status the application
// answered, where the exchange failed, how long each phase took, and whether nginx's
// uwsgi_connect_timeout or uwsgi_read_timeout would have run out first.
package uwsgi

import (
	"context"
	"fmt"
	"strings"
	"time"

	"ngx502/probes/cgiwire"
	"ngx502/probes/explain"
)

// Param is one uwsgi variable (an uwsgi_param line): a name and its value.
type Param = cgiwire.Param

// Request is what to ask and nginx's limits for it (uwsgi_connect_timeout,
// uwsgi_read_timeout).
type Request = cgiwire.Request

// Result is what one probe saw: the exchange (status, header, phase, error, timings,
// nginx's timer run past: cgiwire's Phase* and Timer* names), the variables sent and
// a shell line that sends the same.
type Result = cgiwire.Result

// protocol is uwsgi as nginx's uwsgi module speaks it.
func protocol() cgiwire.Protocol {
	return cgiwire.Protocol{
		Dialect: cgiwire.Dialect{
			Peer: explain.Peer{Module: "uwsgi", Name: "the application",
				QueueHint: " (uWSGI listen queue)", ModeHint: " (uWSGI chmod-socket)"},
			Application: "a uwsgi application",
			BusyReason:  "all uWSGI workers busy, or a harakiri-length request",
			ClosedHint:  ` (uWSGI does this when the request is larger than its buffer-size: "invalid request block size" in its log)`,
		},
		Vars:   buildVars,
		Encode: encodePacket,
	}
}

// Probe sends one GET to r's address and reads the header and at most 64 KiB of the
// body, all within timeout. Past ConnectTimeout or ReadTimeout it keeps going, noting
// the timer in Exceeded.
func Probe(ctx context.Context, r Request, timeout time.Duration) Result {
	return protocol().Probe(ctx, r, timeout)
}

// Command returns a shell line that sends the same uwsgi packet from the same box and
// prints the answer: printf (octal escapes, which every printf knows) piped into
// netcat-openbsd, which Debian installs by default.
func Command(r Request, timeout time.Duration) string {
	return protocol().Command(r, timeout)
}

// Explain says in plain words what the probe saw, e.g. "connection refused
// (ECONNREFUSED): nothing listens on 127.0.0.1:3031" or "unix:/run/uwsgi/app.sock
// answered 200 OK in 3ms".
func Explain(r Result) string {
	// Only uwsgi has a size limit of its own: the packet's uint16 length.
	if r.Phase == cgiwire.PhaseWrite && r.Err != nil && strings.HasPrefix(r.Err.Error(), "uwsgi request is too big") {
		return fmt.Sprintf("the request does not fit in one uwsgi packet (%v): nginx refuses it with a 500", r.Err)
	}
	return protocol().Explain(r)
}
