package errlog

import (
	"hash/maphash"
	"sort"
	"strings"
	"time"
)

// MaxGroups bounds Summary.Groups. Any remote client can make nginx log a
// new peer per request (proxy_pass http://$host and a random Host header),
// so the table keeps the heaviest hitters and folds the rest into
// Summary.Overflow instead of growing with the input.
const MaxGroups = 1000

// maxServers bounds Group.Servers; further names are only counted.
const maxServers = 8

// maxMoreServers bounds the distinct names counted in Group.MoreServers.
const maxMoreServers = 64

// Group aggregates entries by Peer × Kind.
type Group struct {
	Peer        string    // Peer() of the entries: address, unix:path, group or host name
	Kind        Kind      // Classify() of the entries
	Status      int       // Status of the most recent entry that has one
	Count       int       // entries in the group since it last entered the table (see Restarted)
	First, Last time.Time // oldest and newest entry counted in Count
	Servers     []string  // the first 8 distinct server names seen, sorted
	MoreServers int       // distinct server names beyond Servers (counting stops at 64)
	Sample      Entry     // most recent
	// Restarted: this peer × kind was evicted into Summary.Overflow earlier
	// and came back, so Count and First cover only the entries since it
	// returned; the earlier ones are in the Overflow of its Kind.
	Restarted bool
}

// groupKey identifies a group.
type groupKey struct {
	peer string
	kind Kind
}

// groupAcc is a Group being built.
type groupAcc struct {
	Group
	key     groupKey
	seq     uint64              // arrival order: the last tie-break for eviction
	hash    uint64              // overflowTable.hash of key
	lastSec int64               // Last in Unix seconds, for evictBefore
	index   int                 // position in groupTable.heap
	more    map[uint64]struct{} // hashes of server names beyond Servers
	sample  scratchSample       // the Sample while it is kept as bytes
	sampled bool                // an entry set Last and Sample
	statAt  time.Time           // Last when Status was set, for merge
}

// groupTable keeps at most limit groups: the Space-Saving idea without its
// count inheritance. When the table is full a new key evicts the lightest
// group (smallest Count, then oldest Last) into the overflow, so a real
// failing upstream that repeats keeps its slot while one-off peers churn
// through one slot after another; a group's count restarts if it is
// evicted and returns, which keeps every count exact and the totals
// adding up (Groups + Overflow = Summary.Upstream). The price: a newcomer
// is the lightest group until it repeats, so junk peers that each repeat
// more often than a new real peer can crowd it into the overflow.
type groupTable struct {
	limit int
	byKey map[groupKey]*groupAcc
	heap  groupHeap // min-heap: the next group to evict on top
	seq   uint64
	seed  maphash.Seed
	over  overflowTable
	// minutes counts every entry counted, per minute: when it began.
	minutes minuteRun
	// noEvict makes a full table refuse a new key instead of evicting:
	// a chunk's table, merged later, must hold all of its chunk or say so.
	noEvict bool
	// lent holds bytes that stay valid until keepSamples or dropSamples
	// (a mapped chunk): samples in it are lent, not copied
	lent   []byte
	order  []*groupAcc                // merge's scratch
	spare  []*groupAcc                // slots of a cleared table, for admit
	recent [1 << recentBits]*groupAcc // groups by a cheap hash of their key, checked before byKey
}

// newGroupTable returns an empty table of at most limit groups.
func newGroupTable(limit int) *groupTable {
	seed := maphash.MakeSeed()
	return &groupTable{limit: limit, byKey: map[groupKey]*groupAcc{}, seed: seed, over: newOverflowTable(seed)}
}

// add counts an upstream entry of kind k; e is kept as the Sample.
func (t *groupTable) add(e Entry, k Kind) { t.count(&e, k, statusOf(&e, k), peerOf(&e), nil) }

// addScratch is add for an entry whose strings alias raw, a buffer the
// caller reuses, with st = statusOf(e, k) and peer = peerOf(e): the
// group copies raw and parses its Sample again when the table is frozen.
// False when a noEvict table is full and k is new.
func (t *groupTable) addScratch(e *Entry, k Kind, st int, peer string, raw []byte) bool {
	return t.count(e, k, st, peer, raw)
}

// count counts e, of status st and peer peerOf(e), into its group; raw is
// nil when e's strings are stable.
func (t *groupTable) count(e *Entry, k Kind, st int, peer string, raw []byte) bool {
	key := groupKey{peer, k}
	// a few word loads and a compare instead of hashing two strings; a
	// slot whose group was evicted since holds another key and misses
	r := &t.recent[recentSlot(key)]
	g := *r
	if g == nil || !sameString(string(g.key.kind), string(key.kind)) || g.key.peer != key.peer {
		if g = t.byKey[key]; g == nil {
			if t.noEvict && len(t.heap) >= t.limit {
				return false
			}
			g = t.admit(key, e.Time)
		}
		*r = g
	}
	g.add(e, st, raw, t.lent, t.seed)
	t.minutes.add(e.Time)
	if !t.noEvict { // a table that never evicts needs no eviction order
		t.heap.fix(g.index) // a heavier, newer group sinks
	}
	return true
}

// recentSlot picks key's slot in groupTable.recent from the last 8
// bytes of the peer (where peers differ: ports, socket names) and the
// lengths, mixed by multiplications: the lab's 41 keys shared 64 slots
// of a plainer sum so that a third of the lookups missed.
func recentSlot(key groupKey) int {
	var h uint64
	if n := len(key.peer); n >= 8 {
		h = word(key.peer, n-8)
	} else {
		for i := 0; i < n; i++ {
			h = h<<8 | uint64(key.peer[i])
		}
	}
	h = (h ^ uint64(len(key.peer))<<56) * 0x9e3779b97f4a7c15
	if n := len(key.kind); n > 0 {
		h ^= uint64(n) | uint64(key.kind[n-1])<<8
	}
	return int((h * 0xbf58476d1ce4e5b9) >> (64 - recentBits))
}

