package steps

import (
	"net/url"
	"strings"
)

// maxSeenURI bounds a URI taken from a log line for a probe to send.
const maxSeenURI = 2048

// seenURIs maps each subject to the URI nginx last requested from it, as
// the error log's upstream: field says (or, for FastCGI, the client's
// request line). A probe of a regex or named location sends it rather
// than a guess.
func seenURIs(groups []weighed) map[string]string {
	out := map[string]string{}
	for _, g := range groups {
		if g.Subject == "" {
			continue
		}
		if _, ok := out[g.Subject]; ok {
			continue
		}
		if uri, ok := loggedURI(g.Sample.Upstream, g.Sample.Request); ok {
			out[g.Subject] = uri
		}
	}
	return out
}

// loggedURI is the path and query of the upstream URL nginx logged
// ("http://127.0.0.1:8081/api/x?y=1" → "/api/x?y=1"), else of the
// client's request line ("GET /x.php HTTP/1.1"). Log bytes are untrusted:
// only a plain printable URI that starts with "/" is used.
func loggedURI(upstream, request string) (string, bool) {
	for _, scheme := range []string{"http://unix:", "https://unix:"} {
		if rest, ok := strings.CutPrefix(upstream, scheme); ok {
			// nginx writes "http://unix:/run/app.sock:/uri": the socket
			// path ends at its first colon, as nginx parses it.
			if _, uri, ok := strings.Cut(rest, ":"); ok {
				return safeURI(uri)
			}
			return "", false
		}
	}
	if u, err := url.Parse(upstream); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		return safeURI(u.RequestURI())
	}
	f := strings.Fields(request)
	if len(f) >= 2 {
		return safeURI(f[1])
	}
	return "", false
}

// safeURI accepts a URI a probe may send on the wire as it is.
func safeURI(s string) (string, bool) {
	if s == "" || s[0] != '/' || len(s) > maxSeenURI {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return "", false
		}
	}
	return s, true
}

// seenIn gathers what earlier steps saw nginx request.
func seenIn(prior []Outcome) map[string]string {
	out := map[string]string{}
	for _, o := range prior {
		for k, v := range o.Seen {
			if _, ok := out[k]; !ok {
				out[k] = v
			}
		}
	}
	return out
}
