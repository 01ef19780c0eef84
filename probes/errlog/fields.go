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

// markerAt returns the marker s starts with (s[0:2] is ", "), or -1.
func markerAt(s string) int {
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
		if id >= 0 && strings.HasPrefix(s, markerText(id)) {
			return id
		}
	}
	return -1
}

// mark is a marker found at pos.
type mark struct {
	pos int
	id  int
}

// marks are the markers of one entry in ascending position.
type marks []mark

// find collects the markers of s into buf (no allocation for sane lines).
func find(s string, buf marks) marks {
	for i := 0; ; {
		j := strings.IndexByte(s[i:], ',')
		if j < 0 {
			return buf
		}
		i += j
		if i+2 < len(s) && s[i+1] == ' ' {
			if id := markerAt(s[i:]); id >= 0 {
				buf = append(buf, mark{i, id})
			}
		}
		i++
	}
}

// last is strings.LastIndex(s[:end], markerText(id)) from the collected marks.
func (ms marks) last(id, end int) int {
	n := len(markerText(id))
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
func splitBody(e *Entry, body string) {
	var buf [24]mark
	ms := find(body, buf[:0])
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
	// log->action is a short phrase: look for " while " near the end only
	const maxAction = 80
	from := max(0, len(rem)-maxAction-len(" while "))
	if i := strings.LastIndex(rem[from:], " while "); i >= 0 && isAction(rem[from+i+len(" while "):]) {
		e.Action = rem[from+i+len(" while "):]
		rem = rem[:from+i]
	}
	e.Message, e.Errno, e.ErrText = splitErrno(rem)
}

// peelQuoted takes `, name: "value"` fields off the end of rem. A field that
// is not the last one must end right where the next one starts, so a marker
// faked inside an earlier raw value is only believed when it is consistent.
func peelQuoted(e *Entry, rem string, ms marks) string {
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
func peelClient(e *Entry, rem string, ms marks) string {
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
	return s != "" && !strings.ContainsAny(s, "\"()\n")
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
