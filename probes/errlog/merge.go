package errlog

import (
	"cmp"
	"hash/maphash"
	"slices"
)

// mergeFrom adds the groups of b, a noEvict table of the entries that come
// right after t's in the file, with the result adding those entries to t
// one by one would give, and reports whether it did. It refuses (t
// unchanged) when the two tables hold more than t.limit keys together:
// then the one-by-one order decides which groups are evicted, and the
// caller must add b's entries one by one.
//
// Why the result is the same: without evictions each group only
// accumulates. Count adds up and First is the minimum. An entry sets Last
// and Sample when it is not older than Last so far, so b's entries that
// do so in t are exactly those that did so in b and are not older than
// t's Last: b's Sample wins when b's Last is not older than t's, and b's
// Status when the time it was set is not older than t's Last before the
// merge. New keys are admitted in the order b first saw them (seq), so
// ties in the eviction order stay as they were. Servers and MoreServers
// follow from b's first names, in arrival order, and the hashes b counted
// beyond them.
func (t *groupTable) mergeFrom(b *groupTable) bool {
	fresh := 0
	for _, bg := range b.heap {
		if t.byKey[bg.key] == nil {
			fresh++
		}
	}
	if len(t.heap)+fresh > t.limit {
		return false
	}
	t.order = append(t.order[:0], b.heap...)
	slices.SortFunc(t.order, func(x, y *groupAcc) int { return cmp.Compare(x.seq, y.seq) })
	for _, bg := range t.order {
		g := t.byKey[bg.key]
		if g == nil {
			g = t.admit(bg.key, bg.First)
		}
		g.merge(bg, t.seed)
		t.heap.fix(g.index)
	}
	clear(t.order) // do not pin b's groups
	t.minutes.merge(&b.minutes)
	return true
}

// clearFor empties t for reuse as a chunk table of acc: at most
// maxChunkGroups keys, acc's seed (server hashes must match), never
// evicting; slots are kept.
func (t *groupTable) clearFor(acc *groupTable) {
	t.spare = append(t.spare, t.heap...)
	clear(t.heap)
	t.heap = t.heap[:0]
	if t.byKey == nil {
		t.byKey = map[groupKey]*groupAcc{}
	}
	clear(t.byKey)
	clear(t.recent[:]) // its groups are spare now, with their old keys
	t.minutes = minuteRun{}
	t.limit, t.seed, t.seq, t.noEvict = min(acc.limit, maxChunkGroups), acc.seed, 0, true
	t.over.seed = acc.seed
}

// merge adds b, the same key's group over the entries after g's.
func (g *groupAcc) merge(b *groupAcc, seed maphash.Seed) {
	before := g.Last
	g.Count += b.Count
	if b.First.Before(g.First) {
		g.First = b.First
	}
	if b.sampled && !b.Last.Before(g.Last) {
		g.Last, g.lastSec, g.sampled = b.Last, b.lastSec, true
		if b.sample.held {
			g.sample.set(b.sample.raw, b.sample.loc)
		} else {
			g.Sample = b.Sample
			g.sample.reset()
		}
	}
	if b.Status != 0 && !b.statAt.Before(before) {
		g.Status, g.statAt = b.Status, b.statAt
	}
	for _, name := range b.Servers { // arrival order: the order g would have seen them in
		g.addServer(name, seed)
	}
	if len(b.more) == 0 || len(g.more) >= maxMoreServers {
		return
	}
	var named [maxServers]uint64
	for i, s := range g.Servers {
		named[i] = maphash.String(seed, s)
	}
	if g.more == nil {
		g.more = map[uint64]struct{}{}
	}
	for h := range b.more {
		if len(g.more) >= maxMoreServers {
			break
		}
		if !slices.Contains(named[:len(g.Servers)], h) {
			g.more[h] = struct{}{}
		}
	}
	g.MoreServers = len(g.more)
}
