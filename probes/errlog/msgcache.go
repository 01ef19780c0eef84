package errlog

import (
	"strings"
	"unsafe"
)

// Bounds of msgCache: sets of msgWays slots, and the longest message
// part kept.
const (
	msgSets   = 512
	msgWays   = 2
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
// is a CID, all in the key. Bounded and two-way set-associative: a
// direct-mapped table of 1024 slots already had two colliding pairs
// among the lab's 43 messages, each pair missing on every entry (8% of
// all), so a new message takes over the older slot of its set.
type msgCache struct {
	slots []msgSplit // msgSets×msgWays, allocated on first use
	marks [32]mark   // find's storage: a local array is zeroed for every entry
}

// msgSplit is one remembered message part: offsets into it, and verdicts.
type msgSplit struct {
	key              string // a copy of the message part
	level            string
	flags            uint8
	recent           bool // the newer slot of its set
	msgLen           int  // Message is key[:msgLen]
	errno            int
	textOff, textLen int // ErrText
	actionLen        int // Action is the last actionLen bytes
	kind             Kind
	status           int
	peer             peerFrom
	peerOff, peerLen int // the peer is key[peerOff:][:peerLen] when peer is peerInMessage
}

// peerFrom says where an entry's Peer comes from, as far as its message
// part tells.
type peerFrom uint8

const (
	peerAfter     peerFrom = iota // the message names none: peerAfterMessage
	peerInMessage                 // a substring of the message part
	peerSlow                      // named by the message, not a substring of it: peerOf
)

// verdict is what msgCache.parse makes of an entry besides its fields.
type verdict struct {
	kind   Kind
	status int
	peer   string // Peer(e) when from is peerInMessage
	from   peerFrom
}

// peerOf is Peer(e) for the entry v was made of.
func (v *verdict) peerOf(e *Entry) string {
	switch v.from {
	case peerInMessage:
		return v.peer
	case peerAfter:
		return peerAfterMessage(e)
	}
	return peerOf(e)
}

// msgSplit flags; flagUsed marks a filled slot.
const (
	flagUnix uint8 = 1 << iota
	flagCID
	flagUsed
)

// parse fills e, which must be zero (a fresh local: zeroing it again, or
// a reused one, costs more than the rest of a cache hit), from raw as
// parseWith does and returns classify(e), statusOf(e, kind) and where
// Peer(e) comes from. The strings of e are substrings of raw either way.
func (c *msgCache) parse(e *Entry, raw string, h *header) verdict {
	e.Raw, e.Time, e.Level, e.PID, e.TID, e.CID = raw, h.time, h.level, h.pid, h.tid, h.cid
	whole := trimEOL(raw)
	e.Truncated = len(whole) >= maxEntry
	body := whole[min(h.msg, len(whole)):]
	ms := find(body, c.marks[:0])
	rem := peelContext(e, body, &ms)
	if len(rem) > msgMaxKey {
		splitMessage(e, rem)
		k := classify(e)
		return verdict{kind: k, status: statusOf(e, k), from: peerSlow}
	}
	flags := flagUsed
	// isUnix's part outside the message; only connectRule asks, and only
	// for these messages (compared with constants: strings.HasPrefix
	// would call memequal)
	if (len(rem) >= len("connect() ") && rem[:len("connect() ")] == "connect() " ||
		len(rem) >= len("kevent() ") && rem[:len("kevent() ")] == "kevent() ") && strings.Contains(e.Upstream, "://unix:") {
		flags |= flagUnix
	}
	if e.CID != 0 {
		flags |= flagCID
	}
	if c.slots == nil {
		c.slots = make([]msgSplit, msgSets*msgWays)
	}
	set := c.slots[msgHash(rem, flags)%msgSets*msgWays:][:msgWays]
	for i := range set {
		if v := &set[i]; v.flags == flags && sameString(v.level, e.Level) && v.key == rem {
			set[i].recent, set[1-i].recent = true, false
			e.Message, e.Errno = rem[:v.msgLen], v.errno
			e.ErrText = rem[v.textOff : v.textOff+v.textLen]
			e.Action = rem[len(rem)-v.actionLen:]
			return verdict{kind: v.kind, status: v.status, peer: rem[v.peerOff:][:v.peerLen], from: v.peer}
		}
	}
	v, other := &set[0], &set[1]
	if v.recent {
		v, other = other, v
	}
	other.recent = false
	splitMessage(e, rem)
	k := classify(e)
	st := statusOf(e, k)
	key := strings.Clone(rem)
	*v = msgSplit{key: key, level: e.Level, flags: flags, recent: true, msgLen: len(e.Message), errno: e.Errno,
		textOff: offsetIn(e.ErrText, rem), textLen: len(e.ErrText), actionLen: len(e.Action), kind: k, status: st}
	if p, ok := connectPeer(e.Message); !ok {
		v.peer = peerAfter
	} else if inside(p, rem) {
		v.peer, v.peerOff, v.peerLen = peerInMessage, offsetIn(p, rem), len(p)
	} else {
		v.peer = peerSlow
	}
	return verdict{kind: k, status: st, peer: rem[v.peerOff:][:v.peerLen], from: v.peer}
}

// sameString is a == b that first compares where the bytes are: levels
// and kinds are constants, whose bytes one value shares, and a == b
// would call memequal for them on every entry.
func sameString(a, b string) bool {
	return len(a) == len(b) && (unsafe.StringData(a) == unsafe.StringData(b) || a == b)
}

// inside reports whether sub is a substring of s (shares its memory).
func inside(sub, s string) bool {
	if sub == "" {
		return true // offsetIn gives 0
	}
	a := uintptr(unsafe.Pointer(unsafe.StringData(sub)))
	b := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	return a >= b && a+uintptr(len(sub)) <= b+uintptr(len(s))
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
