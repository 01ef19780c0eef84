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
	mServer // not a field of its own: the end of the client's, found here for peelClient
	nMarkers
)

// The texts of the markers.
const (
	txtReferrer   = `, referrer: "`
	txtHost       = `, host: "`
	txtUpstream   = `, upstream: "`
	txtSubrequest = `, subrequest: "`
	txtRequest    = `, request: "`
	txtClient     = ", client: "
	txtUDPClient  = ", udp client: "
	txtResolver   = ", resolver: "
	txtStreamTail = ", bytes from/to client:" // ngx_stream_proxy_log_error's counters
	txtServer     = ", server: "
)

// markerText returns the literal text of marker id.
func markerText(id int) string {
	switch id {
	case mReferrer:
		return txtReferrer
	case mHost:
		return txtHost
	case mUpstream:
		return txtUpstream
	case mSubrequest:
		return txtSubrequest
	case mRequest:
		return txtRequest
	case mClient:
		return txtClient
	case mUDPClient:
		return txtUDPClient
	case mResolver:
		return txtResolver
	case mStreamTail:
		return txtStreamTail
	case mServer:
		return txtServer
	}
	return "\x00"
}

// mark is a marker found at pos, its value starting at end; prev is the
// index+1 of the previous mark with the same id (0: none).
type mark struct {
	pos, end, prev int
}

// marks are the markers of one entry in ascending position, and the
// index+1 of the last one of each id (0: none, so the zero value is
// empty), so a lookup walks only the marks of its id.
type marks struct {
	list   []mark
	lastOf [nMarkers]int
}

// find collects the markers of s, in list's storage (no allocation for
// sane lines). (A word-at-a-time scan for the commas runs fewer
// instructions than an IndexByte call per comma, yet takes 60% longer.)
func find(s string, list []mark) marks {
	ms := marks{list: list[:0]}
	for i := 0; ; i++ {
		j := strings.IndexByte(s[i:], ',')
		if j < 0 {
			return ms
		}
		i += j
		if i+2 >= len(s) || s[i+1] != ' ' {
			continue
		}
		// which marker t starts with, if any: comparing with a constant of
		// up to 16 bytes compiles to two word compares, where
		// strings.HasPrefix, its argument no longer a constant, calls memequal
		t, id, n := s[i:], -1, 0
		switch t[2] { // inline: a call per comma cost 8% of find
		case 'r':
			switch {
			case len(t) >= len(txtReferrer) && t[:len(txtReferrer)] == txtReferrer:
				id, n = mReferrer, len(txtReferrer)
			case len(t) >= len(txtRequest) && t[:len(txtRequest)] == txtRequest:
				id, n = mRequest, len(txtRequest)
			case len(t) >= len(txtResolver) && t[:len(txtResolver)] == txtResolver:
				id, n = mResolver, len(txtResolver)
			}
		case 'h':
			if len(t) >= len(txtHost) && t[:len(txtHost)] == txtHost {
				id, n = mHost, len(txtHost)
			}
		case 'u':
			switch {
			case len(t) >= len(txtUpstream) && t[:len(txtUpstream)] == txtUpstream:
				id, n = mUpstream, len(txtUpstream)
			case len(t) >= len(txtUDPClient) && t[:len(txtUDPClient)] == txtUDPClient:
				id, n = mUDPClient, len(txtUDPClient)
			}
		case 's':
			switch {
			case len(t) >= len(txtServer) && t[:len(txtServer)] == txtServer:
				id, n = mServer, len(txtServer)
			case len(t) >= len(txtSubrequest) && t[:len(txtSubrequest)] == txtSubrequest:
				id, n = mSubrequest, len(txtSubrequest)
			}
		case 'c':
			if len(t) >= len(txtClient) && t[:len(txtClient)] == txtClient {
				id, n = mClient, len(txtClient)
			}
		case 'b':
			if len(t) >= len(txtStreamTail) && t[:len(txtStreamTail)] == txtStreamTail {
				id, n = mStreamTail, len(txtStreamTail)
			}
		}
		if id >= 0 {
			ms.list = append(ms.list, mark{pos: i, end: i + n, prev: ms.lastOf[id]})
			ms.lastOf[id] = len(ms.list)
		}
	}
}

// last is strings.LastIndex(s[:end], markerText(id)) from the collected
// marks, and where the marker's value starts; -1, -1 when absent.
func (ms *marks) last(id, end int) (int, int) {
	for k := ms.lastOf[id]; k > 0; k = ms.list[k-1].prev {
		if m := &ms.list[k-1]; m.end <= end {
			return m.pos, m.end
		}
	}
	return -1, -1
}

// first is strings.Index(s[from:end], markerText(id)) + from from the
// collected marks; -1 when absent.
func (ms *marks) first(id, from, end int) int {
	pos := -1
	for k := ms.lastOf[id]; k > 0; k = ms.list[k-1].prev {
		m := &ms.list[k-1]
		if m.pos < from {
			break
		}
		if m.end <= end {
			pos = m.pos
		}
	}
	return pos
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
	if i, _ := ms.last(mStreamTail, len(rem)); i >= 0 {
		rem = rem[:i]
	}
	rem = peelQuoted(e, rem, ms)
	rem = peelClient(e, rem, ms)
	if e.Client == "" {
		if i, v := ms.last(mResolver, len(rem)); i >= 0 {
			e.Resolver = rem[v:]
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
		i, at := ms.last(id, len(rem))
		if i < 0 {
			continue
		}
		v := rem[at:]
		switch {
		case len(v) > 0 && v[len(v)-1] == '"':
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
	i, at := ms.last(mClient, len(rem))
	if j, jat := ms.last(mUDPClient, len(rem)); j > i {
		i, at = j, jat
	}
	if i < 0 {
		return rem
	}
	ctx := rem[at:]
	if j := ms.first(mServer, at, len(rem)); j >= 0 {
		e.Client, e.Server = rem[at:j], rem[j+len(txtServer):]
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
