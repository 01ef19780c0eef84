package errlog

import (
	"strings"
)

// Context markers. Every context field nginx appends starts with ", ", so
// one forward pass over the commas of an entry finds them all.
const (
	mReferrer = iota
	mHost
	mUpstream
	mSubrequest
	mRequest
	mClient
	mUDPClient
	mResolver
	mStreamTail
	nMarkers
)

// markerText returns the literal text of marker id.
func markerText(id int) string {
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

// markerAt returns the marker s starts with (s[0:2] is ", "), or -1. It
// runs for every ", " of every entry, so it compares words, not bytes.
func markerAt(s string) int {
	var id int
	switch s[2] {
	case 'r':
		switch {
		case hasMarker(s, mReferrer):
			return mReferrer
		case hasMarker(s, mRequest):
			return mRequest
		}
		id = mResolver
	case 'h':
		id = mHost
	case 'u':
		if hasMarker(s, mUpstream) {
			return mUpstream
		}
		id = mUDPClient
	case 's':
		id = mSubrequest
	case 'c':
		id = mClient
	case 'b':
		id = mStreamTail
	default:
		return -1
	}
	if hasMarker(s, id) {
		return id
	}
	return -1
}

// hasMarker is strings.HasPrefix(s, markerText(id)) by word compares:
// every marker is 9 to 23 bytes, so two or three overlapping 8-byte loads
// cover it.
func hasMarker(s string, id int) bool {
	m := markerText(id)
	n := len(m)
	if len(s) < n || word(s, 0) != word(m, 0) || word(s, n-8) != word(m, n-8) {
		return false
	}
	return n <= 16 || word(s, 8) == word(m, 8)
}

// mark is a marker found at pos, ending at end; prev is the index of the
// previous mark with the same id, or -1.
type mark struct {
	pos, end, prev int
}

// marks are the markers of one entry in ascending position, and the
// index of the last one of each id (-1: none), so a lookup walks only
// the marks of its id.
type marks struct {
	list   []mark
	lastOf [nMarkers]int
}

// find collects the markers of s, in list's storage (no allocation for
// sane lines).
func find(s string, list []mark) marks {
	ms := marks{list: list[:0]}
	for id := range ms.lastOf {
		ms.lastOf[id] = -1
	}
	for i := 0; ; {
		j := strings.IndexByte(s[i:], ',')
		if j < 0 {
			return ms
		}
		i += j
		if i+2 < len(s) && s[i+1] == ' ' {
			if id := markerAt(s[i:]); id >= 0 {
				ms.list = append(ms.list, mark{pos: i, end: i + len(markerText(id)), prev: ms.lastOf[id]})
				ms.lastOf[id] = len(ms.list) - 1
			}
		}
		i++
	}
}

// last is strings.LastIndex(s[:end], markerText(id)) from the collected marks.
func (ms *marks) last(id, end int) int {
	for k := ms.lastOf[id]; k >= 0; k = ms.list[k].prev {
		if ms.list[k].end <= end {
			return ms.list[k].pos
		}
	}
	return -1
}

// splitBody fills the message, errno, action and context fields of e from
// body (the entry after "PID#TID: [*CID ]"). The values are copied raw by
// nginx, quotes included, so every field is found from the right: the last
// field is anchored on the end of the entry, the next one on the start of
// the field just taken.
func splitBody(e *Entry, body string) {
	var buf [16]mark // zeroed for every entry: room for sane lines only
	ms := find(body, buf[:])
	splitMessage(e, peelContext(e, body, &ms))
}

// peelContext fills the context fields of e from body and returns what
// is left: message, errno group and action, which splitMessage reads
// from that alone.
func peelContext(e *Entry, body string, ms *marks) string {
	rem := body
	if i := ms.last(mStreamTail, len(rem)); i >= 0 {
		rem = rem[:i]
	}
	rem = peelQuoted(e, rem, ms)
	rem = peelClient(e, rem, ms)
	if e.Client == "" {
		if i := ms.last(mResolver, len(rem)); i >= 0 {
			e.Resolver = rem[i+len(markerText(mResolver)):]
			rem = rem[:i]
		}
	}
	return rem
}

// splitMessage fills Message, Errno, ErrText and Action from rem.
func splitMessage(e *Entry, rem string) {
	// log->action is a short phrase: look for " while " near the end only
	const maxAction = 80
	from := max(0, len(rem)-maxAction-len(" while "))
	if i := lastIndexWhile(rem[from:]); i >= 0 && isAction(rem[from+i+len(" while "):]) {
		e.Action = rem[from+i+len(" while "):]
		rem = rem[:from+i]
	}
	e.Message, e.Errno, e.ErrText = splitErrno(rem)
}

// peelQuoted takes `, name: "value"` fields off the end of rem. A field that
// is not the last one must end right where the next one starts, so a marker
// faked inside an earlier raw value is only believed when it is consistent.
func peelQuoted(e *Entry, rem string, ms *marks) string {
	tail := true // nothing peeled yet: this field may be cut by truncation
	// the optional %V-quoted HTTP context fields, in the reverse of the order
	// ngx_http_log_error_handler appends them
	dst := [...]*string{&e.Referrer, &e.Host, &e.Upstream, &e.Subrequest, &e.Request}
	for id := mReferrer; id <= mRequest; id++ {
		i := ms.last(id, len(rem))
		if i < 0 {
			continue
		}
		v := rem[i+len(markerText(id)):]
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
func peelClient(e *Entry, rem string, ms *marks) string {
	i, id := ms.last(mClient, len(rem)), mClient
	if j := ms.last(mUDPClient, len(rem)); j > i {
		i, id = j, mUDPClient
	}
	if i < 0 {
		return rem
	}
	ctx := rem[i+len(markerText(id)):]
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
func isAction(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"', '(', ')', '\n':
			return false
		}
	}
	return s != ""
}

// lastIndexWhile is strings.LastIndex(s, " while "), by a backward
// Horspool search: a window whose first byte is not in " while " moves 7
// bytes at once, where LastIndex hashes every byte.
func lastIndexWhile(s string) int {
	const pat = " while "
	for i := len(s) - len(pat); i >= 0; {
		c := s[i]
		if c == ' ' && s[i:i+len(pat)] == pat {
			return i
		}
		// the next window must put c on its nearest occurrence in pat[1:]
		switch c {
		case 'w':
			i--
		case 'h':
			i -= 2
		case 'i':
			i -= 3
		case 'l':
			i -= 4
		case 'e':
			i -= 5
		case ' ':
			i -= 6
		default:
			i -= 7
		}
	}
	return -1
}

// splitErrno separates a trailing " (N: text)" added by ngx_log_errno.
// SSL messages carry an inner " (SSL: ...)" first; it stays in the message.
func splitErrno(rem string) (msg string, errno int, text string) {
	if !strings.HasSuffix(rem, ")") {
		return rem, 0, ""
	}
	// strerror texts are short; nginx keeps 50 bytes for the whole group
	const maxGroup = 80
	from := max(0, len(rem)-maxGroup)
	// strings.LastIndex(rem[from:], " (") from the '(': the last byte is ')'
	i := len(rem) - 2
	for i > from && (rem[i] != '(' || rem[i-1] != ' ') {
		i--
	}
	if i <= from {
		return rem, 0, ""
	}
	i-- // the space
	group := rem[i+2 : len(rem)-1]
	n, j, ok := digits(group, 0)
	if !ok || !strings.HasPrefix(group[j:], ": ") || strings.IndexByte(group, '(') >= 0 || strings.IndexByte(group, ')') >= 0 {
		return rem, 0, ""
	}
	return rem[:i], int(n), group[j+2:]
}
