package ui

import (
	"strings"
	"testing"
	"time"

	"ngx502/steps"
)

func TestSparkline(t *testing.T) {
	if got := sparkline([]int{0, 1, 0, 8, 4}, 5); got != " ▁ █▄" {
		t.Errorf("sparkline = %q", got)
	}
	// More minutes than cells: summed into the cells.
	counts := make([]int, 600)
	counts[10], counts[599] = 5, 50
	got := sparkline(counts, 60)
	if len([]rune(got)) != 60 || !strings.HasSuffix(got, "█") || []rune(got)[1] != '▁' {
		t.Errorf("sparkline over 600 minutes = %q", got)
	}
	if sparkline(nil, 10) != "" {
		t.Error("an empty series drew something")
	}
}

func TestTimelineLines(t *testing.T) {
	var tl steps.Timeline
	t0 := time.Date(2026, 12, 2, 5, 0, 0, 0, time.Local)
	tl.Upstream.AddN(t0, 2)
	tl.Upstream.AddN(t0.Add(31*time.Minute), 37)
	tl.Upstream.Add(t0.Add(72 * time.Minute))
	lines := timelineLines(tl, 40)
	if len(lines) != 2 || !strings.Contains(lines[0], "upstream errors per minute, 12-02 05:00 → 06:12, peak 05:31 (37)") {
		t.Errorf("timeline %q", lines)
	}
}
