package logsource

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// Bounds on reading a syslog daemon's configuration.
const (
	maxConfFile  = 1 << 20 // bytes per file
	maxConfFiles = 200     // files per daemon, includes and all
	maxDepth     = 4       // nested includes
)

// confOpenFlags never block: O_NONBLOCK so a FIFO put among the config
// files opens at once (and is refused after fstat).
const confOpenFlags = os.O_RDONLY | syscall.O_NONBLOCK | syscall.O_NOCTTY | syscall.O_CLOEXEC

// confReader reads one daemon's config files below root, bounded.
type confReader struct {
	root  string
	files int
	seen  map[[2]uint64]bool // dev, inode: a file read once, whatever path or glob names it
	notes []string           // files skipped and why, for the caller's Why
}

// newConfReader reads files below root ("/" on a real box).
func newConfReader(root string) *confReader {
	return &confReader{root: root, seen: map[[2]uint64]bool{}}
}

// read returns the content of the box path p (absolute, below root): a
// regular file of at most 1 MiB, not read before, within the file count.
func (c *confReader) read(p string) ([]byte, error) {
	if c.files >= maxConfFiles {
		return nil, fmt.Errorf("%s: not read: more than %d config files", p, maxConfFiles)
	}
	f, err := os.OpenFile(filepath.Join(c.root, p), confOpenFlags, 0)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not read: not a regular file (%v)", p, info.Mode().Type())
	}
	if info.Size() > maxConfFile {
		return nil, fmt.Errorf("%s: not read: %d bytes, over %d", p, info.Size(), maxConfFile)
	}
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		key := [2]uint64{uint64(st.Dev), st.Ino}
		if c.seen[key] {
			return nil, nil // an include loop or a glob matching twice: nothing new
		}
		c.seen[key] = true
	}
	c.files++
	b, err := io.ReadAll(io.LimitReader(f, maxConfFile))
	if err != nil {
		return nil, fmt.Errorf("read config %s: %w", p, err)
	}
	return b, nil
}

// note records a problem met on the way, once.
func (c *confReader) note(err error) {
	if err != nil && len(c.notes) < 20 {
		c.notes = append(c.notes, err.Error())
	}
}

// expand lists the box paths an include pattern names, sorted as the
// daemons read them: a glob, or a directory (all its files). A relative
// pattern is relative to dir.
func (c *confReader) expand(pattern, dir string) []string {
	if !filepath.IsAbs(pattern) {
		pattern = filepath.Join(dir, pattern)
	}
	full := filepath.Join(c.root, pattern)
	if info, err := os.Stat(full); err == nil && info.IsDir() {
		full = filepath.Join(full, "*")
	}
	matches, err := filepath.Glob(full)
	if err != nil {
		c.note(fmt.Errorf("include %s: %w", pattern, err))
		return nil
	}
	sort.Strings(matches)
	var out []string
	for _, m := range matches {
		rel, err := filepath.Rel(c.root, m)
		if err != nil || strings.HasPrefix(rel, "..") {
			continue
		}
		if info, err := os.Stat(m); err == nil && info.IsDir() {
			continue
		}
		out = append(out, "/"+filepath.ToSlash(rel))
	}
	return out
}
