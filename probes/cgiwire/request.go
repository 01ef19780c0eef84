package cgiwire

import (
	"context"
	"strings"
	"time"
)

// Param is one variable of a uwsgi or SCGI request (a uwsgi_param or scgi_param
// line): a name and its value.
type Param struct {
	Name, Value string
}

// Request is what to ask and nginx's limits for it.
type Request struct {
	Network        string        // "tcp" (default) or "unix"
	Address        string        // host:port, or the socket path for unix
	Path           string        // REQUEST_URI, query included; default "/"
	Host           string        // HTTP_HOST; default "localhost" (Debian's uwsgi_params and scgi_params send $host)
	Params         []Param       // the location's extra uwsgi_param or scgi_param pairs, in order; a default of the same name takes the value
	ConnectTimeout time.Duration // uwsgi_connect_timeout or scgi_connect_timeout; 0 = not compared
	ReadTimeout    time.Duration // uwsgi_read_timeout or scgi_read_timeout; 0 = not compared
}

// WithDefaults fills in what an empty field means.
func (r Request) WithDefaults() Request {
	if r.Network == "" {
		r.Network = "tcp"
	}
	if r.Host == "" {
		r.Host = "localhost"
	}
	if r.Path == "" {
		r.Path = "/"
	} else if !strings.HasPrefix(r.Path, "/") {
		r.Path = "/" + r.Path
	}
	return r
}

// Target is where r goes, with nginx's timers.
func (r Request) Target() Target {
	return Target{Network: r.Network, Address: r.Address, ConnectTimeout: r.ConnectTimeout, ReadTimeout: r.ReadTimeout}
}

// Result is what one probe saw: the exchange (status, header, phase, error, timings,
// nginx's timer run past) and what was sent.
type Result struct {
	Request Request // the request with defaults filled in
	Vars    []Param // the variables sent, in order
	Exchange
	Command string // a shell line that sends the same bytes
}

// Protocol is uwsgi or SCGI as a probe speaks it: the variables nginx's params file
// sends, how they go on the wire, and the words of its explanations.
type Protocol struct {
	Dialect Dialect
	Vars    func(Request) []Param         // what nginx sends for a GET of r, whose defaults are filled in
	Encode  func([]Param) ([]byte, error) // the request on the wire
}

// Probe sends one GET to r's address and reads the header and at most 64 KiB of the
// body, all within timeout. Past ConnectTimeout or ReadTimeout it keeps going, noting
// the timer in Exceeded.
func (p Protocol) Probe(ctx context.Context, r Request, timeout time.Duration) Result {
	r = r.WithDefaults()
	vars := p.Vars(r)
	res := Result{Request: r, Vars: vars, Command: p.Command(r, timeout)}
	request, err := p.Encode(vars)
	if err != nil {
		res.Exchange = Exchange{Phase: PhaseWrite, Err: err, Timeout: timeout}
		return res
	}
	res.Exchange = RoundTrip(ctx, r.Target(), request, timeout)
	return res
}

// Command returns a shell line that sends the same request from the same box and
// prints the answer (see ShellCommand), or a shell comment saying why it cannot be
// sent.
func (p Protocol) Command(r Request, timeout time.Duration) string {
	r = r.WithDefaults()
	request, err := p.Encode(p.Vars(r))
	if err != nil {
		return "# " + err.Error()
	}
	return ShellCommand(r.Target(), request, timeout)
}

// Explain says in plain words what the probe saw (see Dialect.Explain).
func (p Protocol) Explain(r Result) string {
	return p.Dialect.Explain(r.Request.Target(), r.Exchange)
}
