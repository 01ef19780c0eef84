package logfile

import "time"

// MaxMinutes bounds a histogram: a week of minutes. Older counts fold
// into the first bucket's neighbours by moving the start forward.
const MaxMinutes = 7 * 24 * 60

// Minutes counts events per minute, for "when did it begin": a sparkline
// of the window, its first, last and peak minute. The zero value is
// empty and ready; memory stays bounded by MaxMinutes whatever the log.
type Minutes struct {
	Start  time.Time // the first bucket's minute (UTC)
	Counts []int     // Counts[i] is the minute Start + i
}

// Add counts one event at t. Events before Start extend the histogram
// backwards, up to MaxMinutes; beyond the bound the oldest minutes go.
func (m *Minutes) Add(t time.Time) { m.AddN(t, 1) }

// AddN counts n events at t.
func (m *Minutes) AddN(t time.Time, n int) {
	if n <= 0 || t.IsZero() {
		return
	}
	minute := t.UTC().Truncate(time.Minute)
	if len(m.Counts) == 0 {
		m.Start, m.Counts = minute, []int{n}
		return
	}
	i := int(minute.Sub(m.Start) / time.Minute)
	switch {
	case i < 0:
		if -i+len(m.Counts) > MaxMinutes {
			return // older than the week kept: not counted
		}
		m.Counts = append(make([]int, -i), m.Counts...)
		m.Start, i = minute, 0
	case i >= len(m.Counts):
		if i >= MaxMinutes {
			drop := i - MaxMinutes + 1
			if drop >= len(m.Counts) {
				m.Start, m.Counts = minute, []int{0}
				i = 0
			} else {
				m.Counts = m.Counts[drop:]
				m.Start = m.Start.Add(time.Duration(drop) * time.Minute)
				i -= drop
			}
		}
		if i >= len(m.Counts) {
			m.Counts = append(m.Counts, make([]int, i-len(m.Counts)+1)...)
		}
	}
	m.Counts[i] += n
}

// Merge adds o's counts into m.
func (m *Minutes) Merge(o Minutes) {
	for i, n := range o.Counts {
		m.AddN(o.Start.Add(time.Duration(i)*time.Minute), n)
	}
}

// Total is the number of events counted.
func (m Minutes) Total() int {
	t := 0
	for _, n := range m.Counts {
		t += n
	}
	return t
}

// Span is the first and last minute with an event, and the busiest one
// with its count (the earliest of equals); ok is false when empty.
func (m Minutes) Span() (first, last, peak time.Time, peakN int, ok bool) {
	for i, n := range m.Counts {
		if n == 0 {
			continue
		}
		at := m.Start.Add(time.Duration(i) * time.Minute)
		if !ok {
			first, ok = at, true
		}
		last = at
		if n > peakN {
			peak, peakN = at, n
		}
	}
	return first, last, peak, peakN, ok
}
