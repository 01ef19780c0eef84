package errlog

import (
	"context"
	"fmt"
	"io"
	"time"

	"ngx502/probes/logfile"
)

// ErrNotFile marks a log destination that is not a readable regular file:
// nginx's stderr, syslog, its in-memory buffer, or a device like /dev/stderr.
// It is logfile.ErrNotFile, so errors.Is works with either name.
var ErrNotFile = logfile.ErrNotFile

// Summary is what Summarize found in a set of log files.
type Summary struct {
	Files    []FileStat
	Entries  int        // entries with Time >= Since, not counting Own
	Own      int        // entries from ngx502's own requests (request carries logfile.ProbeMarker), not counted
	Upstream int        // entries with a non-empty Kind: the Counts of Groups plus the Entries of Overflow
	Groups   []Group    // the heaviest MaxGroups peer × kind groups, sorted by Count desc, then Last desc
	Overflow []Overflow // per Kind, the groups evicted to keep Groups bounded; most entries first
	Since    time.Time
	// Minutes counts the upstream entries per minute: when it began.
	Minutes logfile.Minutes
}

// Source is an error log that is not a file: the journal of nginx's unit,
// a syslog daemon's file with the other programs' lines taken out. Open
// gives nginx's own lines; the caller bounds what it hands over.
type Source struct {
	Name string
	Open func(ctx context.Context) (io.ReadCloser, error)
}

// FileStat says what happened to one file. Read false with a nil Err means
// the file was skipped because its mtime is older than Since.
type FileStat struct {
	Path    string // the file (a rotated sibling has its own FileStat)
	Size    int64  // bytes on disk when opened (compressed for .gz): all that is read
	Read    bool   // read to the end (its size at open) without error
	Err     error  // e.g. wrapped fs.ErrPermission, or ErrNotFile
	Entries int    // entries with Time >= Since in this file
}

// Summarize reads the named log files and their rotated siblings (path.1, path.N.gz, path-DATE.gz; newest first,
// stopping at files older than since by mtime), and groups upstream entries.
// Unreadable files are reported in FileStat.Err (errors.Is(err,
// fs.ErrPermission) tells a caller to suggest sudo) and do not stop the
// others. Cancelling ctx stops reading; the interrupted file carries ctx's error.
// Memory is bounded whatever the input: at most MaxGroups groups, the rest
// summed in Overflow; Upstream is the sum of both. Entries of ngx502's own
// requests are dropped before anything else and counted in Own.
func Summarize(ctx context.Context, paths []string, since time.Time, loc *time.Location) Summary {
	return summarize(ctx, paths, nil, since, loc, MaxGroups)
}

// SummarizeWith is Summarize over the files and, after them, the sources
// (each a FileStat named by Source.Name).
func SummarizeWith(ctx context.Context, paths []string, sources []Source, since time.Time, loc *time.Location) Summary {
	return summarize(ctx, paths, sources, since, loc, MaxGroups)
}

// summarize is SummarizeWith with a table of maxGroups groups.
func summarize(ctx context.Context, paths []string, sources []Source, since time.Time, loc *time.Location, maxGroups int) (s Summary) {
	s.Since = since
	acc := newGroupTable(maxGroups)
	defer func() { s.Groups, s.Overflow, s.Minutes = acc.groups(), acc.over.overflows(), acc.minutes.done() }() // also on cancel
	readPaths(ctx, paths, since, loc, &s, acc)
	for _, src := range sources {
		if ctx.Err() != nil {
			return s
		}
		s.Files = append(s.Files, readSource(ctx, src, since, loc, &s, acc))
	}
	return s
}

// readPaths reads the named files and their rotated siblings into s and acc.
func readPaths(ctx context.Context, paths []string, since time.Time, loc *time.Location, s *Summary, acc *groupTable) {
	for _, lg := range logfile.Find(paths, since) {
		if lg.Err != nil {
			s.Files = append(s.Files, FileStat{Path: lg.Path, Err: lg.Err})
			continue
		}
		for _, f := range lg.Files { // oldest first, so a group's last entry is its most recent
			if f.Stale {
				s.Files = append(s.Files, FileStat{Path: f.Path, Size: f.Info.Size()})
				continue
			}
			s.Files = append(s.Files, readFile(ctx, f, since, loc, s, acc))
			if ctx.Err() != nil {
				return
			}
		}
	}
}

// readSource reads one stream into s and acc.
func readSource(ctx context.Context, src Source, since time.Time, loc *time.Location, s *Summary, acc *groupTable) FileStat {
	st := FileStat{Path: src.Name}
	rc, err := src.Open(ctx)
	if err != nil {
		st.Err = fmt.Errorf("%s: %w", src.Name, err)
		return st
	}
	defer rc.Close()
	t, err := tallyStream(ctx, rc, loc, since, acc)
	st.Entries = t.entries
	s.Entries += t.entries
	s.Own += t.own
	s.Upstream += t.upstream
	if err != nil {
		st.Err = fmt.Errorf("%s: %w", src.Name, err)
		return st
	}
	st.Read = true
	return st
}

// readFile scans one file into s and acc, up to its size at open. A plain
// file is read from the start of since's window, found by binary search
// on entry times (a rotated file wholly before it is not read at all); a
// .gz is streamed from its start. Scan's own since filter drops the few
// entries of logfile.SeekMargin before since, so the counts are those of
// a read from the start.
func readFile(ctx context.Context, f logfile.File, since time.Time, loc *time.Location, s *Summary, acc *groupTable) FileStat {
	st := FileStat{Path: f.Path, Size: f.Info.Size()}
	rc, err := logfile.Open(f)
	if err != nil {
		st.Err = err
		return st
	}
	defer rc.Close()
	st.Size = rc.Size()
	entryTime := func(line []byte) (time.Time, bool) {
		e, ok := ParseLine(line, loc) // the header Scan starts an entry at, so the window never cuts one
		return e.Time, ok
	}
	window, err := rc.Window(since, entryTime)
	if err != nil {
		st.Err = fmt.Errorf("%s: %w", f.Path, err)
		return st
	}
	t, err := tallyRead(ctx, window, rc, loc, since, acc)
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