// recentBits sizes groupTable.recent.
const recentBits = 8

// admit gives key a slot: a new one while the table has room, else the
// lightest group's, folded into the overflow first. The slot is left at
// Count 0 for add, which restores the heap order.
func (t *groupTable) admit(key groupKey, first time.Time) *groupAcc {
	key.peer = strings.Clone(key.peer) // do not pin the whole raw entry
	var g *groupAcc
	if len(t.heap) < t.limit {
		if n := len(t.spare); n > 0 {
			g, t.spare = t.spare[n-1], t.spare[:n-1]
			g.index = len(t.heap)
		} else {
			g = &groupAcc{index: len(t.heap)}
		}
		t.heap = append(t.heap, g)
	} else {
		g = t.heap[0]
		t.over.fold(g)
		delete(t.byKey, g.key)
	}
	g.reset(key, first, t.seq)
	t.seq++
	g.hash = t.over.hash(key)
	g.Restarted = t.over.evicted(g.hash)
	t.byKey[key] = g
	return g
}

// reset empties a slot for key, keeping its allocations.
func (g *groupAcc) reset(key groupKey, first time.Time, seq uint64) {
	clear(g.Servers) // do not pin the names of the slot's last key
	servers := g.Servers[:0]
	clear(g.more)
	g.Group = Group{Peer: key.peer, Kind: key.kind, First: first, Servers: servers}
	g.key, g.seq, g.lastSec = key, seq, g.Last.Unix()
	g.sample.reset()
	g.sampled, g.statAt = false, time.Time{}
}

// add counts e into the group; entries arrive oldest file first. A raw
// within lent is lent to the sample, not copied.
func (g *groupAcc) add(e *Entry, st int, raw, lent []byte, seed maphash.Seed) {
	g.Count++
	if e.Time.Before(g.First) {
		g.First = e.Time
	}
	if !e.Time.Before(g.Last) {
		g.Last, g.lastSec, g.sampled = e.Time, e.Time.Unix(), true
		if raw == nil {
			g.Sample = *e
			g.sample.reset()
		} else if within(raw, lent) {
			g.sample.lend(raw, e.Time.Location())
		} else {
			g.sample.set(raw, e.Time.Location())
		}
		if st != 0 {
			g.Status, g.statAt = st, e.Time
		}
	}
	if e.Server != "" {
		g.addServer(e.Server, seed)
	}
}

// keepSamples copies the samples lent by t.lent and stops lending.
func (t *groupTable) keepSamples() {
	for _, g := range t.heap {
		g.sample.keep()
	}
	t.lent = nil
}

// dropSamples forgets the samples lent by t.lent, unread (their bytes may
// fault), and stops lending: the table is not used.
func (t *groupTable) dropSamples() {
	for _, g := range t.heap {
		if g.sample.lent {
			g.sample.reset()
		}
	}
	t.lent = nil
}

// addServer records a server name: the first maxServers by name, the
// rest as hashes so they are counted once each.
func (g *groupAcc) addServer(name string, seed maphash.Seed) {
	for _, s := range g.Servers {
		if s == name {
			return
		}
	}
	if len(g.Servers) < maxServers {
		g.Servers = append(g.Servers, strings.Clone(name))
		return
	}
	if g.more == nil {
		g.more = map[uint64]struct{}{}
	}
	if len(g.more) < maxMoreServers {
		g.more[maphash.String(seed, name)] = struct{}{}
		g.MoreServers = len(g.more)
	}
}

// groups freezes the table: Count desc, then Last desc, then peer and
// kind so equal groups keep a stable order.
func (t *groupTable) groups() []Group {
	out := make([]Group, 0, len(t.heap))
	for _, g := range t.heap {
		grp := g.Group
		if g.sample.held {
			grp.Sample = g.sample.entry()
		}
		grp.Servers = append([]string(nil), g.Servers...)
		sort.Strings(grp.Servers)
		out = append(out, grp)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case a.Count != b.Count:
			return a.Count > b.Count
		case !a.Last.Equal(b.Last):
			return a.Last.After(b.Last)
		case a.Peer != b.Peer:
			return a.Peer < b.Peer
		}
		return a.Kind < b.Kind
	})
	return out
}

// groupHeap is a binary min-heap of the groups, the next to evict on
// top; hand-written because this runs once per upstream entry and
// container/heap's interface calls are most of its cost.
type groupHeap []*groupAcc

// evictBefore is the eviction order: smallest Count, then oldest Last,
// then first arrived.
func evictBefore(a, b *groupAcc) bool {
	switch {
	case a.Count != b.Count:
		return a.Count < b.Count
	case a.lastSec != b.lastSec:
		return a.lastSec < b.lastSec
	}
	return a.seq < b.seq
}

// fix restores the order after the group at i changed.
func (h groupHeap) fix(i int) {
	if !h.down(i) {
		h.up(i)
	}
}

// up moves the group at i towards the top while it goes first.
func (h groupHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !evictBefore(h[i], h[p]) {
			return
		}
		h.swap(i, p)
		i = p
	}
}

// down sinks the group at i below the groups that go before it and
// reports whether it moved.
func (h groupHeap) down(i int) bool {
	start := i
	for {
		c := 2*i + 1
		if c >= len(h) {
			break
		}
		if r := c + 1; r < len(h) && evictBefore(h[r], h[c]) {
			c = r
		}
		if !evictBefore(h[c], h[i]) {
			break
		}
		h.swap(i, c)
		i = c
	}
	return i > start
}

// swap swaps two groups and their indexes.
func (h groupHeap) swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
