package scgi

import (
	"strconv"
	"strings"

	"ngx502/probes/cgiwire"
)

// buildVars returns what nginx sends through Debian's /etc/nginx/scgi_params for a GET
// of r.Path, in its order: CONTENT_LENGTH first (nginx writes it itself, as the SCGI
// protocol demands), the params with r.Params laid over them, then the client's
// User-Agent header (scgi_pass_request_headers on). HTTPS is "if_not_empty" there: an
// empty value is not sent.
func buildVars(r Request) []Param {
	path, query, _ := strings.Cut(r.Path, "?")
	vars := []Param{
		{Name: "CONTENT_LENGTH", Value: "0"},
		{Name: "REQUEST_METHOD", Value: "GET"},
		{Name: "REQUEST_URI", Value: r.Path},
		{Name: "QUERY_STRING", Value: query},
		{Name: "CONTENT_TYPE", Value: ""},
		{Name: "DOCUMENT_URI", Value: cgiwire.DocumentURI(path)},
		{Name: "DOCUMENT_ROOT", Value: cgiwire.DocumentRoot},
		{Name: "SCGI", Value: "1"},
	}
	return cgiwire.NginxParams(append(vars, cgiwire.ConnectionVars(r.Host)...), r.Params)
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
