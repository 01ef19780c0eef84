package errlog

import "testing"

func TestHashSet(t *testing.T) {
	s := newHashSet(4)
	eq(t, s.has(7), false) // empty: no table yet
	for _, h := range []uint64{0, 1, 5, 5 + 8} {
		if h == 1 {
			eq(t, s.add(h), false) // 0 is stored as 1
			continue
		}
		eq(t, s.add(h), true)
	}
	eq(t, s.add(5), false)
	eq(t, s.add(99), true)
	eq(t, s.n, 4)
	eq(t, s.add(100), false) // full
	for _, h := range []uint64{0, 1, 5, 13, 99} {
		eq(t, s.has(h), true)
	}
	eq(t, s.has(100), false)
	eq(t, s.has(21), false) // probes past the colliding 5 and 13
}
