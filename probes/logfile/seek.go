package logfile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"
)

// LineTime returns the time of a line that starts an entry, and false for
// any other line (a continuation of a multi-line entry, garbage). It may be
// given only the first bytes of a very long line.
type LineTime func(line []byte) (time.Time, bool)

// SeekMargin is how far before since SeekSince aims. Log times are in
// order only roughly: each nginx worker stamps lines with its own cached
// clock, so lines of neighbouring seconds interleave, and a worker busy in
// one event-loop turn writes a late line with an early second. Every line
// with a time >= since is kept as long as no earlier line carries a time
// more than SeekMargin later than it; readers filter by since themselves,
// so the few extra seconds are read and dropped. A clock stepped back by
// more than this (NTP, a local-time DST change) can hide the entries
// written before the step.
const SeekMargin = 5 * time.Second

// spans are the byte budgets of a search; tests shrink them to reach
// every path with small inputs.
type spans struct {
	probe  int64 // what one probe reads: past it without a timed line, the probe looks left
	bisect int64 // the binary search stops at this span and scans forward
	final  int64 // the closing scan's budget: past it, the last entry older than the target will do
	last   int64 // how far from the end LastTime looks
}

// defaultSpans are the budgets of SeekSince and LastTime.
func defaultSpans() spans {
	return spans{probe: 64 << 10, bisect: 64 << 10, final: 256 << 10, last: 1 << 20}
}

// SeekSince returns the offset in the size bytes of r where a reader
// looking for entries at or after since starts: the start of the first
// line whose time is >= since − SeekMargin, found by binary search on line
// times. The offset is always 0, size, or the start of a line lineTime
// reads a time from, so a multi-line entry is never split. It is size
// when every timed line is older, and 0 when it finds no line with a time
// (read it all). A zero since returns 0. It reads about 64 KiB per halving
// and at most a few hundred KiB at the end, whatever the size: bounded
// work on a regular file, so it takes no context.
func SeekSince(r io.ReaderAt, size int64, since time.Time, lineTime LineTime) (int64, error) {
	return newSeeker(r, size, lineTime, defaultSpans()).seekSince(since)
}

// seeker holds the file and the probe buffer of one search.
type seeker struct {
	r        io.ReaderAt
	size     int64
	lineTime LineTime
	sp       spans
	buf      []byte
}

// newSeeker returns a seeker of the size bytes of r with budgets sp.
func newSeeker(r io.ReaderAt, size int64, lineTime LineTime, sp spans) *seeker {
	return &seeker{r: r, size: size, lineTime: lineTime, sp: sp, buf: make([]byte, sp.probe)}
}

// seekSince is SeekSince.
func (s *seeker) seekSince(since time.Time) (int64, error) {
	if s.size <= 0 || since.IsZero() {
		return 0, nil
	}
	target := since.Add(-SeekMargin)
	// lo is 0 or the start of a timed line older than target; the answer
	// is at or after lo and, when order holds, before the first timed
	// line at or after hi.
	lo, hi := int64(0), s.size
	for hi-lo > s.sp.bisect { // halves hi-lo each turn
		mid := lo + (hi-lo)/2
		at, t, ok, err := s.firstTimed(mid, hi)
		if err != nil {
			return 0, err
		}
		if ok && t.Before(target) {
			lo = at
		} else {
			hi = mid // a time >= target, or none to judge by: looking left only reads more
		}
	}
	return s.scanFrom(lo, target)
}

// readAt reads up to len(s.buf) bytes at off, fewer at the end of the file.
func (s *seeker) readAt(off int64) ([]byte, error) {
	n, err := s.r.ReadAt(s.buf[:min(int64(len(s.buf)), s.size-off)], off)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("seek in log: %w", err)
	}
	return s.buf[:n], nil
}

// firstTimed finds the first line starting in [from, limit) that has a
// time, within a probe's bytes: its offset and time, or false.
func (s *seeker) firstTimed(from, limit int64) (int64, time.Time, bool, error) {
	pos := max(from-1, 0) // a line starts at from when the byte before it is '\n'
	data, err := s.readAt(pos)
	if err != nil {
		return 0, time.Time{}, false, err
	}
	i := 0
	if from > 0 {
		nl := bytes.IndexByte(data, '\n')
		if nl < 0 {
			return 0, time.Time{}, false, nil // inside a line longer than a probe
		}
		i = nl + 1
	}
	for i < len(data) && pos+int64(i) < limit {
		line := data[i:]
		end := bytes.IndexByte(line, '\n')
		if end >= 0 {
			line = line[:end]
		}
		if t, ok := s.timeOf(line); ok {
			return pos + int64(i), t, true, nil
		}
		if end < 0 {
			break
		}
		i += end + 1
	}
	return 0, time.Time{}, false, nil
}

// scanFrom reads lines forward from lo, a line start, and returns the
// start of the first timed line at or after target. At the end of the
// file that is size (or 0 when no line had a time at all); past the final
// budget it is the last timed line seen before target, or lo.
func (s *seeker) scanFrom(lo int64, target time.Time) (int64, error) {
	br := bufio.NewReaderSize(io.NewSectionReader(s.r, lo, s.size-lo), int(s.sp.probe))
	best, timed := lo, lo > 0 // lo > 0 is a timed line
	off := lo
	for off-lo < s.sp.final {
		line, err := br.ReadSlice('\n')
		start := off
		off += int64(len(line))
		if t, ok := s.timeOf(line); ok {
			if !t.Before(target) {
				return start, nil
			}
			best, timed = start, true
		}
		for errors.Is(err, bufio.ErrBufferFull) && off-lo < s.sp.final { // the rest of a long line
			line, err = br.ReadSlice('\n')
			off += int64(len(line))
		}
		switch {
		case errors.Is(err, io.EOF):
			if timed {
				return s.size, nil
			}
			return 0, nil // no time anywhere: read it all
		case errors.Is(err, bufio.ErrBufferFull):
			// the budget ran out inside a long line
		case err != nil:
			return 0, fmt.Errorf("seek in log: %w", err)
		}
	}
	return best, nil
}

// timeOf is lineTime of a line as read, without its '\n'; an empty line has no time.
func (s *seeker) timeOf(line []byte) (time.Time, bool) {
	line = bytes.TrimSuffix(line, []byte{'\n'})
	if len(line) == 0 {
		return time.Time{}, false
	}
	return s.lineTime(line)
}
