package accesslog

import (
	"hash/maphash"
	"sort"
)

// maxEvictedHashes bounds the memory of which keys were evicted (Restarted).
const maxEvictedHashes = 1 << 16

// table keeps at most limit entries by string key, the Space-Saving idea
// without its count inheritance (as errlog's group table): when full, a
// new key evicts the lightest entry (smallest weight, then oldest, then
// first arrived) into the caller's overflow, so counts stay exact and
// entries + overflow add up. The heap is built only when the table first
// fills: a log with few upstreams pays one map lookup per line.
type table[V any] struct {
	limit   int
	byKey   map[string]*slot[V]
	heap    []*slot[V] // a min-heap on evictBefore once heaped
	heaped  bool
	seq     uint64
	seed    maphash.Seed
	evicted map[uint64]struct{} // hashes of evicted keys, at most maxEvictedHashes
}

// slot is one entry of a table.
type slot[V any] struct {
	key       string
	val       V
	weight    int64 // what keeps the entry: its count
	lastSec   int64 // its newest line, Unix seconds: the tie-break
	seq       uint64
	index     int
	restarted bool // the key was evicted before and came back
}

// newTable returns an empty table of at most limit entries; tables that
// merge share a seed.
func newTable[V any](limit int, seed maphash.Seed) *table[V] {
	return &table[V]{limit: max(limit, 1), byKey: map[string]*slot[V]{}, seed: seed, evicted: map[uint64]struct{}{}}
}

// lookup returns the entry of key, or nil; key may alias a buffer.
func (t *table[V]) lookup(key []byte) *slot[V] { return t.byKey[string(key)] }

// get returns the entry of key, admitting it when new.
func (t *table[V]) get(key []byte, fold func(*slot[V])) (s *slot[V], fresh bool) {
	if s = t.lookup(key); s != nil {
		return s, false
	}
	return t.admit(key, fold), true
}

// admit adds key, evicting the lightest entry first when the table is
// full (fold receives it before its slot is reused).
func (t *table[V]) admit(key []byte, fold func(*slot[V])) *slot[V] {
	var s *slot[V]
	if len(t.heap) < t.limit {
		s = &slot[V]{index: len(t.heap)}
		t.heap = append(t.heap, s)
	} else {
		if !t.heaped {
			t.heapify()
		}
		s = t.heap[0]
		fold(s)
		delete(t.byKey, s.key)
		if len(t.evicted) < maxEvictedHashes {
			t.evicted[maphash.String(t.seed, s.key)] = struct{}{}
		}
	}
	var zero V
	k := string(key)
	_, again := t.evicted[maphash.String(t.seed, k)]
	*s = slot[V]{key: k, val: zero, seq: t.seq, index: s.index, restarted: again}
	t.seq++
	t.byKey[k] = s
	return s
}

// touched records an entry's new weight and newest second; weights only grow.
func (t *table[V]) touched(s *slot[V], weight, lastSec int64) {
	s.weight = weight
	s.lastSec = max(s.lastSec, lastSec)
	if t.heaped {
		t.down(s.index)
	}
}

// entries returns the slots, heaviest first, then newest, then by key.
func (t *table[V]) entries() []*slot[V] {
	out := append([]*slot[V](nil), t.heap...)
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case a.weight != b.weight:
			return a.weight > b.weight
		case a.lastSec != b.lastSec:
			return a.lastSec > b.lastSec
		}
		return a.key < b.key
	})
	return out
}

// evictBefore is the eviction order: lightest, then oldest, then first arrived.
func evictBefore[V any](a, b *slot[V]) bool {
	switch {
	case a.weight != b.weight:
		return a.weight < b.weight
	case a.lastSec != b.lastSec:
		return a.lastSec < b.lastSec
	}
	return a.seq < b.seq
}

// heapify orders the full table as a min-heap.
func (t *table[V]) heapify() {
	t.heaped = true
	for i := len(t.heap)/2 - 1; i >= 0; i-- {
		t.down(i)
	}
}

// down sinks the entry at i below the lighter ones: weights only grow, so
// a touched entry never needs to rise.
func (t *table[V]) down(i int) {
	h := t.heap
	for {
		c := 2*i + 1
		if c >= len(h) {
			return
		}
		if r := c + 1; r < len(h) && evictBefore(h[r], h[c]) {
			c = r
		}
		if !evictBefore(h[c], h[i]) {
			return
		}
		h[i], h[c] = h[c], h[i]
		h[i].index, h[c].index = i, c
		i = c
	}
}

// absorb takes the evicted-key memory of o, a table with the same seed.
func (t *table[V]) absorb(o *table[V]) {
	for h := range o.evicted {
		if len(t.evicted) >= maxEvictedHashes {
			return
		}
		t.evicted[h] = struct{}{}
	}
}
