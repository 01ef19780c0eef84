package scgi

import (
	"strconv"
	"strings"

	"ngx502/probes/cgiwire"
)

// Defaults nginx would fill in for a request from 127.0.0.1.
const (
	userAgent = "ngx502-probe"
	// documentRoot is nginx's compiled-in root (prefix /usr/share/nginx + "html") for a
	// location without a root directive; SCGI apps rarely read it.
	documentRoot = "/usr/share/nginx/html"
)

// withDefaults fills in what an empty field means.
func withDefaults(r Request) Request {
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

// buildVars returns what nginx sends through Debian's /etc/nginx/scgi_params for a GET
// of r.Path, in its order: CONTENT_LENGTH first (nginx writes it itself, as the SCGI
// protocol demands), the params with r.Params laid over them, then the client's
// User-Agent header (scgi_pass_request_headers on). HTTPS is "if_not_empty" there: an
// empty value is not sent.
func buildVars(r Request) []Param {
	path, query, _ := strings.Cut(r.Path, "?")
	vars := []Param{
		{"CONTENT_LENGTH", "0"},
		{"REQUEST_METHOD", "GET"},
		{"REQUEST_URI", r.Path},
		{"QUERY_STRING", query},
		{"CONTENT_TYPE", ""},
		{"DOCUMENT_URI", cgiwire.DocumentURI(path)},
		{"DOCUMENT_ROOT", documentRoot},
		{"SCGI", "1"},
		{"SERVER_PROTOCOL", "HTTP/1.1"},
		{"REQUEST_SCHEME", "http"},
		{"HTTPS", ""},
		{"REMOTE_ADDR", "127.0.0.1"},
		{"REMOTE_PORT", "0"},
		{"SERVER_PORT", "80"},
		{"SERVER_NAME", cgiwire.HostOnly(r.Host)},
		{"HTTP_HOST", r.Host},
	}
	return cgiwire.NginxParams(vars, r.Params, userAgent)
}

// encodeRequest builds the SCGI request: a netstring ("LEN:" … ",") of NUL-terminated
// names and values.
func encodeRequest(vars []Param) []byte {
	var h []byte
	for _, v := range vars {
		h = append(append(h, v.Name...), 0)
		h = append(append(h, v.Value...), 0)
	}
	out := strconv.AppendInt(nil, int64(len(h)), 10)
	out = append(append(out, ':'), h...)
	return append(out, ',')
}
