package cgiwire

import (
	"net"
	"net/url"
)

// Defaults nginx would fill in for a request from 127.0.0.1.
const (
	// UserAgent names ngx502's direct probes in an application's own logs.
	UserAgent = "ngx502-probe"
	// DocumentRoot is nginx's compiled-in root (prefix /usr/share/nginx + "html") for
	// a location without a root directive; uwsgi and SCGI apps rarely read it.
	DocumentRoot = "/usr/share/nginx/html"
)

// ConnectionVars are the variables Debian's uwsgi_params and scgi_params both end
// with, in their order: the protocol, the scheme and both ends of the connection as
// nginx sees them for a plain-HTTP request from 127.0.0.1 to port 80 with this Host
// header. HTTPS is empty, which NginxParams leaves out.
func ConnectionVars(host string) []Param {
	return []Param{
		{"SERVER_PROTOCOL", "HTTP/1.1"},
		{"REQUEST_SCHEME", "http"},
		{"HTTPS", ""},
		{"REMOTE_ADDR", "127.0.0.1"},
		{"REMOTE_PORT", "0"},
		{"SERVER_PORT", "80"},
		{"SERVER_NAME", HostOnly(host)},
		{"HTTP_HOST", host},
	}
}

// NginxParams is what nginx sends for a params file's defaults with a location's extra
// params laid over them: a default of the same name takes the extra's value in place,
// the other extras follow in their order, then the client's User-Agent header as
// HTTP_USER_AGENT (*_pass_request_headers on) unless a param already carries that
// name. HTTPS is "if_not_empty" in Debian's params files: an empty value is not sent.
func NginxParams(defaults, extra []Param) []Param {
	vars := overlay(defaults, extra)
	// nginx leaves out a request header that a param of the same name already carries.
	if !hasParam(vars, "HTTP_USER_AGENT") {
		vars = append(vars, Param{Name: "HTTP_USER_AGENT", Value: UserAgent})
	}
	out := vars[:0]
	for _, v := range vars {
		if v.Name != "HTTPS" || v.Value != "" {
			out = append(out, v)
		}
	}
	return out
}

// overlay gives a default the value of the extra param of the same name and appends
// the other extras in their order.
func overlay(vars, extra []Param) []Param {
	vars = append([]Param(nil), vars...)
	for _, e := range extra {
		found := false
		for i := range vars {
			if vars[i].Name == e.Name {
				vars[i].Value, found = e.Value, true
				break
			}
		}
		if !found {
			vars = append(vars, e)
		}
	}
	return vars
}

func hasParam(vars []Param, name string) bool {
	for _, v := range vars {
		if v.Name == name {
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
