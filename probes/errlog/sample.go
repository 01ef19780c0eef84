package errlog

import "time"

// scratchSample is a group's most recent entry kept as a copy of its bytes:
// the scanners hand the table entries whose strings alias a reused read
// buffer, and copying 300 bytes per upstream entry into a buffer the group
// owns is cheaper than allocating a string for each. It is parsed again,
// once, when the table is frozen; parse is deterministic, so the Sample
// is the Entry the scanner had.
type scratchSample struct {
	raw  []byte
	loc  *time.Location
	held bool // raw is the Sample
}

// set keeps raw, an entry parsed in loc.
func (s *scratchSample) set(raw []byte, loc *time.Location) {
	s.raw, s.loc, s.held = append(s.raw[:0], raw...), loc, true
}

// reset forgets the sample, keeping the buffer.
func (s *scratchSample) reset() { s.raw, s.held = s.raw[:0], false }

// entry parses the kept bytes.
func (s *scratchSample) entry() Entry {
	p := parser{loc: s.loc}
	raw := string(s.raw)
	h, _ := readHeader(&p, raw)
	var e Entry
	parseWith(&e, raw, h)
	return e
}
