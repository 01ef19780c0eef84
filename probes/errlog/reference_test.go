package errlog

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"ngx502/probes/logfile"
)

// This file keeps the sequential path as it was before the parallel,
// pre-filtered one (issue 8): the oracle of the differential tests.

// refScan is Scan before issue 8: every entry parsed into a new string.
func refScan(ctx context.Context, r io.Reader, loc *time.Location, since time.Time, fn func(Entry)) error {
	br := bufio.NewReaderSize(r, readBuf)
	p := parser{loc: loc}
	var (
		cur      []byte // the pending entry
		lastLine int    // offset of its last physical line in cur
		pending  bool   // cur holds an entry to deliver
		long     []byte // a line longer than the reader's buffer
	)
	flush := func() {
		if pending {
			fn(p.parse(string(cur)))
			pending = false
		}
	}
	for n := 0; ; n++ {
		if n&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) || long != nil {
			long = append(long, line[:min(len(line), max(0, 2*maxEntry-len(long)))]...)
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			line, long = long, nil
		}
		line = bytes.TrimSuffix(line, []byte{'\n'})
		if len(line) > 0 {
			if h, ok := readHeader(&p, line); ok {
				flush()
				if !h.time.Before(since) {
					cur, lastLine, pending = append(cur[:0], line...), 0, true
				}
			} else if pending && len(cur)+1+len(line) <= maxEntry && !bytes.Contains(cur[lastLine:], []byte(", client: ")) {
				lastLine = len(cur) + 1
				cur = append(append(cur, '\n'), line...)
			}
		}
		if err != nil {
			flush()
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("read error log: %w", err)
		}
	}
}

// refSummarize is summarize before issue 8: refScan, then Classify and
// groupTable.add for every entry, in file order.
func refSummarize(ctx context.Context, paths []string, since time.Time, loc *time.Location, maxGroups int) (s Summary) {
	s.Since = since
	acc := newGroupTable(maxGroups)
	defer func() { s.Groups, s.Overflow = acc.groups(), acc.over.overflows() }()
	for _, lg := range logfile.Find(paths, since) {
		if lg.Err != nil {
			s.Files = append(s.Files, FileStat{Path: lg.Path, Err: lg.Err})
			continue
		}
		for _, f := range lg.Files {
			if f.Stale {
				s.Files = append(s.Files, FileStat{Path: f.Path, Size: f.Info.Size()})
				continue
			}
			s.Files = append(s.Files, refReadFile(ctx, f, since, loc, &s, acc))
			if ctx.Err() != nil {
				return s
			}
		}
	}
	return s
}

// refReadFile is readFile before issue 8.
func refReadFile(ctx context.Context, f logfile.File, since time.Time, loc *time.Location, s *Summary, acc *groupTable) FileStat {
	st := FileStat{Path: f.Path, Size: f.Info.Size()}
	rc, err := logfile.Open(f)
	if err != nil {
		st.Err = err
		return st
	}
	defer rc.Close()
	st.Size = rc.Size()
	err = refScan(ctx, rc, loc, since, func(e Entry) {
		if strings.Contains(e.Request, logfile.ProbeMarker) {
			s.Own++
			return
		}
		st.Entries++
		s.Entries++
		k := Classify(e)
		if k == KindNone {
			return
		}
		s.Upstream++
		acc.add(e, k)
	})
	if err != nil {
		st.Err = fmt.Errorf("%s: %w", f.Path, err)
		return st
	}
	st.Read = true
	return st
}
