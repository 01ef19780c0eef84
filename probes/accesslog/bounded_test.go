package accesslog

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSummarizeBounded: a flood of one-off upstream addresses (what
// proxy_pass http://$host gives a client sending random Host headers)
// cannot push out the one real failing backend; tables stay within their
// bounds and every response is accounted for in them or their overflow.
func TestSummarizeBounded(t *testing.T) {
	const (
		junk     = 3000
		realAddr = "10.0.0.5:8080"
		realHits = 200
		limit    = 50
	)
	var lines []string
	for i := range junk {
		if i%(junk/realHits) == 0 {
			lines = append(lines, line(i/10, "GET /api HTTP/1.1", 502, "502", realAddr, "-", "curl"))
		}
		addr := fmt.Sprintf("10.%d.%d.%d:80", i>>16, i>>8&255, i&255)
		lines = append(lines, line(i/10, "GET /x HTTP/1.1", 502, "502", addr, "-", "curl"))
	}
	lines = append(lines, line(400, "GET /ok HTTP/1.1", 200, "200", realAddr, "0.001", "curl"))
	path := filepath.Join(t.TempDir(), "access.log")
	writeLog(t, path, time.Now(), lines...)
	f := mustFormat(t, sfmt)
	s := summarize(context.Background(), []string{path}, &f, time.Time{}, time.Minute, limit, limit)

	eq(t, s.Requests, junk+realHits+1)
	eq(t, len(s.Groups), limit)
	eq(t, s.Groups[0].Addr, realAddr)
	eq(t, s.Groups[0].Count, realHits)
	eq(t, s.Groups[0].Restarted, false)
	total := s.Overflow.Count
	for _, g := range s.Groups {
		total += g.Count
		if g.Addr != realAddr && (g.Count != 1 || g.Restarted) {
			t.Fatalf("junk group %+v", g)
		}
	}
	eq(t, total, s.Grouped)
	eq(t, s.Grouped, junk+realHits)
	eq(t, s.Overflow.Evictions, junk-(limit-1))
	eq(t, len(s.Overflow.Examples), maxExamples)
	for _, ex := range s.Overflow.Examples {
		if ex == realAddr || !strings.HasPrefix(ex, "10.") {
			t.Errorf("overflow example %q", ex)
		}
	}

	eq(t, len(s.Upstreams), limit)
	eq(t, s.Upstreams[0], Upstream{Addr: realAddr, Requests: realHits + 1, Failed: realHits, LastFailed: s.Groups[0].Last})
	attempts, failed := s.OtherUpstreams.Requests, s.OtherUpstreams.Failed
	for _, u := range s.Upstreams {
		attempts += u.Requests
		failed += u.Failed
	}
	eq(t, attempts, junk+realHits+1)
	eq(t, failed, junk+realHits)
	eq(t, s.OtherUpstreams.Evictions, junk-(limit-1))
}

func TestRecentCounter(t *testing.T) {
	c := newRecentCounter(10 * time.Second)
	for _, sec := range []int64{100, 101, 101, 105, 103, 120, 119, 95} {
		c.add(sec) // 95 is older than any window ending at or after 120: dropped
	}
	eq(t, c.count(110), 2) // 119 and 120
	eq(t, c.count(100), 2) // 100..105 were pruned once 120 arrived: no window after 120 reaches them
	c2 := newRecentCounter(10 * time.Second)
	c2.add(118)
	c2.add(121)
	c.merge(&c2)
	eq(t, c.count(111), 4)

	// windows over 256 s count in buckets of ceil(window/256) seconds
	w := newRecentCounter(time.Hour)
	eq(t, w.width, int64(15))
	for s := int64(0); s < 7200; s++ {
		w.add(s)
	}
	if n := w.count(7200 - 3600); n < 3600 || n > 3600+15 {
		t.Errorf("last hour = %d, want 3600 to the bucket", n)
	}
	if len(w.buckets) > maxRecentBuckets+2 {
		t.Errorf("%d buckets kept, want at most %d", len(w.buckets), maxRecentBuckets+2)
	}
}
