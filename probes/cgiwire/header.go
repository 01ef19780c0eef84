package cgiwire

import (
	"net/http"
	"net/textproto"
	"strconv"
)

// Parser modes: nginx first tries an "HTTP/x.y NNN" status line and, when the bytes
// cannot be one, parses the same bytes as header lines.
const (
	modeStatus = iota
	modeFields
	modeDone
)

// Header-line states, those of nginx's ngx_http_parse_header_line.
const (
	stStart = iota
	stName
	stSpaceBeforeValue
	stValue
	stSpaceAfterValue
	stIgnoreLine
	stAlmostDone
	stHeaderAlmostDone
)

// HeadParser reads a response header the way nginx's uwsgi and SCGI modules do. It is
// given the whole buffer received so far and resumes where it stopped, so a header that
// arrives a byte at a time is still parsed in linear time. The zero value is ready.
type HeadParser struct {
	mode, state, pos int
	line             int // where the current line (or the status line) starts
	nameEnd          int
	valueStart       int
	valueEnd         int
	digits, code     int // status line: digits of the code seen, and its value

	fromLine bool        // the status came from a status line
	status   int         // the status nginx would use
	header   http.Header // the header fields, in canonical form
	end      int         // offset of the first body byte
}

// Parse consumes the bytes of buf it has not seen yet (buf grows between calls and
// keeps what earlier calls saw); done reports that the header is complete, and then
// Status, Header and Len hold the result.
func (p *HeadParser) Parse(buf []byte) (done bool, err error) {
	if p.header == nil {
		p.header = http.Header{}
	}
	for p.mode == modeStatus && p.pos < len(buf) {
		ok, failed := p.statusByte(buf[p.pos])
		p.pos++
		switch {
		case failed:
			p.mode, p.state, p.pos, p.digits, p.code = modeFields, stStart, p.line, 0, 0
		case ok:
			p.mode, p.state, p.fromLine, p.status = modeFields, stStart, true, p.code
		}
	}
	for p.mode == modeFields && p.pos < len(buf) {
		if err := p.fieldByte(buf); err != nil {
			return false, err
		}
	}
	if p.mode != modeDone {
		return false, nil
	}
	return true, p.finish()
}

// statusByte advances ngx_http_parse_status_line by one byte; ok is the end of a valid
// status line, failed means the bytes are no status line.
func (p *HeadParser) statusByte(c byte) (ok, failed bool) {
	const (
		sStart = iota
		sH
		sHT
		sHTT
		sHTTP
		sFirstMajor
		sMajor
		sFirstMinor
		sMinor
		sStatus
		sAfterStatus
		sText
		sAlmostDone
	)
	digit := c >= '0' && c <= '9'
	switch p.state {
	case sStart, sH, sHT, sHTT, sHTTP:
		if c != "HTTP/"[p.state] {
			return false, true
		}
		p.state++
	case sFirstMajor:
		if c < '1' || c > '9' {
			return false, true
		}
		p.state, p.code = sMajor, int(c-'0')
	case sMajor, sMinor:
		// p.code holds the version number until the status begins.
		switch {
		case c == '.' && p.state == sMajor:
			p.state, p.code = sFirstMinor, 0
		case c == ' ' && p.state == sMinor:
			p.state, p.code = sStatus, 0
		case !digit || p.code > 99:
			return false, true
		default:
			p.code = p.code*10 + int(c-'0')
		}
	case sFirstMinor:
		if !digit {
			return false, true
		}
		p.state, p.code = sMinor, int(c-'0')
	case sStatus:
		switch {
		case c == ' ':
		case !digit:
			return false, true
		default:
			p.code = p.code*10 + int(c-'0')
			if p.digits++; p.digits == 3 {
				p.state = sAfterStatus
			}
		}
	case sAfterStatus:
		switch c {
		case ' ', '.': // "403.1" from IIS
			p.state = sText
		case '\r':
			p.state = sAlmostDone
		case '\n':
			return true, false
		default:
			return false, true
		}
	case sText:
		switch c {
		case '\r':
			p.state = sAlmostDone
		case '\n':
			return true, false
		}
	case sAlmostDone:
		if c != '\n' {
			return false, true
		}
		return true, false
	}
	return false, false
}

