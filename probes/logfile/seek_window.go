package logfile

import (
	"bytes"
	"io"
	"time"
)

// LastTime returns the time of the last line of the size bytes of r that
// lineTime reads a time from, looking back at most 1 MiB from the end;
// false when there is none that close to the end.
func LastTime(r io.ReaderAt, size int64, lineTime LineTime) (time.Time, bool, error) {
	return newSeeker(r, size, lineTime, defaultSpans()).lastTime()
}

// lastTime is LastTime.
func (s *seeker) lastTime() (time.Time, bool, error) {
	size := s.size
	// each window is [start, end): end is size or a line start, its last
	// line the one before end; the first, cut at start, is read again as
	// the next window's last
	for end := size; end > 0 && size-end < s.sp.last; {
		start := max(end-s.sp.probe, 0)
		data, err := s.readAt(start)
		if err != nil {
			return time.Time{}, false, err
		}
		data = data[:min(int64(len(data)), end-start)]
		for cut := len(data); cut > 0; {
			nl := bytes.LastIndexByte(data[:cut-1], '\n') // cut-1: the line's own '\n'
			if nl < 0 && start > 0 {
				break // the line may begin before this window
			}
			if t, ok := s.timeOf(data[nl+1 : cut]); ok {
				return t, true, nil
			}
			cut = nl + 1
		}
		first := bytes.IndexByte(data, '\n')
		switch {
		case start == 0:
			return time.Time{}, false, nil
		case first < 0 || start+int64(first)+1 == end:
			end = start // a line longer than a window: its start is further back
		default:
			end = start + int64(first) + 1
		}
	}
	return time.Time{}, false, nil
}

// Window returns the part of the file to read for entries at or after
// since, as a section of the bytes present at open: empty when the file's
// last timed line is older than since − SeekMargin (a rotated file wholly
// before the window), else from SeekSince's offset to the end. A zero
// since or a nil lineTime (a format without a time) gives the whole file.
// A .gz is streamed and cannot seek: Window returns nil, read r itself
// (Find already left out a .gz whose mtime is before since).
func (r *Reader) Window(since time.Time, lineTime LineTime) (*io.SectionReader, error) {
	whole := r.Section()
	if whole == nil || since.IsZero() || lineTime == nil {
		return whole, nil
	}
	last, ok, err := LastTime(whole, r.size, lineTime)
	if err != nil {
		return nil, err
	}
	if ok && last.Before(since.Add(-SeekMargin)) {
		return io.NewSectionReader(r.f, r.size, 0), nil
	}
	off, err := SeekSince(whole, r.size, since, lineTime)
	if err != nil {
		return nil, err
	}
	return io.NewSectionReader(r.f, off, r.size-off), nil
}
