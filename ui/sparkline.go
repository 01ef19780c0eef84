package ui

import (
	"fmt"
	"strings"
	"time"

	"ngx502/steps"
)

// sparkBlocks are the eight heights of a sparkline; a minute with nothing
// is a space, so any failure at all shows.
const sparkBlocks = "▁▂▃▄▅▆▇█"

// sparkline draws counts in width cells: each cell sums its share of the
// minutes and is scaled to the busiest cell.
func sparkline(counts []int, width int) string {
	if len(counts) == 0 || width <= 0 {
		return ""
	}
	cells := min(width, len(counts))
	sums := make([]int, cells)
	for i, n := range counts {
		sums[i*cells/len(counts)] += n
	}
	peak := 0
	for _, n := range sums {
		peak = max(peak, n)
	}
	blocks := []rune(sparkBlocks)
	var b strings.Builder
	for _, n := range sums {
		switch {
		case n == 0 || peak == 0:
			b.WriteByte(' ')
		default:
			b.WriteRune(blocks[min(len(blocks)-1, (n*len(blocks)-1)/peak)])
		}
	}
	return b.String()
}

// timelineLines say when nginx's failures happened: a sparkline per
// series with its first, last and peak minute. Nothing when none.
func timelineLines(tl steps.Timeline, width int) []string {
	var out []string
	for _, s := range []struct {
		name   string
		counts []int
		span   func() (time.Time, time.Time, time.Time, int, bool)
	}{
		{"upstream errors", tl.Upstream.Counts, tl.Upstream.Span},
		{"5xx answers", tl.Status5xx.Counts, tl.Status5xx.Span},
	} {
		first, last, peak, n, ok := s.span()
		if !ok {
			continue
		}
		lo := time.Local
		out = append(out, fmt.Sprintf("%s per minute, %s → %s, peak %s (%d):", s.name,
			first.In(lo).Format("01-02 15:04"), last.In(lo).Format("15:04"), peak.In(lo).Format("15:04"), n))
		out = append(out, "│"+sparkline(s.counts, max(10, width-2))+"│")
	}
	return out
}
