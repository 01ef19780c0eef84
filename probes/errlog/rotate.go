package errlog

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ErrNotFile marks a log destination that is not a readable regular file:
// nginx's stderr, syslog, its in-memory buffer, or a device like /dev/stderr.
var ErrNotFile = errors.New("not a regular log file")

// special explains error_log destinations that are not files.
func special(path string) error {
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

// logFile is one file to read, with the stat taken when it was found.
type logFile struct {
	path string
	info fs.FileInfo
}

// rotated lists the siblings logrotate leaves next to base, newest first:
// base.1, base.2.gz, ... (numbered) then base-YYYYMMDD[.gz] (dateext).
func rotated(base string) []logFile {
	dir, name := filepath.Split(base)
	if dir == "" {
		dir = "."
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil // the main file's own stat reports the problem
	}
	type cand struct {
		logFile
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
		c.logFile = logFile{path: filepath.Join(dir, n), info: info}
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
		return a.path < b.path
	})
	out := make([]logFile, len(cs))
	for i, c := range cs {
		out[i] = c.logFile
	}
	return out
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

// olderThan is true when nothing in the file can be newer than since:
// a file's mtime is its last write.
func olderThan(info fs.FileInfo, since time.Time) bool {
	return !since.IsZero() && info.ModTime().Before(since)
}

// open opens path for reading, decompressing .gz files, and returns its
// size. Only the bytes present at open are read (fstat right after open,
// then io.LimitReader; for .gz the compressed source is limited): nginx
// may keep appending faster than we parse, and chasing a live writer's end
// once read 2.4 GB. What comes later belongs to the next run.
func open(path string) (io.ReadCloser, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("cannot read error log: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("cannot read error log: %w", err)
	}
	src := io.LimitReader(f, info.Size())
	if !strings.HasSuffix(path, ".gz") {
		return limitedFile{src, f}, info.Size(), nil
	}
	zr, err := gzip.NewReader(src)
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("cannot read error log %s: %w", path, err)
	}
	return gzCloser{zr, f}, info.Size(), nil
}

// limitedFile reads a file up to a limit and closes the file.
type limitedFile struct {
	io.Reader
	f *os.File
}

// Close closes the file.
func (l limitedFile) Close() error { return l.f.Close() }

// gzCloser closes both the gzip stream and the file under it.
type gzCloser struct {
	*gzip.Reader
	f *os.File
}

// Close closes the decompressor and the file.
func (g gzCloser) Close() error {
	return errors.Join(g.Reader.Close(), g.f.Close())
}
