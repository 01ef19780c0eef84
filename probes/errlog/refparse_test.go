package errlog

import (
	"strings"
	"time"
)

// This file keeps the entry parser as it was before issue 8 (fields.go,
// entry.go's parse): the oracle FuzzParseMatchesReference holds the
// faster one to. Only the names differ.

// refParseLine is ParseLine before issue 8, with time.Date for every line.
func refParseLine(line string, loc *time.Location) (Entry, bool) {
	p := parser{loc: loc}
	h, ok := readHeader(&p, line)
	if !ok {
		return Entry{Raw: line}, false
	}
	if loc == nil {
		loc = time.Local
	}
	v := func(i, n int) int {
		x := 0
		for _, c := range line[i : i+n] {
			x = x*10 + int(c-'0')
		}
		return x
	}
	e := Entry{Raw: line, Level: h.level, PID: h.pid, TID: h.tid, CID: h.cid,
		Time: time.Date(v(0, 4), time.Month(v(5, 2)), v(8, 2), v(11, 2), v(14, 2), v(17, 2), 0, loc)}
	body := strings.TrimRight(line[h.msg:], "\r\n")
	e.Truncated = len(strings.TrimRight(line, "\r\n")) >= maxEntry
	refSplitBody(&e, body)
	return e, true
}

// markerText returns the literal text of marker id.
func refMarkerText(id int) string {
	switch id {
	case mReferrer:
		return `, referrer: "`
	case mHost:
		return `, host: "`
	case mUpstream:
		return `, upstream: "`
	case mSubrequest:
		return `, subrequest: "`
	case mRequest:
		return `, request: "`
	case mClient:
		return ", client: "
	case mUDPClient:
		return ", udp client: "
	case mResolver:
		return ", resolver: "
	case mStreamTail:
		return ", bytes from/to client:" // ngx_stream_proxy_log_error's counters
	}
	return "\x00"
}

// markerAt returns the marker s starts with (s[0:2] is ", "), or -1.
func refMarkerAt(s string) int {
	var cands [3]int
	switch s[2] {
	case 'r':
		cands = [3]int{mReferrer, mRequest, mResolver}
	case 'h':
		cands = [3]int{mHost, -1, -1}
	case 'u':
		cands = [3]int{mUpstream, mUDPClient, -1}
	case 's':
		cands = [3]int{mSubrequest, -1, -1}
	case 'c':
		cands = [3]int{mClient, -1, -1}
	case 'b':
		cands = [3]int{mStreamTail, -1, -1}
	default:
		return -1
	}
	for _, id := range cands {
		if id >= 0 && strings.HasPrefix(s, refMarkerText(id)) {
			return id
		}
	}
	return -1
}

// refMark is a marker found at pos.
type refMark struct {
	pos int
	id  int
}

// refMarks are the markers of one entry in ascending position.
type refMarks []refMark

// find collects the markers of s into buf (no allocation for sane lines).
func refFind(s string, buf refMarks) refMarks {
	for i := 0; ; {
		j := strings.IndexByte(s[i:], ',')
		if j < 0 {
			return buf
		}
		i += j
		if i+2 < len(s) && s[i+1] == ' ' {
			if id := refMarkerAt(s[i:]); id >= 0 {
				buf = append(buf, refMark{i, id})
			}
		}
		i++
	}
}

// last is strings.LastIndex(s[:end], refMarkerText(id)) from the collected refMarks.
func (ms refMarks) refLast(id, end int) int {
	n := len(refMarkerText(id))
	for k := len(ms) - 1; k >= 0; k-- {
		if ms[k].id == id && ms[k].pos+n <= end {
			return ms[k].pos
		}
	}
	return -1
}

