package errlog

import (
	"context"
	"fmt"
	"time"

	"ngx502/probes/logfile"
)

// tallySummarize is summarize with tallyRead in place of Scan and the
// per-entry callback: the change issue 8 asks of summary.go's readFile.
func tallySummarize(ctx context.Context, paths []string, since time.Time, loc *time.Location, maxGroups int, pl plan) (s Summary) {
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
			s.Files = append(s.Files, tallyReadFile(ctx, f, since, loc, &s, acc, pl))
			if ctx.Err() != nil {
				return s
			}
		}
	}
	return s
}

// tallyReadFile is readFile (with its window seek) with tallyRead.
func tallyReadFile(ctx context.Context, f logfile.File, since time.Time, loc *time.Location, s *Summary, acc *groupTable, pl plan) FileStat {
	st := FileStat{Path: f.Path, Size: f.Info.Size()}
	rc, err := logfile.Open(f)
	if err != nil {
		st.Err = err
		return st
	}
	defer rc.Close()
	st.Size = rc.Size()
	entryTime := func(line []byte) (time.Time, bool) {
		e, ok := ParseLine(line, loc)
		return e.Time, ok
	}
	window, err := rc.Window(since, entryTime)
	if err != nil {
		st.Err = fmt.Errorf("%s: %w", f.Path, err)
		return st
	}
	t, err := tallyReadPlanned(ctx, window, rc, loc, since, acc, pl)
	st.Entries = t.entries
	s.Entries += t.entries
	s.Own += t.own
	s.Upstream += t.upstream
	if err != nil {
		st.Err = fmt.Errorf("%s: %w", f.Path, err)
		return st
	}
	st.Read = true
	return st
}
