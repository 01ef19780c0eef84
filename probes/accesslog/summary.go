package accesslog

import (
	"context"
	"fmt"
	"hash/maphash"
	"time"

	"ngx502/probes/logfile"
)

// ErrNotFile is logfile.ErrNotFile: an access_log that is syslog:, a
// device like /dev/stdout, or anything but a regular file.
var ErrNotFile = logfile.ErrNotFile

// maxBadSample bounds Summary.BadSample.
const maxBadSample = 512

// Summary is what Summarize found in a set of access logs.
type Summary struct {
	Files []FileStat
	Since time.Time
	// Requests are the lines read with Time >= Since (all of them when the
	// format has no time), not counting Own or Bad.
	Requests int
	Classes  [6]int // Requests by status class: [2] 2xx … [5] 5xx; [0] the rest (nginx's 009 relay of a non-HTTP answer)
	Own      int    // lines of ngx502's own requests (logfile.ProbeMarker in the request, logfile.ProbeUserAgent in the User-Agent), not counted
	Bad      int    // lines that do not match the format, skipped; with a since, those from the start of its window
	// BadSample is the first bad line (at most 512 bytes, raw): every line
	// bad means the format is not the one this log was written with.
	BadSample string
	// Newest is the newest Time counted; RecentFrom is Newest minus the
	// recent window, to the second (to 1/256 of windows over 256 s):
	// RecentRequests, RecentFailed and Group.RecentCount count from it.
	Newest, RecentFrom time.Time
	RecentRequests     int
	RecentFailed       int // of RecentRequests, status 5xx
	// Minutes5xx counts the 5xx answers per minute (formats with a time).
	Minutes5xx     logfile.Minutes
	Grouped        int     // failed responses: the Counts of Groups plus Overflow.Count
	Groups         []Group // at most MaxGroups, Count desc then Last desc
	Overflow       Overflow
	Upstreams      []Upstream // at most MaxUpstreams, most requests and failures first
	OtherUpstreams OtherUpstreams
}

// FileStat says what happened to one file. Read false with a nil Err
// means its mtime is older than Since: it was not opened.
type FileStat struct {
	Path     string // the file (a rotated sibling has its own FileStat)
	Size     int64  // bytes on disk at open (compressed for .gz): all that is read
	Read     bool   // read to its size at open without error
	Err      error  // logfile's: wrapped fs.ErrPermission (suggest sudo), ErrNotFile (syslog:, a device), fs.ErrNotExist
	Requests int    // lines counted from this file
	Bad      int    // lines of this file that do not match the format (with a since, from the start of its window)
}

// Summarize reads the access logs at paths and their rotated siblings
// (logfile.Find: oldest first, skipping files older than since by mtime)
// with format, and counts the lines with Time >= since: totals, failed
// responses grouped by upstream address × status × upstream status ×
// origin, and attempts per upstream address. recent is the window, before
// the newest line, that RecentCount and RecentRequests cover. Unreadable
// files are reported in Files and do not stop the others; cancelling ctx
// stops reading, the interrupted file carrying ctx's error. Memory is
// bounded whatever the input: at most MaxGroups groups and MaxUpstreams
// addresses, the rest summed in Overflow and OtherUpstreams.
func Summarize(ctx context.Context, paths []string, format Format, since time.Time, recent time.Duration) Summary {
	return summarize(ctx, paths, &format, since, recent, MaxGroups, MaxUpstreams)
}

// summarize is Summarize with explicit table bounds.
func summarize(ctx context.Context, paths []string, f *Format, since time.Time, recent time.Duration, maxGroups, maxUpstreams int) Summary {
	acc := newTally(f, since, recent, maxGroups, maxUpstreams, maphash.MakeSeed())
	s := Summary{Since: since}
	for _, lg := range logfile.Find(paths, since) {
		if lg.Err != nil {
			s.Files = append(s.Files, FileStat{Path: lg.Path, Err: lg.Err})
			continue
		}
		for _, file := range lg.Files {
			if file.Stale {
				s.Files = append(s.Files, FileStat{Path: file.Path, Size: file.Info.Size()})
				continue
			}
			s.Files = append(s.Files, readFile(ctx, file, acc))
			if ctx.Err() != nil {
				return acc.summary(s)
			}
		}
	}
	return acc.summary(s)
}

// readFile scans one file into acc, up to its size at open. A plain file
// is read from the start of since's window, found by binary search on the
// format's time (a rotated file wholly before it is not read at all); a
// .gz, or a format without a time, is read from its start. The tally's
// own since filter drops the lines of logfile.SeekMargin before since.
func readFile(ctx context.Context, file logfile.File, acc *tally) FileStat {
	st := FileStat{Path: file.Path, Size: file.Info.Size()}
	r, err := logfile.Open(file)
	if err != nil {
		st.Err = err
		return st
	}
	defer r.Close()
	st.Size = r.Size()
	requests, bad := acc.requests, acc.bad
	window, err := r.Window(acc.since, acc.f.lineTime())
	if err != nil {
		st.Err = fmt.Errorf("%s: %w", file.Path, err)
		return st
	}
	if window != nil {
		err = acc.scanChunks(ctx, window, window.Size(), workersFor(window.Size()))
	} else {
		err = acc.scanFile(ctx, r)
	}
	st.Requests, st.Bad = acc.requests-requests, acc.bad-bad
	if err != nil {
		st.Err = err
		return st
	}
	st.Read = true
	return st
}

// lineTime returns logfile's reader of a line's time by this format, the
// same split the tally does first; nil when the format logs no time.
func (f *Format) lineTime() logfile.LineTime {
	if f.timeAt < 0 {
		return nil
	}
	var v fields
	var c clock
	return func(line []byte) (time.Time, bool) {
		pos, ok := f.splitLead(line)
		if ok {
			_, ok = f.split(line, &v, 0, int(f.timeAt)+1, pos)
		}
		if !ok {
			return time.Time{}, false
		}
		r := f.toks[f.timeAt].role
		return c.parse(r, f.get(line, &v, r))
	}
}
