package errlog

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Group aggregates entries by Peer × Kind.
type Group struct {
	Peer        string    // Peer() of the entries: address, unix:path, group or host name
	Kind        Kind      // Classify() of the entries
	Status      int       // Status of the most recent entry that has one
	Count       int       // entries in the group
	First, Last time.Time // oldest and newest entry
	Servers     []string  // distinct server names, sorted
	Sample      Entry     // most recent
}

// Summary is what Summarize found in a set of log files.
type Summary struct {
	Files    []FileStat
	Entries  int     // entries with Time >= Since
	Upstream int     // entries with a non-empty Kind
	Groups   []Group // sorted by Count desc, then Last desc
	Since    time.Time
}

// FileStat says what happened to one file. Read false with a nil Err means
// the file was skipped because its mtime is older than Since.
type FileStat struct {
	Path    string // the file (a rotated sibling has its own FileStat)
	Size    int64  // bytes on disk (compressed for .gz)
	Read    bool   // read to the end without error
	Err     error  // e.g. wrapped fs.ErrPermission, or ErrNotFile
	Entries int    // entries with Time >= Since in this file
}

// Summarize reads the named log files and their rotated siblings (path.1, path.N.gz, path-DATE.gz; newest first,
// stopping at files older than since by mtime), and groups upstream entries.
// Unreadable files are reported in FileStat.Err (errors.Is(err,
// fs.ErrPermission) tells a caller to suggest sudo) and do not stop the
// others. Cancelling ctx stops reading; the interrupted file carries ctx's error.
func Summarize(ctx context.Context, paths []string, since time.Time, loc *time.Location) Summary {
	s := Summary{Since: since}
	acc := map[groupKey]*groupAcc{}
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
				s.Groups = sortGroups(acc)
				return s
			}
		}
	}
	s.Groups = sortGroups(acc)
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

// readFile scans one file into s and acc.
func readFile(ctx context.Context, f logFile, since time.Time, loc *time.Location, s *Summary, acc map[groupKey]*groupAcc) FileStat {
	st := FileStat{Path: f.path, Size: f.info.Size()}
	rc, err := open(f.path)
	if err != nil {
		st.Err = err
		return st
	}
	defer rc.Close()
	err = Scan(ctx, rc, loc, since, func(e Entry) {
		st.Entries++
		s.Entries++
		k := Classify(e)
		if k == KindNone {
			return
		}
		s.Upstream++
		key := groupKey{Peer(e), k}
		g := acc[key]
		if g == nil {
			g = &groupAcc{Group: Group{Peer: key.peer, Kind: k, First: e.Time}, servers: map[string]bool{}}
			acc[key] = g
		}
		g.add(e)
	})
	if err != nil {
		st.Err = fmt.Errorf("%s: %w", f.path, err)
		return st
	}
	st.Read = true
	return st
}

// groupKey identifies a group.
type groupKey struct {
	peer string
	kind Kind
}

// groupAcc is a Group being built.
type groupAcc struct {
	Group
	servers map[string]bool
}

// add counts e into the group; entries arrive oldest file first.
func (g *groupAcc) add(e Entry) {
	g.Count++
	if e.Time.Before(g.First) {
		g.First = e.Time
	}
	if !e.Time.Before(g.Last) {
		g.Last, g.Sample = e.Time, e
		if st := Status(e); st != 0 {
			g.Status = st
		}
	}
	if e.Server != "" {
		g.servers[e.Server] = true
	}
}

// sortGroups freezes the accumulators: Count desc, then Last desc, then
// peer and kind so equal groups keep a stable order.
func sortGroups(acc map[groupKey]*groupAcc) []Group {
	out := make([]Group, 0, len(acc))
	for _, g := range acc {
		grp := g.Group
		for name := range g.servers {
			grp.Servers = append(grp.Servers, name)
		}
		sort.Strings(grp.Servers)
		out = append(out, grp)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case a.Count != b.Count:
			return a.Count > b.Count
		case !a.Last.Equal(b.Last):
			return a.Last.After(b.Last)
		case a.Peer != b.Peer:
			return a.Peer < b.Peer
		}
		return a.Kind < b.Kind
	})
	return out
}
