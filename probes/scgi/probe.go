// Package scgi sends one request the way nginx's scgi_pass does (a netstring of the
// headers /etc/nginx/scgi_params defines) and reports the status the application
// answered, where the exchange failed, how long each phase took, and whether nginx's
// scgi_connect_timeout or scgi_read_timeout would have run out first.
package scgi

import (
	"context"
	"time"

	"ngx502/probes/cgiwire"
)

// Phase names, in the order a request passes through them.
const (
	PhaseConnect = cgiwire.PhaseConnect
	PhaseWrite   = cgiwire.PhaseWrite
	PhaseHeader  = cgiwire.PhaseHeader
	PhaseBody    = cgiwire.PhaseBody
)

// Timer names for Result.Exceeded: nginx's scgi_connect_timeout and scgi_read_timeout.
const (
	TimerConnect = cgiwire.TimerConnect
	TimerRead    = cgiwire.TimerRead
)

// HeaderError is a header line nginx rejects; its text is the one nginx logs.
type HeaderError = cgiwire.HeaderError

// StatusError is a Status header whose first three bytes are not digits.
type StatusError = cgiwire.StatusError

// Param is one SCGI header (an scgi_param line): a name and its value.
type Param struct {
	Name, Value string
}

// Timing is how long the probe took: Connect is the dial; FirstByte and Total count
// from the start.
type Timing = cgiwire.Timing

// Request is what to ask and nginx's limits for it.
type Request struct {
	Network        string        // "tcp" (default) or "unix"
	Address        string        // host:port, or the socket path for unix
	Path           string        // REQUEST_URI, query included; default "/"
	Host           string        // HTTP_HOST; default "localhost" (Debian's scgi_params sends $host)
	Params         []Param       // the location's extra scgi_param pairs, in order; a default of the same name takes the value
	ConnectTimeout time.Duration // scgi_connect_timeout; 0 = not compared
	ReadTimeout    time.Duration // scgi_read_timeout; 0 = not compared
}

// target is where r goes, with nginx's timers.
func (r Request) target() cgiwire.Target {
	return cgiwire.Target{Network: r.Network, Address: r.Address, ConnectTimeout: r.ConnectTimeout, ReadTimeout: r.ReadTimeout}
}

// Result is what one probe saw: the exchange (status, header, phase, error, timings,
// nginx's timer run past) and what was sent.
type Result struct {
	Request Request // the request with defaults filled in
	Vars    []Param // the headers sent, in order
	cgiwire.Exchange
	Command string // a shell line that sends the same bytes
}

// Probe sends one GET to r's address and reads the header and at most 64 KiB of the
// body, all within timeout. Past ConnectTimeout or ReadTimeout it keeps going, noting
// the timer in Exceeded.
func Probe(ctx context.Context, r Request, timeout time.Duration) Result {
	r = withDefaults(r)
	vars := buildVars(r)
	res := Result{Request: r, Vars: vars, Command: Command(r, timeout)}
	res.Exchange = cgiwire.RoundTrip(ctx, r.target(), encodeRequest(vars), timeout)
	return res
}