// splitBody fills the message, errno, action and context fields of e from
// body (the entry after "PID#TID: [*CID ]"). The values are copied raw by
// nginx, quotes included, so every field is found from the right: the last
// field is anchored on the end of the entry, the next one on the start of
// the field just taken.
func refSplitBody(e *Entry, body string) {
	var buf [24]refMark
	ms := refFind(body, buf[:0])
	rem := body
	if i := ms.refLast(mStreamTail, len(rem)); i >= 0 {
		rem = rem[:i]
	}
	rem = refPeelQuoted(e, rem, ms)
	rem = refPeelClient(e, rem, ms)
	if e.Client == "" {
		if i := ms.refLast(mResolver, len(rem)); i >= 0 {
			e.Resolver = rem[i+len(refMarkerText(mResolver)):]
			rem = rem[:i]
		}
	}
	// log->action is a short phrase: look for " while " near the end only
	const maxAction = 80
	from := max(0, len(rem)-maxAction-len(" while "))
	if i := strings.LastIndex(rem[from:], " while "); i >= 0 && refIsAction(rem[from+i+len(" while "):]) {
		e.Action = rem[from+i+len(" while "):]
		rem = rem[:from+i]
	}
	e.Message, e.Errno, e.ErrText = refSplitErrno(rem)
}

// peelQuoted takes `, name: "value"` fields off the end of rem. A field that
// is not the last one must end right where the next one starts, so a marker
// faked inside an earlier raw value is only believed when it is consistent.
func refPeelQuoted(e *Entry, rem string, ms refMarks) string {
	tail := true // nothing peeled yet: this field may be cut by truncation
	// the optional %V-quoted HTTP context fields, in the reverse of the order
	// ngx_http_log_error_handler appends them
	dst := [...]*string{&e.Referrer, &e.Host, &e.Upstream, &e.Subrequest, &e.Request}
	for id := mReferrer; id <= mRequest; id++ {
		i := ms.refLast(id, len(rem))
		if i < 0 {
			continue
		}
		v := rem[i+len(refMarkerText(id)):]
		switch {
		case strings.HasSuffix(v, `"`):
			v = v[:len(v)-1]
		case tail:
			e.Truncated = true // unterminated quote: the 2048-byte cap cut it
		default:
			continue
		}
		*dst[id] = v
		rem, tail = rem[:i], false
	}
	return rem
}

// peelClient takes `, client: X, server: Y` (HTTP and stream; stream UDP
// writes "udp client:") off the end of rem.
func refPeelClient(e *Entry, rem string, ms refMarks) string {
	i, id := ms.refLast(mClient, len(rem)), mClient
	if j := ms.refLast(mUDPClient, len(rem)); j > i {
		i, id = j, mUDPClient
	}
	if i < 0 {
		return rem
	}
	ctx := rem[i+len(refMarkerText(id)):]
	if j := strings.Index(ctx, ", server: "); j >= 0 {
		e.Client, e.Server = ctx[:j], ctx[j+len(", server: "):]
	} else {
		e.Client = ctx
	}
	return rem[:i]
}

// isAction accepts what nginx puts in log->action: short plain phrases such
// as "connecting to upstream". A quote or parenthesis means " while " was
// part of the message (e.g. inside FastCGI stderr), not an action.
func refIsAction(s string) bool {
	return s != "" && !strings.ContainsAny(s, "\"()\n")
}

// splitErrno separates a trailing " (N: text)" added by ngx_log_errno.
// SSL messages carry an inner " (SSL: ...)" first; it stays in the message.
func refSplitErrno(rem string) (msg string, errno int, text string) {
	if !strings.HasSuffix(rem, ")") {
		return rem, 0, ""
	}
	// strerror texts are short; nginx keeps 50 bytes for the whole group
	const maxGroup = 80
	from := max(0, len(rem)-maxGroup)
	i := strings.LastIndex(rem[from:], " (")
	if i < 0 {
		return rem, 0, ""
	}
	i += from
	group := rem[i+2 : len(rem)-1]
	n, j, ok := digits(group, 0)
	if !ok || !strings.HasPrefix(group[j:], ": ") || strings.ContainsAny(group, "()") {
		return rem, 0, ""
	}
	return rem[:i], int(n), group[j+2:]
}
