package service

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// FPMPool is one php-fpm pool as its configuration files define it.
type FPMPool struct {
	Name   string // the [section] name, "www"
	Config string // the php-fpm.conf whose includes define it; "" when found by directory alone
	File   string // the file of the listen line (else where the section first appears)
	Line   int    // line of "listen =", 0 when the pool has none
	Listen string // listen value with $pool substituted: a path, "127.0.0.1:9000", "9000", "[::]:9000"
	PM     string // pm: "static", "dynamic" or "ondemand"; "" when unset

	MaxChildren     int    // pm.max_children, 0 when unset (php-fpm then refuses to start)
	MaxChildrenFile string // where pm.max_children is set; a later override file wins
	MaxChildrenLine int

	// ListenBacklog is listen.backlog, -1 when unset (BacklogLine 0). Unset means
	// php-fpm's FPM_BACKLOG_DEFAULT: -1 on Linux since PHP 8.2 (the kernel then uses
	// net.core.somaxconn, 4096 since Linux 5.4, 128 before), 511 in PHP 5.6–8.1
	// (65535 before that). An explicit -1 also means somaxconn.
	ListenBacklog int
	BacklogFile   string
	BacklogLine   int
}

const (
	maxPoolFileSize = 1 << 20 // bytes read of one config file
	maxPoolFiles    = 1000    // config files read in all
	maxIncludeDepth = 8       // nested include= levels followed
)

// fpmMainConfigs are the php-fpm.conf files of Debian (one per PHP version), RHEL and
// the docker php images; each is one php-fpm master.
var fpmMainConfigs = []string{"etc/php/*/fpm/php-fpm.conf", "etc/php-fpm.conf", "usr/local/etc/php-fpm.conf"}

// fpmPoolGlobs are where those distributions put pool files, read even when no
// php-fpm.conf includes them (a config kept elsewhere, a partial copy).
var fpmPoolGlobs = []string{"etc/php/*/fpm/pool.d/*.conf", "etc/php-fpm.d/*.conf", "usr/local/etc/php-fpm.d/*.conf"}

// FPMPools reads the php-fpm configuration under root ("/" on a real box): every
// php-fpm.conf with the files its include= globs name, then any pool file in the
// usual directories not read yet. Pools are returned in the order php-fpm would
// define them; a section repeated later (an override file) updates its pool, as in
// php-fpm. Only regular files of at most 1 MiB are read, 1,000 at most. Files
// that cannot be read are reported in the error, which joins one error per file;
// the pools of every other file are returned with it.
func FPMPools(root string) ([]FPMPool, error) {
	r := &fpmReader{root: root, seen: map[fileKey]bool{}, tried: map[string]bool{}}
	for _, g := range fpmMainConfigs {
		for _, conf := range r.glob(filepath.Join(root, g)) {
			s := r.scope(conf)
			st := &parseState{}
			r.readFile(s, st, conf, 0)
		}
	}
	for _, g := range fpmPoolGlobs {
		for _, f := range r.glob(filepath.Join(root, g)) {
			if r.tried[f] || r.seenPath(f) {
				continue
			}
			// Pools found this way share a master when they share a directory.
			s := r.scope("dir:" + filepath.Dir(f))
			r.readFile(s, &parseState{}, f, 0)
		}
	}
	var out []FPMPool
	for _, s := range r.scopes {
		for _, name := range s.order {
			out = append(out, *s.pools[name])
		}
	}
	return out, errors.Join(r.errs...)
}

// fileKey identifies a file whatever path reached it.
type fileKey struct{ dev, ino uint64 }

// fpmReader holds what one FPMPools call has read.
type fpmReader struct {
	root   string
	seen   map[fileKey]bool // by inode: another path to a file read already
	tried  map[string]bool  // by path: a file that failed is reported once
	files  int
	scopes []*poolScope
	errs   []error
}

// poolScope is one php-fpm master's set of pools.
type poolScope struct {
	config string
	pools  map[string]*FPMPool
	order  []string
}

func (r *fpmReader) scope(config string) *poolScope {
	for _, s := range r.scopes {
		if s.config == config {
			return s
		}
	}
	s := &poolScope{config: config, pools: map[string]*FPMPool{}}
	r.scopes = append(r.scopes, s)
	return s
}

func (r *fpmReader) glob(pattern string) []string {
	m, err := filepath.Glob(pattern)
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("php-fpm include %s: %w", pattern, err))
	}
	return m // sorted, as glob(3) gives php-fpm its includes
}

func (r *fpmReader) seenPath(path string) bool {
	fi, err := os.Stat(path)
	if err != nil {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && r.seen[fileKey{uint64(st.Dev), st.Ino}]
}

// readFile parses one config file into s, following its includes.
func (r *fpmReader) readFile(s *poolScope, st *parseState, path string, depth int) {
	data, err := r.load(path)
	if err != nil {
		if !errors.Is(err, errSeen) {
			r.errs = append(r.errs, err)
		}
		return
	}
	parsePoolConfig(data, func(e iniEntry) {
		switch {
		case e.section != "":
			st.section = e.section
			if st.section != "global" {
				s.pool(st.section, path)
			}
		case e.key == "include":
			if depth >= maxIncludeDepth {
				r.errs = append(r.errs, fmt.Errorf("%s:%d: includes nested deeper than %d", path, e.line, maxIncludeDepth))
				return
			}
			for _, inc := range r.glob(r.includePattern(path, e.value)) {
				r.readFile(s, st, inc, depth+1)
			}
		case st.section != "" && st.section != "global":
			s.pool(st.section, path).set(e, path)
		}
	})
}

// includePattern resolves an include= glob: absolute ones are under root, relative
// ones under php-fpm's prefix, which is the parent of the config's etc directory
// (docker: /usr/local/etc/php-fpm.conf says include=etc/php-fpm.d/*.conf).
func (r *fpmReader) includePattern(from, pattern string) string {
	if filepath.IsAbs(pattern) {
		return filepath.Join(r.root, pattern)
	}
	return filepath.Join(filepath.Dir(filepath.Dir(from)), pattern)
}

// errSeen marks a file read before (a glob matched it twice, an include loop).
var errSeen = errors.New("already read")

// load reads path if it is a regular file of at most maxPoolFileSize bytes that
// this call has not read yet, and counts it against maxPoolFiles.
func (r *fpmReader) load(path string) ([]byte, error) {
	if r.tried[path] {
		return nil, errSeen
	}
	r.tried[path] = true
	// O_NONBLOCK: opening a FIFO must not wait for a writer; regular files ignore it.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("php-fpm config: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("php-fpm config: %w", err)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		k := fileKey{uint64(st.Dev), st.Ino}
		if r.seen[k] {
			return nil, errSeen
		}
		r.seen[k] = true
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("php-fpm config %s: not a regular file (%v)", path, fi.Mode().Type())
	}
	if r.files >= maxPoolFiles {
		return nil, fmt.Errorf("php-fpm config %s: more than %d files, not read", path, maxPoolFiles)
	}
	r.files++
	if fi.Size() > maxPoolFileSize {
		return nil, fmt.Errorf("php-fpm config %s: %d bytes, more than %d, not read", path, fi.Size(), maxPoolFileSize)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxPoolFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("php-fpm config: %w", err)
	}
	if len(data) > maxPoolFileSize {
		return nil, fmt.Errorf("php-fpm config %s: grew past %d bytes while read", path, maxPoolFileSize)
	}
	return data, nil
}
