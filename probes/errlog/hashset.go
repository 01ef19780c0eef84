package errlog

// hashSet is a fixed-size set of non-zero 64-bit hashes: open addressing
// with linear probing, at most half full, so a lookup of an absent hash
// (the common case: most evicted peers never return) costs one cache
// line where a Go map of the same size costs several.
type hashSet struct {
	slots []uint64 // 0 marks a free slot; allocated on the first add
	n     int
	limit int
}

// newHashSet returns an empty set for up to limit hashes (a power of two).
func newHashSet(limit int) hashSet { return hashSet{limit: limit} }

// has reports whether h is in the set.
func (s *hashSet) has(h uint64) bool {
	if s.n == 0 {
		return false
	}
	h = nonZero(h)
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask { // ends: a set at most half full has free slots
		switch s.slots[i] {
		case h:
			return true
		case 0:
			return false
		}
	}
}

// add inserts h and reports whether it was new: false when h was there
// already or the set is full.
func (s *hashSet) add(h uint64) bool {
	if s.slots == nil {
		s.slots = make([]uint64, 2*s.limit)
	}
	h = nonZero(h)
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case h:
			return false
		case 0:
			if s.n == s.limit {
				return false
			}
			s.slots[i] = h
			s.n++
			return true
		}
	}
}

// nonZero maps the hash 0 (the free-slot mark) to 1.
func nonZero(h uint64) uint64 {
	if h == 0 {
		return 1
	}
	return h
}
