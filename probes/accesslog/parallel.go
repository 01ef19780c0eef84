package accesslog

import (
	"bytes"
	"context"
	"errors"
	"io"
	"runtime"
	"sync"
)

// chunkMin is the least bytes a worker gets: below it a second goroutine
// costs more than it saves.
const chunkMin = 32 << 20

// workersFor returns how many goroutines scan a plain file of size bytes.
func workersFor(size int64) int {
	return int(min(int64(runtime.GOMAXPROCS(0)), size/chunkMin))
}

// scanChunks scans the size bytes of sec in up to workers chunks cut at
// line starts, each into its own tally, and merges them into t in file
// order. Counts are the same as a sequential scan's.
func (t *tally) scanChunks(ctx context.Context, sec io.ReaderAt, size int64, workers int) error {
	if workers < 2 {
		return t.scanFile(ctx, io.NewSectionReader(sec, 0, size))
	}
	cuts := []int64{0}
	for k := 1; k < workers; k++ {
		c, err := lineStart(sec, int64(k)*size/int64(workers), size)
		if err != nil {
			return err
		}
		if c > cuts[len(cuts)-1] && c < size {
			cuts = append(cuts, c)
		}
	}
	cuts = append(cuts, size)
	parts := make([]*tally, len(cuts)-1)
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i := range parts {
		parts[i] = t.sibling()
		wg.Go(func() {
			errs[i] = parts[i].scanFile(ctx, io.NewSectionReader(sec, cuts[i], cuts[i+1]-cuts[i]))
		})
	}
	wg.Wait()
	for _, p := range parts {
		t.merge(p)
	}
	for _, err := range errs {
		if err != nil {
			return err // the first chunk's: on cancel they all say the same
		}
	}
	return nil
}

// lineStart returns the offset of the first line starting at or after off
// (size when none does).
func lineStart(sec io.ReaderAt, off, size int64) (int64, error) {
	if off <= 0 {
		return 0, nil
	}
	buf := make([]byte, 64<<10)
	for pos := off - 1; pos < size; pos += int64(len(buf)) {
		n, err := sec.ReadAt(buf[:min(int64(len(buf)), size-pos)], pos)
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			return pos + int64(i) + 1, nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, err
		}
	}
	return size, nil
}

// sibling returns an empty tally with t's settings, for one chunk.
func (t *tally) sibling() *tally {
	return newTally(t.f, t.since, t.recent, t.groups.t.limit, t.ups.t.limit, t.seed)
}

// merge adds the counts of p, a tally of lines after t's, into t.
func (t *tally) merge(p *tally) {
	t.requests += p.requests
	t.own += p.own
	t.bad += p.bad
	if t.badLine == nil {
		t.badLine = p.badLine
	}
	for i := range t.classes {
		t.classes[i] += p.classes[i]
	}
	t.grouped += p.grouped
	if p.newest.After(t.newest) {
		t.newest = p.newest
	}
	t.reqs.merge(&p.reqs)
	t.fails.merge(&p.fails)
	t.minutes.Merge(p.minutes)
	t.groups.merge(p.groups)
	t.ups.merge(p.ups)
}
