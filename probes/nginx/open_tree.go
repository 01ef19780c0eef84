package nginx

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	crossplane "github.com/nginxinc/nginx-go-crossplane"
)

// tree is one Load's view of the configuration files, behind crossplane's
// Open and Glob hooks: each file is read once (regular files only, within
// limits), Lua blocks are rewritten, and the include graph is tracked so an
// include that would close a cycle is refused instead of failing the parse.
//
// crossplane parses one file at a time: it opens the file, its lexer reads
// it, and the parser opens (without reading) each explicit include to check
// it. So the file being parsed is the one whose reader was read last, and
// an Open of a file nobody read yet is either that check or the next parse.
type tree struct {
	ctx    context.Context
	open   func(string) (io.ReadCloser, error) // nil: the disk, regular files only
	glob   func(string) ([]string, error)
	limits readLimits
	dir    string // the root's directory, which names are shown relative to

	mu        sync.Mutex
	files     map[string]treeFile
	bytesRead int64
	filesRead int
	current   string // file crossplane is parsing
	graph     includeGraph
	cycles    map[string]includeCycle // refusal message → cycle
	globCalls map[[2]string]int       // (file, pattern) → Glob calls so far
	globSkips []globSkip
	errors    []ParseError // found while reading (Lua blocks)
	unsafe    []string     // refused as not regular or too big: nginx itself would block on them
}

type treeFile struct {
	data []byte
	err  error
}

// globSkip is a glob match left out; the include's line is found after the
// parse, as the calls-th include of pattern in file.
type globSkip struct {
	file, pattern string
	calls         int
	message       string
	cycle         *includeCycle
}

func newTree(ctx context.Context, root string, o LoadOptions) *tree {
	t := &tree{ctx: ctx, open: o.Open, glob: o.Glob, limits: o.limits, dir: filepath.Dir(root),
		files: map[string]treeFile{}, graph: includeGraph{}, cycles: map[string]includeCycle{},
		globCalls: map[[2]string]int{}}
	if t.glob == nil {
		t.glob = filepath.Glob
	}
	if t.limits == (readLimits{}) {
		t.limits = defaultReadLimits()
	}
	return t
}

// Open is crossplane's Open hook.
func (t *tree) Open(path string) (io.ReadCloser, error) {
	if err := t.ctx.Err(); err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	from := t.current
	if from != "" {
		if c, ok := t.graph.cycle(from, path); ok {
			msg := c.message(t.name, 0)
			t.cycles[msg] = c
			return nil, errors.New(msg)
		}
	}
	data, err := t.read(path)
	if err != nil {
		return nil, err
	}
	// If this is the next parse rather than an include check, the reader's
	// first Read takes the edge back before anything else can see it.
	t.graph.add(from, path)
	return &treeReader{t: t, path: path, from: from, r: bytes.NewReader(data)}, nil
}

// Glob is crossplane's Glob hook. A match that cannot be read would abort
// crossplane's whole parse, and one that closes a cycle would fail it at the
// end: both are left out and reported (nginx would fail on them).
func (t *tree) Glob(pattern string) ([]string, error) {
	if err := t.ctx.Err(); err != nil {
		return nil, err
	}
	names, err := t.glob(pattern)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	key := [2]string{t.current, pattern}
	t.globCalls[key]++
	calls := t.globCalls[key]
	kept := names[:0]
	for _, n := range names {
		skip := globSkip{file: t.current, pattern: pattern, calls: calls}
		if c, ok := t.graph.cycle(t.current, n); ok {
			skip.cycle = &c
		} else if _, err := t.read(n); err != nil {
			skip.message = err.Error()
		} else {
			t.graph.add(t.current, n)
			kept = append(kept, n)
			continue
		}
		t.globSkips = append(t.globSkips, skip)
	}
	return kept, nil
}

