package accesslog

import "time"

// maxRecentBuckets bounds a recentCounter: windows longer than this many
// seconds are counted in coarser buckets.
const maxRecentBuckets = 256

// recentCounter counts lines per second (or per bucket of seconds) over
// the last window before the newest line it saw. The newest line of the
// whole log is known only at the end, but it is never older than the
// counter's own newest, so older buckets can be dropped as lines arrive.
type recentCounter struct {
	width   int64 // seconds per bucket
	span    int64 // buckets kept behind the newest
	buckets []bucket
}

// bucket is the count of one bucket index (Unix seconds / width).
type bucket struct{ b, n int64 }

// newRecentCounter returns a counter for windows of length recent.
func newRecentCounter(recent time.Duration) recentCounter {
	secs := max(int64((recent+time.Second-1)/time.Second), 1)
	width := max((secs+maxRecentBuckets-1)/maxRecentBuckets, 1)
	return recentCounter{width: width, span: (secs+width-1)/width + 1}
}

// add counts one line at Unix second sec.
func (c *recentCounter) add(sec int64) {
	b := sec / c.width
	n := len(c.buckets)
	switch {
	case n > 0 && c.buckets[n-1].b == b:
		c.buckets[n-1].n++
	case n == 0 || c.buckets[n-1].b < b:
		c.buckets = append(c.buckets, bucket{b, 1})
		c.prune(b)
	default:
		c.insert(b) // an earlier second after a later one: workers finish out of order
	}
}

// insert counts a line older than the newest bucket.
func (c *recentCounter) insert(b int64) {
	if b < c.buckets[len(c.buckets)-1].b-c.span {
		return // older than any window ending at or after the newest line
	}
	i := len(c.buckets) - 1
	for i >= 0 && c.buckets[i].b > b {
		i--
	}
	if i >= 0 && c.buckets[i].b == b {
		c.buckets[i].n++
		return
	}
	c.buckets = append(c.buckets, bucket{})
	copy(c.buckets[i+2:], c.buckets[i+1:])
	c.buckets[i+1] = bucket{b, 1}
}

// prune drops buckets too old for any window ending at or after b.
func (c *recentCounter) prune(b int64) {
	k := 0
	for k < len(c.buckets) && c.buckets[k].b < b-c.span {
		k++
	}
	if k > 0 {
		c.buckets = append(c.buckets[:0], c.buckets[k:]...)
	}
}

// count returns the lines at or after Unix second from (to the bucket).
func (c *recentCounter) count(from int64) int {
	cut := from / c.width
	n := int64(0)
	for _, bk := range c.buckets {
		if bk.b >= cut {
			n += bk.n
		}
	}
	return int(n)
}

// merge adds the counts of o (same width) into c.
func (c *recentCounter) merge(o *recentCounter) {
	if len(o.buckets) == 0 {
		return
	}
	out := make([]bucket, 0, len(c.buckets)+len(o.buckets))
	a, b := c.buckets, o.buckets
	for len(a) > 0 || len(b) > 0 {
		switch {
		case len(b) == 0 || len(a) > 0 && a[0].b < b[0].b:
			out, a = append(out, a[0]), a[1:]
		case len(a) == 0 || b[0].b < a[0].b:
			out, b = append(out, b[0]), b[1:]
		default:
			out = append(out, bucket{a[0].b, a[0].n + b[0].n})
			a, b = a[1:], b[1:]
		}
	}
	c.buckets = out
	c.prune(out[len(out)-1].b)
}
