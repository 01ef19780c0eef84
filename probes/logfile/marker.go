package logfile

import "bytes"

// ProbeMarker is the query parameter every request ngx502 sends through
// nginx carries (GET /api/?ngx502-probe=3f2a1c): log readers drop lines
// whose request has it, so ngx502 never counts its own traffic.
const ProbeMarker = "ngx502-probe="

// ProbeUserAgent prefixes the User-Agent of ngx502's requests
// ("ngx502-probe/<run id>"), the second mark of its own traffic.
const ProbeUserAgent = "ngx502-probe/"

// markerStem is what ProbeMarker and ProbeUserAgent share, so one search
// finds either.
const markerStem = "ngx502-probe"

// Marked reports whether b carries ProbeMarker or ProbeUserAgent: a cheap
// byte test a reader runs on a raw line (or a field of it) before parsing.
func Marked(b []byte) bool { return NextMark(b) >= 0 }

// NextMark returns the index in b of the first ProbeMarker or
// ProbeUserAgent, or -1. A scanner runs it once over a whole buffer and
// parses only the lines it points into.
func NextMark(b []byte) int {
	for off := 0; ; {
		i := bytes.Index(b[off:], []byte(markerStem))
		if i < 0 {
			return -1
		}
		j := off + i + len(markerStem)
		if j < len(b) && (b[j] == '=' || b[j] == '/') {
			return off + i
		}
		off = j
	}
}
