// Package scgi sends one request the way nginx's scgi_pass does (a netstring of the
// headers /etc/nginx/scgi_params defines) and reports the status the application
// answered, where the exchange failed, how long each phase took, and whether nginx's
// scgi_connect_timeout or scgi_read_timeout would have run out first.
package scgi

import (
	"context"
	"time"

	"ngx502/probes/cgiwire"
	"ngx502/probes/explain"
)

// Param is one SCGI header (an scgi_param line): a name and its value.
type Param = cgiwire.Param

// Request is what to ask and nginx's limits for it (scgi_connect_timeout,
// scgi_read_timeout).
type Request = cgiwire.Request

// Result is what one probe saw: the exchange (status, header, phase, error, timings,
// nginx's timer run past: cgiwire's Phase* and Timer* names), the headers sent and a
// shell line that sends the same.
type Result = cgiwire.Result

// protocol is SCGI as nginx's scgi module speaks it.
func protocol() cgiwire.Protocol {
	return cgiwire.Protocol{
		Dialect: cgiwire.Dialect{
			Peer:        explain.Peer{Module: "scgi", Name: "the application"},
			Application: "an SCGI application",
			BusyReason:  "all workers busy, or a request longer than that",
		},
		Vars:   buildVars,
		Encode: func(vars []Param) ([]byte, error) { return encodeRequest(vars), nil },
	}
}

// Probe sends one GET to r's address and reads the header and at most 64 KiB of the
// body, all within timeout. Past ConnectTimeout or ReadTimeout it keeps going, noting
// the timer in Exceeded.
func Probe(ctx context.Context, r Request, timeout time.Duration) Result {
	return protocol().Probe(ctx, r, timeout)
}

// Command returns a shell line that sends the same SCGI request from the same box and
// prints the answer: printf (octal escapes, which every printf knows) piped into
// netcat-openbsd, which Debian installs by default.
func Command(r Request, timeout time.Duration) string {
	return protocol().Command(r, timeout)
}

// Explain says in plain words what the probe saw, e.g. "connection refused
// (ECONNREFUSED): nothing listens on 127.0.0.1:4000" or "unix:/run/app/scgi.sock
// answered 200 OK in 3ms".
func Explain(r Result) string {
	return protocol().Explain(r)
}
