// Package errlog reads nginx error logs: it parses entries exactly as
// ngx_log_error_core writes them, classifies upstream failures into the
// project's cause IDs and groups them per upstream peer.
package errlog

import (
	"strings"
	"time"
)

// Entry is one parsed error.log entry (continuation lines of multi-line FastCGI stderr appended to Message with "\n").
type Entry struct {
	Time       time.Time // parsed in the given *time.Location
	Level      string    // emerg alert crit error warn notice info debug
	PID, TID   int       // worker process and thread id (TID is 0 without --with-threads)
	CID        int64     // *CID, 0 when absent
	Message    string    // the message without errno group, " while ...", and context
	Errno      int       // 0 when absent
	ErrText    string    // strerror text, e.g. "Connection refused"
	Action     string    // text after " while ", e.g. "connecting to upstream"
	Client     string    // context field "client:" (raw)
	Server     string    // context field "server:" (raw)
	Request    string    // context field "request:" (raw, unquoted)
	Subrequest string    // context field "subrequest:" (raw, unquoted)
	Upstream   string    // context field "upstream:" (raw, unquoted)
	Host       string    // context field "host:" (raw, unquoted)
	Referrer   string    // context field "referrer:" (raw, unquoted)
	Resolver   string    // context field "resolver:" of resolver-socket messages
	Truncated  bool      // line hit nginx's 2048-byte cap / unterminated quote
	Raw        string    // the whole raw entry
}

// maxEntry is NGX_MAX_ERROR_STR - 1: nginx formats one entry in a 2048-byte
// buffer that also holds the trailing LF, so a longer entry cannot be nginx's.
const maxEntry = 2047

// headerLen is the length of "YYYY/MM/DD HH:MM:SS [", the fixed prefix.
const headerLen = 21

// ParseLine parses one entry (a line, or several joined with "\n"); false when the line does not start an entry.
func ParseLine(line []byte, loc *time.Location) (Entry, bool) {
	p := parser{loc: loc}
	if _, ok := readHeader(&p, line); !ok {
		return Entry{Raw: string(line)}, false
	}
	return p.parse(string(line)), true
}

// parser carries the location and a one-entry timestamp cache: consecutive
// log lines share their second most of the time, and time.Date with a
// location is the costliest step of a parse.
type parser struct {
	loc    *time.Location
	lastTS [19]byte
	last   time.Time
	cached bool
}

// header is the fixed part of an entry: "TIME [LEVEL] PID#TID: [*CID ]".
type header struct {
	time     time.Time
	level    string
	pid, tid int
	cid      int64
	msg      int // offset of the message
}

// readHeader validates the entry prefix of line. It only reads line, so a
// scanner can decide on the time before copying any bytes.
func readHeader[T string | []byte](p *parser, line T) (header, bool) {
	var h header
	if len(line) < headerLen+len("info] 1#0:") {
		return h, false
	}
	if line[4] != '/' || line[7] != '/' || line[10] != ' ' || line[13] != ':' ||
		line[16] != ':' || line[19] != ' ' || line[20] != '[' {
		return h, false
	}
	i := headerLen
	j := i
	for j < len(line) && j < i+len("notice") && line[j] != ']' {
		j++
	}
	if j >= len(line) || line[j] != ']' {
		return h, false
	}
	h.level = level(string(line[i:j]))
	i = j + 1
	if h.level == "" || i >= len(line) || line[i] != ' ' {
		return h, false
	}
	var n int64
	var ok bool
	if n, i, ok = digits(line, i+1); !ok || i >= len(line) || line[i] != '#' {
		return h, false
	}
	h.pid = int(n)
	if n, i, ok = digits(line, i+1); !ok || i >= len(line) || line[i] != ':' {
		return h, false
	}
	h.tid = int(n)
	i++
	if i < len(line) && line[i] == ' ' {
		i++
	}
	if i < len(line) && line[i] == '*' {
		if n, j, ok := digits(line, i+1); ok && j < len(line) && line[j] == ' ' {
			h.cid, i = n, j+1
		}
	}
	h.msg = i
	if h.time, ok = stamp(p, line[:19]); !ok {
		return h, false
	}
	return h, true
}

// level returns nginx's name for an err_levels[] entry (ngx_log.c), or "".
// Returning the constant keeps Entry.Level from pinning the raw line.
func level(s string) string {
	switch s {
	case "emerg":
		return "emerg"
	case "alert":
		return "alert"
	case "crit":
		return "crit"
	case "error":
		return "error"
	case "warn":
		return "warn"
	case "notice":
		return "notice"
	case "info":
		return "info"
	case "debug":
		return "debug"
	}
	return ""
}

// stamp converts "YYYY/MM/DD HH:MM:SS" using the cache when the second repeats.
func stamp[T string | []byte](p *parser, ts T) (time.Time, bool) {
	if p.cached && string(ts) == string(p.lastTS[:]) {
		return p.last, true
	}
	var v [6]int
	for k, off := range [6]int{0, 5, 8, 11, 14, 17} {
		w := 2
		if k == 0 {
			w = 4
		}
		for j := off; j < off+w; j++ {
			c := ts[j]
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
			v[k] = v[k]*10 + int(c-'0')
		}
	}
	if v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 60 {
		return time.Time{}, false
	}
	loc := p.loc
	if loc == nil {
		loc = time.Local
	}
	t := time.Date(v[0], time.Month(v[1]), v[2], v[3], v[4], v[5], 0, loc)
	copy(p.lastTS[:], ts)
	p.last, p.cached = t, true
	return t, true
}

// parse parses a whole entry whose header readHeader accepted. Every string
// field is a substring of raw, so a parse costs one allocation (raw itself).
func (p *parser) parse(raw string) Entry {
	h, _ := readHeader(p, raw)
	e := Entry{Raw: raw, Time: h.time, Level: h.level, PID: h.pid, TID: h.tid, CID: h.cid}
	body := strings.TrimRight(raw[h.msg:], "\r\n")
	e.Truncated = len(strings.TrimRight(raw, "\r\n")) >= maxEntry
	splitBody(&e, body)
	return e
}

// digits reads a decimal number at line[i:] (at most 18 digits: no overflow).
func digits[T string | []byte](line T, i int) (int64, int, bool) {
	start := i
	var n int64
	for i < len(line) && i-start < 18 && line[i] >= '0' && line[i] <= '9' {
		n = n*10 + int64(line[i]-'0')
		i++
	}
	return n, i, i > start
}
