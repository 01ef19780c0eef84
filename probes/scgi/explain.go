package scgi

import "ngx502/probes/cgiwire"

// Explain says in plain words what the probe saw, e.g. "connection refused: nothing
// listens on 127.0.0.1:4000" or "unix:/run/app/scgi.sock answered 200 OK in 3ms".
func Explain(r Result) string {
	d := cgiwire.Dialect{
		Module:      "scgi",
		Application: "an SCGI application",
		BusyReason:  "all workers busy, or a request longer than that",
	}
	return d.Explain(r.Request.target(), r.Exchange)
}
