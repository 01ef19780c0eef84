// Package logfile finds and opens nginx's log files: the configured path and
// the rotated siblings logrotate leaves next to it, read only up to their
// size at open. It is shared by the error-log and access-log probes and
// knows nothing of either format.
package logfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ErrNotFile marks a log destination that is not a readable regular file:
// nginx's stderr, syslog, its in-memory buffer, or a device like /dev/stdout.
var ErrNotFile = errors.New("not a regular log file")

// Special explains log destinations that are not files (stderr, syslog:,
// memory:) as an error wrapping ErrNotFile; nil for anything else.
func Special(path string) error {
	switch {
	case path == "stderr":
		return fmt.Errorf("%s: %w: nginx writes it to its standard error; read it with journalctl -u nginx or the container's log", path, ErrNotFile)
	case strings.HasPrefix(path, "syslog:"):
		return fmt.Errorf("%s: %w: nginx sends it to syslog; read it from the syslog daemon's files or journalctl", path, ErrNotFile)
	case strings.HasPrefix(path, "memory:"):
		return fmt.Errorf("%s: %w: nginx keeps it in a memory buffer (a debugger reads it)", path, ErrNotFile)
	}
	return nil
}

// File is one file of a log: the configured path or a rotated sibling,
// with the stat taken when it was found.
type File struct {
	Path string
	Info fs.FileInfo
	// Stale: the file was last written before since, so nothing in it is
	// in the window; it is listed (only ever the configured path itself)
	// so a caller can say so, and is not to be read.
	Stale bool
}

// Compressed reports whether the file is gzip-compressed (a .gz name).
func (f File) Compressed() bool { return strings.HasSuffix(f.Path, ".gz") }

// Log is one configured log destination and the files found for it.
type Log struct {
	Path  string // as configured
	Err   error  // Special's error, the stat failure, or ErrNotFile for a non-regular file; Files is then empty
	Files []File // oldest first: rotated siblings, then the cleaned Path itself
}

// Find lists the files of each configured log path: the path and its
// rotated siblings (path.1, path.N[.gz], path-YYYYMMDD[.gz]), oldest
// first so a reader meets entries in time order. Rotated files last
// written before since (by mtime) are left out, and so is everything
// older than the first such file; a configured path itself that old is
// listed as Stale. A file already listed for an earlier path (same
// inode: two directives naming one file, or a symlink) is listed once.
// A zero since keeps every file.
func Find(paths []string, since time.Time) []Log {
	var out []Log
	var seen []fs.FileInfo
	for _, path := range paths {
		lg := Log{Path: path}
		if err := Special(path); err != nil {
			lg.Err = err
			out = append(out, lg)
			continue
		}
		info, err := os.Stat(path)
		switch {
		case err != nil:
			lg.Err = fmt.Errorf("cannot read log: %w", err)
		case !info.Mode().IsRegular():
			lg.Err = fmt.Errorf("%s: %w (%s): nginx does not write this log to a file", path, ErrNotFile, FileKind(info.Mode()))
		}
		if lg.Err != nil {
			out = append(out, lg)
			continue
		}
		clean := filepath.Clean(path)
		candidates := append([]File{{Path: clean, Info: info}}, rotated(clean)...)
		var newestFirst []File
		for i, f := range candidates {
			if dup(seen, f.Info) {
				continue
			}
			seen = append(seen, f.Info)
			if olderThan(f.Info, since) {
				if i == 0 {
					f.Stale = true
					newestFirst = append(newestFirst, f)
				}
				break // rotated files are older still
			}
			newestFirst = append(newestFirst, f)
		}
		for i := len(newestFirst) - 1; i >= 0; i-- {
			lg.Files = append(lg.Files, newestFirst[i])
		}
		if len(lg.Files) > 0 {
			out = append(out, lg)
		}
	}
	return out
}

// dup reports whether info is a file already listed (same inode).
func dup(seen []fs.FileInfo, info fs.FileInfo) bool {
	for _, o := range seen {
		if os.SameFile(o, info) {
			return true
		}
	}
	return false
}

// olderThan is true when nothing in the file can be newer than since:
// a file's mtime is its last write.
func olderThan(info fs.FileInfo, since time.Time) bool {
	return !since.IsZero() && info.ModTime().Before(since)
}

// rotated lists the siblings logrotate leaves next to base, newest first:
// base.1, base.2.gz, ... (numbered) then base-YYYYMMDD[.gz] (dateext).
func rotated(base string) []File {
	dir, name := filepath.Split(base)
	if dir == "" {
		dir = "."
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil // the main file's own stat reports the problem
	}
	type cand struct {
		File
		num  int
		date string
	}
	var cs []cand
	for _, de := range ents {
		n := de.Name()
		rest, ok := strings.CutPrefix(n, name)
		if !ok || len(rest) < 2 {
			continue
		}
		rest = strings.TrimSuffix(rest, ".gz")
		c := cand{num: -1}
		if rest[0] == '.' {
			v, err := strconv.Atoi(rest[1:])
			if err != nil || v < 0 {
				continue
			}
			c.num = v
		} else if rest[0] == '-' && len(rest) >= 9 && isDigits(rest[1:]) {
			c.date = rest[1:]
		} else {
			continue
		}
		info, err := de.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		c.File = File{Path: filepath.Join(dir, n), Info: info}
		cs = append(cs, c)
	}
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if (a.num >= 0) != (b.num >= 0) {
			return a.num >= 0
		}
		if a.num != b.num {
			return a.num < b.num
		}
		if a.date != b.date {
			return a.date > b.date
		}
		return a.Path < b.Path
	})
	out := make([]File, len(cs))
	for i, c := range cs {
		out[i] = c.File
	}
	return out
}

// FileKind names a non-regular file type the way an admin would ("named
// pipe", "character device"); the config reader says it the same way.
func FileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "block device"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m.IsDir():
		return "directory"
	}
	return "irregular file"
}

// isDigits reports whether s is all ASCII digits.
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