// fieldByte advances ngx_http_parse_header_line (underscores allowed) by one byte.
func (p *HeadParser) fieldByte(buf []byte) error {
	i := p.pos
	c := buf[i]
	p.pos++
	invalid := func() error { return &HeaderError{Name: string(buf[p.line:i]), Bad: c} }
	switch p.state {
	case stStart:
		p.line = i
		switch {
		case c == '\r':
			p.state = stHeaderAlmostDone
		case c == '\n':
			p.mode, p.end = modeDone, p.pos
		case c <= 0x20 || c == 0x7f || c == ':':
			return invalid()
		default:
			p.state = stName
		}
	case stName:
		switch {
		case c == ':':
			p.nameEnd, p.state = i, stSpaceBeforeValue
		case c == '\r' || c == '\n':
			p.nameEnd, p.valueStart, p.valueEnd = i, i, i
			p.endLine(buf, c == '\n')
		case c == '/' && i-p.line == 4 && string(buf[p.line:i]) == "HTTP":
			p.state = stIgnoreLine // IIS may send a second "HTTP/1.1 ..." line
		case c <= 0x20 || c == 0x7f:
			return invalid()
		}
	case stSpaceBeforeValue:
		switch c {
		case ' ':
		case '\r', '\n':
			p.valueStart, p.valueEnd = i, i
			p.endLine(buf, c == '\n')
		case 0:
			return invalid()
		default:
			p.valueStart, p.state = i, stValue
		}
	case stValue, stSpaceAfterValue:
		switch c {
		case ' ':
			if p.state == stValue {
				p.valueEnd = i
			}
			p.state = stSpaceAfterValue
		case '\r', '\n':
			if p.state == stValue {
				p.valueEnd = i
			}
			p.endLine(buf, c == '\n')
		case 0:
			return invalid()
		default:
			p.state = stValue
		}
	case stIgnoreLine:
		if c == '\n' {
			p.state = stStart
		}
	case stAlmostDone, stHeaderAlmostDone:
		switch {
		case c == '\n' && p.state == stHeaderAlmostDone:
			p.mode, p.end = modeDone, p.pos
		case c == '\n':
			p.state = stStart
		case c == '\r' && p.state == stAlmostDone:
		default:
			// nginx names the line up to where its value ended, and the byte there.
			end := p.line
			if p.state == stAlmostDone {
				end = p.valueEnd
			}
			return &HeaderError{Name: string(buf[p.line:end]), Bad: buf[end]}
		}
	}
	return nil
}

// Status is the status nginx would pass on: the status line's, else the first Status
// header's, else 302 with a Location, else 200.
func (p *HeadParser) Status() int { return p.status }

// Header is the header fields, names in canonical form.
func (p *HeadParser) Header() http.Header { return p.header }

// Len is the header's length, status line included: the body starts at buf[Len():].
func (p *HeadParser) Len() int { return p.end }

// endLine stores the field whose line ends here; a CR waits for its LF.
func (p *HeadParser) endLine(buf []byte, lf bool) {
	name := textproto.CanonicalMIMEHeaderKey(string(buf[p.line:p.nameEnd]))
	p.header[name] = append(p.header[name], string(buf[p.valueStart:p.valueEnd]))
	p.state = stAlmostDone
	if lf {
		p.state = stStart
	}
}

// finish decides the status as nginx does: the status line, else the first Status
// header's three digits, else 302 with a Location, else 200.
func (p *HeadParser) finish() error {
	if p.fromLine && p.status != 0 {
		return nil
	}
	switch s := p.header.Values("Status"); {
	case len(s) > 0:
		if !threeDigits(s[0]) {
			return &StatusError{Value: s[0]}
		}
		p.status, _ = strconv.Atoi(s[0][:3])
	case p.header.Get("Location") != "":
		p.status = http.StatusFound
	default:
		p.status = http.StatusOK
	}
	return nil
}

// threeDigits is nginx's ngx_atoi(value, 3) succeeding: "404 Not Found" yes, "4O4" no.
func threeDigits(s string) bool {
	if len(s) < 3 {
		return false
	}
	for _, c := range []byte(s[:3]) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
