package uwsgi

import (
	"encoding/binary"
	"fmt"
	"strings"

	"ngx502/probes/cgiwire"
)

// buildVars returns what Debian's /etc/nginx/uwsgi_params sends for a GET of r.Path,
// in its order, with r.Params laid over it, then the client's User-Agent header as
// nginx passes it (uwsgi_pass_request_headers on). HTTPS is "if_not_empty" there: an
// empty value is not sent.
func buildVars(r Request) []Param {
	path, query, _ := strings.Cut(r.Path, "?")
	vars := []Param{
		{Name: "QUERY_STRING", Value: query},
		{Name: "REQUEST_METHOD", Value: "GET"},
		{Name: "CONTENT_TYPE", Value: ""},
		{Name: "CONTENT_LENGTH", Value: ""},
		{Name: "REQUEST_URI", Value: r.Path},
		{Name: "PATH_INFO", Value: cgiwire.DocumentURI(path)},
		{Name: "DOCUMENT_ROOT", Value: cgiwire.DocumentRoot},
	}
	return cgiwire.NginxParams(append(vars, cgiwire.ConnectionVars(r.Host)...), r.Params)
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
