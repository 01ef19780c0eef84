package errlog

import (
	"hash/maphash"
	"slices"
	"sort"
	"time"
)

// maxPeerHashes bounds the distinct-peer counter of the overflow: 64-bit
// hashes of kind and peer in a 1 MiB table.
const maxPeerHashes = 1 << 16

// maxExamples bounds Overflow.Examples.
const maxExamples = 5

// Overflow sums, per Kind, the groups evicted from Summary.Groups to keep
// it within MaxGroups: the long tail of peers that each failed a few times,
// so a caller can say "M more peers, same cause".
type Overflow struct {
	Kind         Kind
	Entries      int       // entries of the evicted groups
	Evictions    int       // groups evicted; a peer evicted, back and evicted again counts twice (so Peers <= Evictions)
	Peers        int       // distinct peers evicted (a lower bound when PeersAtLeast; Evictions bounds it above)
	PeersAtLeast bool      // the distinct-peer counter was full: there are at least Peers
	First, Last  time.Time // oldest and newest entry of the evicted groups
	Examples     []string  // up to 5 evicted peers: the heaviest, the latest evicted first among equals
}

// overflowTable builds the Overflow of every Kind.
type overflowTable struct {
	seed   maphash.Seed
	byKind map[Kind]*overflowAcc
	peers  hashSet // hashes of every kind × peer evicted, up to maxPeerHashes
}

// overflowAcc is an Overflow being built.
type overflowAcc struct {
	Overflow
	examples []example
}

// example is an evicted peer and the weight it had.
type example struct {
	peer  string
	count int
	last  time.Time
}

// newOverflowTable returns an empty table hashing with seed.
func newOverflowTable(seed maphash.Seed) overflowTable {
	return overflowTable{seed: seed, byKind: map[Kind]*overflowAcc{}, peers: newHashSet(maxPeerHashes)}
}

// hash identifies kind × peer in the distinct-peer counter.
func (o *overflowTable) hash(key groupKey) uint64 {
	var h maphash.Hash
	h.SetSeed(o.seed)
	h.WriteString(string(key.kind))
	h.WriteByte(0)
	h.WriteString(key.peer)
	return h.Sum64()
}

// evicted reports whether the key of hash h was evicted before, as far as
// the bounded counter remembers.
func (o *overflowTable) evicted(h uint64) bool { return o.peers.has(h) }

// fold adds an evicted group to the overflow of its kind.
func (o *overflowTable) fold(g *groupAcc) {
	acc := o.byKind[g.Kind]
	if acc == nil {
		acc = &overflowAcc{Overflow: Overflow{Kind: g.Kind, First: g.First, Last: g.Last}}
		o.byKind[g.Kind] = acc
	}
	acc.Entries += g.Count
	acc.Evictions++
	if g.First.Before(acc.First) {
		acc.First = g.First
	}
	if g.Last.After(acc.Last) {
		acc.Last = g.Last
	}
	// No lookup: admit looked g up when it entered (Restarted), and its key
	// cannot have been evicted while it held the slot.
	switch {
	case g.Restarted:
	case o.peers.add(g.hash):
		acc.Peers++
	default:
		acc.PeersAtLeast = true // full: maybe new, maybe not, no room to tell
	}
	acc.addExample(example{g.Peer, g.Count, g.Last})
}

// addExample keeps the maxExamples heaviest distinct peers, the latest
// evicted first among equals: an insertion into a list of five, cheap
// enough to run on every eviction.
func (acc *overflowAcc) addExample(ex example) {
	for i, old := range acc.examples {
		if old.peer == ex.peer {
			if !heavier(ex, old) {
				return
			}
			acc.examples = slices.Delete(acc.examples, i, i+1)
			break
		}
	}
	i := 0
	for i < len(acc.examples) && heavier(acc.examples[i], ex) {
		i++
	}
	if i >= maxExamples {
		return
	}
	if acc.examples == nil {
		acc.examples = make([]example, 0, maxExamples+1)
	}
	acc.examples = slices.Insert(acc.examples, i, ex)
	acc.examples = acc.examples[:min(len(acc.examples), maxExamples)]
}

// heavier is the example order: Count desc, then Last desc.
func heavier(a, b example) bool {
	if a.count != b.count {
		return a.count > b.count
	}
	return a.last.After(b.last)
}

// overflows freezes the table: most entries first, then by kind.
func (o *overflowTable) overflows() []Overflow {
	var out []Overflow
	for _, acc := range o.byKind {
		ov := acc.Overflow
		for _, ex := range acc.examples {
			ov.Examples = append(ov.Examples, ex.peer)
		}
		out = append(out, ov)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Entries != out[j].Entries {
			return out[i].Entries > out[j].Entries
		}
		return out[i].Kind < out[j].Kind
	})
	return out
}
