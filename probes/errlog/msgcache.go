package errlog

import (
	"strings"
	"unsafe"
)

// Bounds of msgCache: slots, and the longest message part kept.
const (
	msgSlots  = 1024
	msgMaxKey = 512
)

// msgCache remembers, per message part (what peelContext leaves of an
// entry: message, errno group, action), how splitMessage splits it and
// what Classify and Status make of it. A busy log repeats a handful of
// messages (the same refused connect, the same PHP warning) millions of
// times with other clients and requests, and a lookup costs less than the
// backward searches and the rules. It is exact: splitMessage reads the
// message part only, and Classify and statusOf read the fields it gives
// plus the level, whether the upstream is a unix socket and whether there
// is a CID, all in the key. Direct-mapped and bounded: a new message
// takes its slot over.
type msgCache struct {
	slots []msgSplit // allocated on first use
}

// msgSplit is one remembered message part: offsets into it, and verdicts.
type msgSplit struct {
	key              string // a copy of the message part
	level            string
	flags            uint8
	msgLen           int // Message is key[:msgLen]
	errno            int
	textOff, textLen int // ErrText
	actionLen        int // Action is the last actionLen bytes
	kind             Kind
	status           int
}

// msgSplit flags; flagUsed marks a filled slot.
const (
	flagUnix uint8 = 1 << iota
	flagCID
	flagUsed
)

// parse fills e, which must be zero (a fresh local: zeroing it again, or
// a reused one, costs more than the rest of a cache hit), from raw as
// parseWith does and returns classify(e) and statusOf(e, kind). The
// strings of e are substrings of raw either way.
func (c *msgCache) parse(e *Entry, raw string, h header) (Kind, int) {
	e.Raw, e.Time, e.Level, e.PID, e.TID, e.CID = raw, h.time, h.level, h.pid, h.tid, h.cid
	whole := trimEOL(raw)
	e.Truncated = len(whole) >= maxEntry
	body := whole[min(h.msg, len(whole)):]
	var buf [16]mark
	ms := find(body, buf[:])
	rem := peelContext(e, body, &ms)
	if len(rem) > msgMaxKey {
		splitMessage(e, rem)
		k := classify(e)
		return k, statusOf(e, k)
	}
	flags := flagUsed
	// isUnix's part outside the message; only connectRule asks, and only
	// for these messages
	if (strings.HasPrefix(rem, "connect() ") || strings.HasPrefix(rem, "kevent() ")) && strings.Contains(e.Upstream, "://unix:") {
		flags |= flagUnix
	}
	if e.CID != 0 {
		flags |= flagCID
	}
	if c.slots == nil {
		c.slots = make([]msgSplit, msgSlots)
	}
	v := &c.slots[msgHash(rem, flags)%msgSlots]
	if v.flags == flags && v.level == e.Level && v.key == rem {
		e.Message, e.Errno = rem[:v.msgLen], v.errno
		e.ErrText = rem[v.textOff : v.textOff+v.textLen]
		e.Action = rem[len(rem)-v.actionLen:]
		return v.kind, v.status
	}
	splitMessage(e, rem)
	k := classify(e)
	st := statusOf(e, k)
	*v = msgSplit{key: strings.Clone(rem), level: e.Level, flags: flags, msgLen: len(e.Message), errno: e.Errno,
		textOff: offsetIn(e.ErrText, rem), textLen: len(e.ErrText), actionLen: len(e.Action), kind: k, status: st}
	return k, st
}

// offsetIn is where sub, a substring of s, starts in s (0 when empty).
func offsetIn(sub, s string) int {
	if sub == "" {
		return 0
	}
	return int(uintptr(unsafe.Pointer(unsafe.StringData(sub))) - uintptr(unsafe.Pointer(unsafe.StringData(s))))
}

// msgHash mixes the length, flags and three 8-byte words of s: cheaper
// than hashing every byte, and a collision only costs a miss.
func msgHash(s string, flags uint8) uint64 {
	h := uint64(len(s))<<8 | uint64(flags)
	if len(s) >= 8 {
		h ^= word(s, 0)
		h = (h ^ h>>29) * 0xbf58476d1ce4e5b9
		h ^= word(s, len(s)/2-4)
		h = (h ^ h>>32) * 0x94d049bb133111eb
		h ^= word(s, len(s)-8)
	} else {
		for i := 0; i < len(s); i++ {
			h = h*31 + uint64(s[i])
		}
	}
	h = (h ^ h>>29) * 0xbf58476d1ce4e5b9
	return h ^ h>>32
}
