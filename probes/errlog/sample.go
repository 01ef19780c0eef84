package errlog

import (
	"time"
	"unsafe"
)

// scratchSample is a group's most recent entry kept as a copy of its bytes:
// the scanners hand the table entries whose strings alias a reused read
// buffer, and copying 300 bytes per upstream entry into a buffer the group
// owns is cheaper than allocating a string for each. It is parsed again,
// once, when the table is frozen; parse is deterministic, so the Sample
// is the Entry the scanner had. A chunk read from a mapping lends its
// bytes instead (lend): they stay put until the chunk is done, so only
// the last sample of each group is copied (keep), not every entry's.
type scratchSample struct {
	raw  []byte // the Sample's bytes: own, or lent
	own  []byte // the buffer the group owns
	loc  *time.Location
	held bool // raw is the Sample
	lent bool // raw is not own: valid until keep
}

// set keeps raw, an entry parsed in loc.
func (s *scratchSample) set(raw []byte, loc *time.Location) {
	s.own = append(s.own[:0], raw...)
	s.raw, s.loc, s.held, s.lent = s.own, loc, true, false
}

// lend keeps raw without copying it: the caller calls keep or reset
// before raw's bytes go.
func (s *scratchSample) lend(raw []byte, loc *time.Location) {
	s.raw, s.loc, s.held, s.lent = raw, loc, true, true
}

// keep copies a lent sample into the group's own buffer.
func (s *scratchSample) keep() {
	if s.lent {
		s.set(s.raw, s.loc)
	}
}

// reset forgets the sample, keeping the buffer.
func (s *scratchSample) reset() { s.raw, s.held, s.lent = s.own[:0], false, false }

// entry parses the kept bytes.
func (s *scratchSample) entry() Entry {
	p := parser{loc: s.loc}
	raw := string(s.raw)
	h, _ := readHeader(&p, raw)
	var e Entry
	parseWith(&e, raw, h)
	return e
}

// within reports whether sub lies in s's memory.
func within(sub, s []byte) bool {
	if len(sub) == 0 || len(s) == 0 {
		return false
	}
	a := uintptr(unsafe.Pointer(unsafe.SliceData(sub)))
	b := uintptr(unsafe.Pointer(unsafe.SliceData(s)))
	return a >= b && a+uintptr(len(sub)) <= b+uintptr(len(s))
}
