package errlog

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Summary is what Summarize found in a set of log files.
type Summary struct {
	Files    []FileStat
	Entries  int        // entries with Time >= Since
	Upstream int        // entries with a non-empty Kind: the Counts of Groups plus the Entries of Overflow
	Groups   []Group    // the heaviest MaxGroups peer × kind groups, sorted by Count desc, then Last desc
	Overflow []Overflow // per Kind, the groups evicted to keep Groups bounded; most entries first
	Since    time.Time
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
// summed in Overflow; Upstream is the sum of both.
func Summarize(ctx context.Context, paths []string, since time.Time, loc *time.Location) Summary {
	return summarize(ctx, paths, since, loc, MaxGroups)
}

// summarize is Summarize with a table of maxGroups groups.
func summarize(ctx context.Context, paths []string, since time.Time, loc *time.Location, maxGroups int) Summary {
	s := Summary{Since: since}
	acc := newGroupTable(maxGroups)
	var seen []os.FileInfo
	for _, path := range paths {
		if err := special(path); err != nil {
			s.Files = append(s.Files, FileStat{Path: path, Err: err})
			continue
		}
		info, err := os.Stat(path)
		switch {
		case err != nil:
			s.Files = append(s.Files, FileStat{Path: path, Err: fmt.Errorf("cannot read error log: %w", err)})
			continue
		case !info.Mode().IsRegular():
			s.Files = append(s.Files, FileStat{Path: path,
				Err: fmt.Errorf("%s: %w (%s): nginx does not write this log to a file", path, ErrNotFile, info.Mode().Type())})
			continue
		}
		files := append([]logFile{{path: filepath.Clean(path), info: info}}, rotated(filepath.Clean(path))...)
		var todo []logFile
		for i, f := range files {
			if dup(seen, f.info) {
				continue
			}
			seen = append(seen, f.info)
			if olderThan(f.info, since) {
				if i == 0 {
					s.Files = append(s.Files, FileStat{Path: f.path, Size: f.info.Size()})
				}
				break // rotated files are older still
			}
			todo = append(todo, f)
		}
		// oldest first, so the last entry seen for a group is its most recent
		for i := len(todo) - 1; i >= 0; i-- {
			st := readFile(ctx, todo[i], since, loc, &s, acc)
			s.Files = append(s.Files, st)
			if ctx.Err() != nil {
				s.Groups, s.Overflow = acc.groups(), acc.over.overflows()
				return s
			}
		}
	}
	s.Groups, s.Overflow = acc.groups(), acc.over.overflows()
	return s
}

// dup reports whether info is a file already scheduled (same inode), so two
// error_log directives naming one file are not counted twice.
func dup(seen []os.FileInfo, info os.FileInfo) bool {
	for _, o := range seen {
		if os.SameFile(o, info) {
			return true
		}
	}
	return false
}

// readFile scans one file into s and acc, up to its size at open.
func readFile(ctx context.Context, f logFile, since time.Time, loc *time.Location, s *Summary, acc *groupTable) FileStat {
	st := FileStat{Path: f.path, Size: f.info.Size()}
	rc, size, err := open(f.path)
	if err != nil {
		st.Err = err
		return st
	}
	defer rc.Close()
	st.Size = size
	err = Scan(ctx, rc, loc, since, func(e Entry) {
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
		st.Err = fmt.Errorf("%s: %w", f.path, err)
		return st
	}
	st.Read = true
	return st
}
