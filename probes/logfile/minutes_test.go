package logfile

import (
	"testing"
	"time"
)

func TestMinutes(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 5, 0, 30, 0, time.UTC)
	var m Minutes
	m.Add(t0.Add(2 * time.Minute))
	m.Add(t0) // before the start: extends backwards
	m.AddN(t0.Add(2*time.Minute+10*time.Second), 3)
	m.Add(t0.Add(5 * time.Minute))
	if m.Total() != 6 || len(m.Counts) != 6 || !m.Start.Equal(t0.Truncate(time.Minute)) {
		t.Fatalf("histogram %+v", m)
	}
	first, last, peak, n, ok := m.Span()
	if !ok || !first.Equal(t0.Truncate(time.Minute)) || !last.Equal(t0.Add(5*time.Minute).Truncate(time.Minute)) || !peak.Equal(t0.Add(2*time.Minute).Truncate(time.Minute)) || n != 4 {
		t.Errorf("span %s %s peak %s×%d %v", first, last, peak, n, ok)
	}
	var o Minutes
	o.Merge(m)
	o.Add(t0.Add(time.Hour))
	if o.Total() != 7 {
		t.Errorf("merged total %d", o.Total())
	}
}

// Memory stays bounded: a year of events keeps at most a week of minutes.
func TestMinutesBounded(t *testing.T) {
	var m Minutes
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := range 365 {
		m.Add(t0.Add(time.Duration(d) * 24 * time.Hour))
	}
	if len(m.Counts) > MaxMinutes {
		t.Fatalf("%d buckets, bound %d", len(m.Counts), MaxMinutes)
	}
	m.Add(t0) // far older than the kept week: ignored
	if len(m.Counts) > MaxMinutes {
		t.Fatalf("%d buckets after an old event", len(m.Counts))
	}
	if _, last, _, _, _ := m.Span(); !last.Equal(t0.Add(364 * 24 * time.Hour)) {
		t.Errorf("last minute %s", last)
	}
}
