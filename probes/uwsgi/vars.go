package uwsgi

import (
	"encoding/binary"
	"fmt"
	"strings"

	"ngx502/probes/cgiwire"
)

// Defaults nginx would fill in for a request from 127.0.0.1.
const (
	userAgent = "ngx502-probe"
	// documentRoot is nginx's compiled-in root (prefix /usr/share/nginx + "html") for a
	// location without a root directive; uwsgi apps rarely read it.
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

// buildVars returns what Debian's /etc/nginx/uwsgi_params sends for a GET of r.Path,
// in its order, with r.Params laid over it, then the client's User-Agent header as
// nginx passes it (uwsgi_pass_request_headers on). HTTPS is "if_not_empty" there: an
// empty value is not sent.
func buildVars(r Request) []Param {
	path, query, _ := strings.Cut(r.Path, "?")
	vars := []Param{
		{"QUERY_STRING", query},
		{"REQUEST_METHOD", "GET"},
		{"CONTENT_TYPE", ""},
		{"CONTENT_LENGTH", ""},
		{"REQUEST_URI", r.Path},
		{"PATH_INFO", cgiwire.DocumentURI(path)},
		{"DOCUMENT_ROOT", documentRoot},
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

// encodePacket builds the uwsgi packet: modifier1 0, the vars' size as uint16 LE,
// modifier2 0, then each var as a uint16 LE length and bytes, name then value.
func encodePacket(vars []Param) ([]byte, error) {
	body := []byte{}
	for _, v := range vars {
		if len(v.Name) > 0xffff || len(v.Value) > 0xffff {
			return nil, fmt.Errorf("uwsgi variable %s longer than 65535 bytes", v.Name)
		}
		body = binary.LittleEndian.AppendUint16(body, uint16(len(v.Name)))
		body = append(body, v.Name...)
		body = binary.LittleEndian.AppendUint16(body, uint16(len(v.Value)))
		body = append(body, v.Value...)
	}
	if len(body) > 0xffff {
		// nginx's own words for the same refusal.
		return nil, fmt.Errorf("uwsgi request is too big: %d", len(body))
	}
	packet := []byte{0, 0, 0, 0}
	binary.LittleEndian.PutUint16(packet[1:3], uint16(len(body)))
	return append(packet, body...), nil
}
