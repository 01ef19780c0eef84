package cgiwire

import (
	"net"
	"net/url"
)

// Pair is the shape of a protocol's Param (a uwsgi_param or scgi_param line): each
// probe keeps its own named type, and these functions work on any of them.
type Pair interface {
	~struct{ Name, Value string }
}

// pair reads a Pair's fields: Go has no field access on a type parameter.
type pair struct{ Name, Value string }

// NginxParams is what nginx sends for a params file's defaults with a location's extra
// params laid over them: a default of the same name takes the extra's value in place,
// the other extras follow in their order, then the client's User-Agent header as
// HTTP_USER_AGENT (*_pass_request_headers on) unless a param already carries that
// name. HTTPS is "if_not_empty" in Debian's params files: an empty value is not sent.
func NginxParams[P Pair](defaults, extra []P, userAgent string) []P {
	vars := overlay(defaults, extra)
	// nginx leaves out a request header that a param of the same name already carries.
	if !hasParam(vars, "HTTP_USER_AGENT") {
		vars = append(vars, P{Name: "HTTP_USER_AGENT", Value: userAgent})
	}
	out := vars[:0]
	for _, v := range vars {
		if p := pair(v); p.Name != "HTTPS" || p.Value != "" {
			out = append(out, v)
		}
	}
	return out
}

// overlay gives a default the value of the extra param of the same name and appends
// the other extras in their order.
func overlay[P Pair](vars, extra []P) []P {
	vars = append([]P(nil), vars...)
	for _, e := range extra {
		found := false
		for i := range vars {
			if pair(vars[i]).Name == pair(e).Name {
				vars[i], found = P{Name: pair(vars[i]).Name, Value: pair(e).Value}, true
				break
			}
		}
		if !found {
			vars = append(vars, e)
		}
	}
	return vars
}

func hasParam[P Pair](vars []P, name string) bool {
	for _, v := range vars {
		if pair(v).Name == name {
			return true
		}
	}
	return false
}

// DocumentURI is nginx's $document_uri for a path: percent-decoded.
func DocumentURI(path string) string {
	if p, err := url.PathUnescape(path); err == nil {
		return p
	}
	return path
}

// HostOnly strips a port from a Host value.
func HostOnly(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return h
}
