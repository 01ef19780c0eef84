package errlog

import (
	"time"

	"ngx502/probes/logfile"
)

// minuteRun is a logfile.Minutes fed one run of same-minute entries at a
// time: consecutive upstream entries nearly always share their minute,
// and Minutes.Add (UTC, Truncate, Sub) cost more than the rest of
// counting an entry. AddN of a run gives what adding its entries one by
// one gives: they all land in the bucket the first one finds or makes.
type minuteRun struct {
	m   logfile.Minutes
	at  time.Time // an entry of the pending run
	min int64     // its Unix minute (UTC minutes are Unix minutes)
	n   int       // entries in the run
}

// add counts one entry at t.
func (r *minuteRun) add(t time.Time) {
	if m := unixMinute(t); r.n == 0 || m != r.min {
		r.flush()
		r.at, r.min = t, m
	}
	r.n++
}

// flush adds the pending run to the histogram.
func (r *minuteRun) flush() {
	if r.n > 0 {
		r.m.AddN(r.at, r.n)
		r.n = 0
	}
}

// merge adds o, the counts of entries after r's, into r.
func (r *minuteRun) merge(o *minuteRun) {
	r.flush()
	o.flush()
	r.m.Merge(o.m)
}

// done returns the histogram with every entry counted.
func (r *minuteRun) done() logfile.Minutes {
	r.flush()
	return r.m
}

// unixMinute is t's minute since the epoch, rounded down.
func unixMinute(t time.Time) int64 {
	s := t.Unix()
	m := s / 60
	if s%60 < 0 {
		m--
	}
	return m
}
