// Package errlog reads nginx error logs: it parses entries exactly as
// ngx_log_error_core writes them, classifies upstream failures into the
// project's cause IDs and groups them per upstream peer.
package errlog

import (
	"math/bits"
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

// parser carries the location and the clock caches: consecutive log lines
// share their second most of the time and their minute nearly always,
// and time.Date with a location is the costliest step of a parse.
type parser struct {
	loc    *time.Location
	lastTS [19]byte
	last   time.Time
	cached bool
	minute minuteClock
}

// minuteClock is the time of second 0 of one minute, valid for every
// second of it when no zone transition is near (see stamp).
type minuteClock struct {
	ts   [16]byte // "YYYY/MM/DD HH:MM"
	base time.Time
	ok   bool
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
	ok := readHeaderInto(p, line, &h)
	return h, ok
}

// readHeaderInto is readHeader filling *h, which it may change even when
// it returns false: a scanner's header of 72 bytes is not copied out.
func readHeaderInto[T string | []byte](p *parser, line T, h *header) bool {
	if len(line) < headerLen+len("info] 1#0:") {
		return false
	}
	if line[4] != '/' || line[7] != '/' || line[10] != ' ' || line[13] != ':' ||
		line[16] != ':' || line[19] != ' ' || line[20] != '[' {
		return false
	}
	var i int
	if h.level, i = level(line); h.level == "" || i >= len(line) || line[i] != ' ' {
		return false
	}
	var n int64
	var ok bool
	pid := i + 1
	if n, i, ok = digits(line, pid); !ok || i >= len(line) || line[i] != '#' {
		return false
	}
	h.pid = int(n)
	// the TID is the PID without threads: compared, not parsed again
	if k := 2*i + 1 - pid; k < len(line) && line[k] == ':' && sameRun(line, pid, i+1, i-pid) {
		h.tid, i = h.pid, k+1
	} else {
		if n, i, ok = digits(line, i+1); !ok || i >= len(line) || line[i] != ':' {
			return false
		}
		h.tid = int(n)
		i++
	}
	if i < len(line) && line[i] == ' ' {
		i++
	}
	h.cid = 0
	if i < len(line) && line[i] == '*' {
		if n, j, ok := digits(line, i+1); ok && j < len(line) && line[j] == ' ' {
			h.cid, i = n, j+1
		}
	}
	h.msg = i
	if h.time, ok = stamp(p, line[:19]); !ok {
		return false
	}
	return true
}

// sameRun is string(s[a:a+n]) == string(s[b:b+n]) for 0 < n, a < b: one
// masked word compare for a run of up to 8 bytes, not a memequal call.
func sameRun[T string | []byte](s T, a, b, n int) bool {
	if n <= 8 && b+8 <= len(s) {
		return (word(s, a)^word(s, b))&(^uint64(0)>>(64-8*n)) == 0
	}
	return string(s[a:a+n]) == string(s[b:b+n])
}

// level returns nginx's name for the err_levels[] entry in brackets at
// line[headerLen:] (ngx_log.c) and the offset after its ']', or "".
// Returning the constant keeps Entry.Level from pinning the raw line;
// each comparison with a constant is a word compare or two.
func level[T string | []byte](line T) (string, int) {
	var name string
	switch s := line[headerLen:]; s[0] { // one comparison, not eight
	case 'e':
		switch {
		case len(s) >= len("error]") && string(s[:len("error]")]) == "error]":
			name = "error"
		case len(s) >= len("emerg]") && string(s[:len("emerg]")]) == "emerg]":
			name = "emerg"
		}
	case 'w':
		if len(s) >= len("warn]") && string(s[:len("warn]")]) == "warn]" {
			name = "warn"
		}
	case 'n':
		if len(s) >= len("notice]") && string(s[:len("notice]")]) == "notice]" {
			name = "notice"
		}
	case 'i':
		if len(s) >= len("info]") && string(s[:len("info]")]) == "info]" {
			name = "info"
		}
	case 'c':
		if len(s) >= len("crit]") && string(s[:len("crit]")]) == "crit]" {
			name = "crit"
		}
	case 'a':
		if len(s) >= len("alert]") && string(s[:len("alert]")]) == "alert]" {
			name = "alert"
		}
	case 'd':
		if len(s) >= len("debug]") && string(s[:len("debug]")]) == "debug]" {
			name = "debug"
		}
	}
	if name == "" {
		return "", 0
	}
	return name, headerLen + len(name) + 1
}

// stamp converts "YYYY/MM/DD HH:MM:SS" using the caches when the second or
// the minute repeats.
func stamp[T string | []byte](p *parser, ts T) (time.Time, bool) {
	if p.cached && sameStamp(ts, p.lastTS[:], 19) {
		return p.last, true
	}
	if p.minute.ok && sameStamp(ts, p.minute.ts[:], 16) { // its digits were checked then
		s1, s0 := ts[17], ts[18]
		if s1 < '0' || s1 > '9' || s0 < '0' || s0 > '9' || (s1-'0')*10+(s0-'0') > 60 {
			return time.Time{}, false
		}
		t := p.minute.base.Add(time.Duration((s1-'0')*10+(s0-'0')) * time.Second)
		copy(p.lastTS[:], ts)
		p.last, p.cached = t, true
		return t, true
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
	p.minute = newMinuteClock(ts[:16], v, loc)
	copy(p.lastTS[:], ts)
	p.last, p.cached = t, true
	return t, true
}

// sameStamp is string(ts[:n]) == string(c[:n]) for the 16 or 19 bytes of
// a timestamp, as word loads: it runs for every line.
func sameStamp[T string | []byte](ts T, c []byte, n int) bool {
	if word(ts, 0) != word(c, 0) || word(ts, 8) != word(c, 8) {
		return false
	}
	return n == 16 || ts[16] == c[16] && ts[17] == c[17] && ts[18] == c[18]
}

// word is the little-endian 8 bytes at s[i:] (the compiler makes it one
// load, and the constant indexes into b one bounds check).
func word[T string | []byte](s T, i int) uint64 {
	b := s[i : i+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// newMinuteClock caches second 0 of the minute in ts. Adding seconds to
// it gives what time.Date gives only if one zone period covers both the
// wall clock read as UTC and the instants of the whole minute (time.Date
// looks the offset up at both), so near a transition it is not used.
func newMinuteClock[T string | []byte](ts T, v [6]int, loc *time.Location) minuteClock {
	m := minuteClock{base: time.Date(v[0], time.Month(v[1]), v[2], v[3], v[4], 0, 0, loc)}
	copy(m.ts[:], ts)
	start, end := m.base.ZoneBounds()
	_, off := m.base.Zone()
	at := m.base.Unix()
	lo, hi := min(at, at+int64(off)), max(at, at+int64(off))+60 // second 60: a leap second is the next minute
	m.ok = (start.IsZero() || start.Unix() <= lo) && (end.IsZero() || end.Unix() > hi)
	return m
}

// parse parses a whole entry whose header readHeader accepted. Every string
// field is a substring of raw, so a parse costs no allocation beyond raw.
func (p *parser) parse(raw string) Entry {
	h, _ := readHeader(p, raw)
	var e Entry
	parseWith(&e, raw, h)
	return e
}

// parseWith fills e from raw, whose header h a reader already read.
func parseWith(e *Entry, raw string, h header) {
	*e = Entry{Raw: raw, Time: h.time, Level: h.level, PID: h.pid, TID: h.tid, CID: h.cid}
	whole := trimEOL(raw)
	e.Truncated = len(whole) >= maxEntry
	splitBody(e, whole[min(h.msg, len(whole)):])
}

// trimEOL is strings.TrimRight(s, "\r\n") without building a cutset.
func trimEOL(s string) string {
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}

// digits reads a decimal number at line[i:] (at most 18 digits: no overflow).
func digits[T string | []byte](line T, i int) (int64, int, bool) {
	if i >= 0 && i+8 <= len(line) {
		// a run shorter than 8 (a PID, a CID) from one word, without a
		// branch per digit: the loop's exit was mispredicted per number
		w := word(line, i)
		bad := (w&0xf0f0f0f0f0f0f0f0 ^ 0x3030303030303030) | (w&0x0f0f0f0f0f0f0f0f+0x0606060606060606)&0xf0f0f0f0f0f0f0f0
		if bad != 0 {
			n := bits.TrailingZeros64(bad) >> 3 // digits before the first other byte
			if n == 0 {
				return 0, i, false
			}
			// the run as the last n of 8 digits, summed pairwise
			d := (w & 0x0f0f0f0f0f0f0f0f) << (64 - 8*n)
			d = (d*10 + d>>8) & 0x00ff00ff00ff00ff
			d = (d*100 + d>>16) & 0x0000ffff0000ffff
			d = (d*10000 + d>>32) & 0xffffffff
			return int64(d), i + n, true
		}
	}
	start, end := i, min(len(line), i+18) // one bound per digit, not three
	var n int64
	for ; i < end; i++ {
		d := line[i] - '0' // wraps for bytes below '0'
		if d > 9 {
			break
		}
		n = n*10 + int64(d)
	}
	return n, i, i > start
}
