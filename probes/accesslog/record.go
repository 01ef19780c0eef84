package accesslog

import (
	"bytes"
	"strings"
	"time"
	"unicode/utf8"
)

// Record is one access-log line, as far as its format logs it. String
// fields are decoded from nginx's escaping (\xHH, or JSON's) and are the
// client's bytes: nothing is sanitised. "-" (nginx's empty value) reads as
// "" or none.
type Record struct {
	Time       time.Time // from $time_local, $time_iso8601 or $msec; zero when none is logged
	RemoteAddr string
	Request    string // the request line as logged ("GET /x?a=1 HTTP/1.1")
	Method     string
	URI        string // path and query, as the client sent them
	Proto      string // "HTTP/1.1"; "" for HTTP/0.9 or a malformed request line
	Host       string // $host, else $http_host, else $server_name
	Status     int    // $status: the status the client got (9 for nginx's HTTP/0.9 relay)
	// UpstreamStatus, UpstreamAddr, UpstreamResponseTime and UpstreamHeaderTime
	// have one item per attempt, in order: nginx writes "502, 200" for a retry
	// on the next server and "502 : 200" across upstream groups (error_page,
	// X-Accel-Redirect); "-" items are 0, "" and -1.
	UpstreamStatus       []int
	UpstreamAddr         []string // "10.0.0.5:8080", "unix:/run/app.sock", or a group name for "no live upstreams"
	UpstreamResponseTime []time.Duration
	UpstreamHeaderTime   []time.Duration // -1: no response header arrived from that attempt
	RequestTime          time.Duration   // -1 when not logged
	UserAgent            string
}

// ParseLine parses one line (a trailing newline is ignored); false when
// the line does not match the format, or its time or status is not one.
func (f Format) ParseLine(line []byte) (Record, bool) {
	line = bytes.TrimSuffix(line, []byte{'\n'})
	var v fields
	if !f.splitAll(line, &v) {
		return Record{}, false
	}
	return f.record(line, &v)
}

// record builds a Record from a split line.
func (f *Format) record(line []byte, v *fields) (Record, bool) {
	r := Record{RequestTime: -1}
	if tr, b := f.timeValue(line, v); b != nil {
		var c clock
		t, ok := c.parse(tr, b)
		if !ok {
			return Record{}, false
		}
		r.Time = t
	}
	if b := f.get(line, v, roleStatus); b != nil {
		st, ok := num(b)
		if !ok || st > 999 {
			return Record{}, false
		}
		r.Status = st
	}
	text := func(ro role) string { return f.value(f.get(line, v, ro)) }
	r.RemoteAddr = text(roleRemoteAddr)
	r.Request = text(roleRequest)
	r.Method, r.URI, r.Proto = splitRequest(r.Request)
	if r.Request == "" {
		r.Method, r.Proto = text(roleMethod), text(roleProto)
		r.URI = text(roleRequestURI)
		if r.URI == "" {
			r.URI = text(roleURI)
			if args := text(roleArgs); args != "" && r.URI != "" {
				r.URI += "?" + args
			}
		}
	}
	for _, ro := range [...]role{roleHost, roleHTTPHost, roleServerName} {
		if r.Host = text(ro); r.Host != "" {
			break
		}
	}
	r.UserAgent = text(roleUserAgent)
	if b := f.get(line, v, roleReqTime); b != nil {
		if d, ok := parseSeconds(b); ok {
			r.RequestTime = d
		}
	}
	r.UpstreamStatus = listInts(f.get(line, v, roleUpStatus))
	r.UpstreamAddr = listStrings(f.get(line, v, roleUpAddr))
	r.UpstreamResponseTime = listDurations(f.get(line, v, roleUpRespTime))
	r.UpstreamHeaderTime = listDurations(f.get(line, v, roleUpHeaderTime))
	if len(r.UpstreamAddr) == 1 && r.UpstreamAddr[0] == "" {
		// "-": no upstream, so the other lists' "-" are not attempts either
		r.UpstreamAddr, r.UpstreamStatus, r.UpstreamResponseTime, r.UpstreamHeaderTime = nil, nil, nil, nil
	}
	return r, true
}

// timeValue returns the first time variable of the format and its value.
func (f *Format) timeValue(line []byte, v *fields) (role, []byte) {
	if f.timeAt < 0 {
		return roleNone, nil
	}
	r := f.toks[f.timeAt].role
	return r, f.get(line, v, r)
}

// value decodes a value; "-" is nginx's empty value.
func (f *Format) value(b []byte) string {
	if len(b) == 0 || len(b) == 1 && b[0] == '-' {
		return ""
	}
	return unescape(b, f.escape)
}

// splitRequest splits "METHOD URI PROTO"; a line of another shape (a TLS
// handshake sent to a plain port, say) keeps only Request.
func splitRequest(req string) (method, uri, proto string) {
	i := strings.IndexByte(req, ' ')
	if i <= 0 {
		return "", "", ""
	}
	method, rest := req[:i], req[i+1:]
	if j := strings.LastIndexByte(rest, ' '); j >= 0 && strings.HasPrefix(rest[j+1:], "HTTP/") {
		return method, rest[:j], rest[j+1:]
	}
	return method, rest, "" // HTTP/0.9: "GET /x"
}

// unescape decodes nginx's escaping of a variable value.
func unescape(b []byte, esc Escape) string {
	if esc == EscapeNone || bytes.IndexByte(b, '\\') < 0 {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' || i+1 == len(b) {
			out = append(out, c)
			continue
		}
		switch n := b[i+1]; {
		case esc == EscapeDefault && n == 'x' && i+3 < len(b) && isHex(b[i+2]) && isHex(b[i+3]):
			out = append(out, unhex(b[i+2])<<4|unhex(b[i+3]))
			i += 3
		case esc == EscapeJSON && n == 'u' && i+5 < len(b) && isHex(b[i+2]) && isHex(b[i+3]) && isHex(b[i+4]) && isHex(b[i+5]):
			r := rune(unhex(b[i+2]))<<12 | rune(unhex(b[i+3]))<<8 | rune(unhex(b[i+4]))<<4 | rune(unhex(b[i+5]))
			out = utf8.AppendRune(out, r)
			i += 5
		case esc == EscapeJSON && strings.IndexByte(`"\/bfnrt`, n) >= 0:
			out = append(out, jsonEscaped(n))
			i++
		default:
			out = append(out, c)
		}
	}
	return string(out)
}

// jsonEscaped returns the byte a JSON escape letter stands for.
func jsonEscaped(n byte) byte {
	switch n {
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	}
	return n
}

// isHex reports whether c is a hex digit.
func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// unhex returns the value of hex digit c.
func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}