// read returns path's bytes, Lua-rewritten, reading it at most once.
// Caller holds t.mu.
func (t *tree) read(path string) ([]byte, error) {
	if f, ok := t.files[path]; ok {
		return f.data, f.err
	}
	var data []byte
	var err error
	switch {
	case t.filesRead >= t.limits.files:
		err = fmt.Errorf("%s: %w: the configuration has more than %d files", path, ErrTooBig, t.limits.files)
	case t.open == nil:
		data, err = readRegular(path, t.limits.fileBytes)
	default:
		var rc io.ReadCloser
		if rc, err = t.open(path); err == nil {
			data, err = readBounded(path, rc, 0, t.limits.fileBytes)
			_ = rc.Close()
		}
	}
	if err == nil && t.bytesRead+int64(len(data)) > t.limits.treeBytes {
		data, err = nil, fmt.Errorf("%s: %w: the configuration is larger than %s", path, ErrTooBig, sizeText(t.limits.treeBytes))
	}
	if err == nil {
		t.bytesRead += int64(len(data))
		t.filesRead++
		var issues []luaIssue
		data, issues = rewriteLua(data)
		for _, is := range issues {
			t.errors = append(t.errors, t.luaError(path, is))
		}
	}
	if errors.Is(err, ErrNotRegular) || errors.Is(err, ErrTooBig) {
		t.unsafe = append(t.unsafe, path)
	}
	t.files[path] = treeFile{data: data, err: err}
	return data, err
}

func (t *tree) luaError(path string, is luaIssue) ParseError {
	msg := fmt.Sprintf("%s at %s:%d: cannot find its end; ", is.Directive, t.name(path), is.Line)
	if is.SkipTo > 0 {
		msg += fmt.Sprintf("skipped to line %d", is.SkipTo)
	} else {
		msg += "skipped the rest of the file"
	}
	return ParseError{Where: Where{File: path, Line: is.Line}, Message: msg}
}

// name shows path relative to the root's directory when it lies inside.
func (t *tree) name(path string) string {
	if rel, err := filepath.Rel(t.dir, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}

// treeReader is a file handed to crossplane. Its first Read means crossplane
// is now parsing the file.
type treeReader struct {
	t          *tree
	path, from string
	started    bool
	r          *bytes.Reader
}

func (r *treeReader) Read(p []byte) (int, error) {
	if !r.started {
		r.started = true
		r.t.mu.Lock()
		r.t.graph.remove(r.from, r.path) // a parse, not an include: no edge
		r.t.current = r.path
		r.t.mu.Unlock()
	}
	if err := r.t.ctx.Err(); err != nil {
		return 0, err // end a cancelled parse at the next read
	}
	return r.r.Read(p)
}

func (r *treeReader) Close() error { return nil }

// report adds to cfg what the tree found: cycle messages get the include's
// line, glob matches left out and Lua blocks skipped are added, and all
// errors are put in file order, then line order.
func (t *tree) report(cfg *Config, p *crossplane.Payload) {
	t.mu.Lock()
	defer t.mu.Unlock()
	cfg.Unsafe = append(cfg.Unsafe, t.unsafe...)
	for i, e := range cfg.Errors {
		if c, ok := t.cycles[e.Message]; ok {
			cfg.Errors[i].Message = c.message(t.name, e.Where.Line)
		}
	}
	for _, s := range t.globSkips {
		w := Where{File: s.file, Line: t.includeLine(p, s)}
		msg := s.message
		if s.cycle != nil {
			msg = s.cycle.message(t.name, w.Line)
		}
		cfg.Errors = append(cfg.Errors, ParseError{Where: w, Message: msg})
	}
	cfg.Errors = append(cfg.Errors, t.errors...)
	order := make(map[string]int, len(cfg.Files))
	for i, f := range cfg.Files {
		order[f] = i + 1
	}
	rank := func(f string) int {
		if n, ok := order[f]; ok {
			return n
		}
		return len(order) + 1
	}
	slices.SortStableFunc(cfg.Errors, func(a, b ParseError) int {
		return cmp.Or(cmp.Compare(rank(a.Where.File), rank(b.Where.File)), cmp.Compare(a.Where.Line, b.Where.Line))
	})
}

// includeLine finds the line of the include behind a glob skip: the
// s.calls-th include of s.pattern in s.file, in crossplane's parse order.
// 0 when crossplane dropped that file's directives.
func (t *tree) includeLine(p *crossplane.Payload, s globSkip) int {
	seen := 0
	var walk func(crossplane.Directives) int
	walk = func(ds crossplane.Directives) int {
		for _, d := range ds {
			if d.Directive == "include" && len(d.Args) > 0 {
				pat := d.Args[0]
				if !filepath.IsAbs(pat) {
					pat = filepath.Join(t.dir, pat)
				}
				if pat == s.pattern {
					if seen++; seen == s.calls {
						return d.Line
					}
				}
			}
			if n := walk(d.Block); n > 0 {
				return n
			}
		}
		return 0
	}
	for _, c := range p.Config {
		if c.File == s.file {
			return walk(c.Parsed)
		}
	}
	return 0
}
