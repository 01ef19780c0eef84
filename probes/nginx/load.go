package nginx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	crossplane "github.com/nginxinc/nginx-go-crossplane"
)

// LoadOptions tune Load.
type LoadOptions struct {
	Prefix  string                                   // for a relative root and log paths
	Globals string                                   // -g directives, parsed before the file as nginx does
	Open    func(path string) (io.ReadCloser, error) // default: the disk, regular files only; lets the -T fallback feed files
	Glob    func(pattern string) ([]string, error)   // default filepath.Glob; set with Open to stay off the disk

	limits readLimits // zero: defaultReadLimits; smaller in tests
}

// WithDump returns o reading files from an `nginx -T` dump (DumpFiles)
// instead of the disk: the fallback when files are unreadable.
func (o LoadOptions) WithDump(files map[string]string) LoadOptions {
	o.Open = func(p string) (io.ReadCloser, error) {
		s, ok := files[p]
		if !ok {
			return nil, &os.PathError{Op: "open", Path: p, Err: os.ErrNotExist}
		}
		return io.NopCloser(strings.NewReader(s)), nil
	}
	o.Glob = func(pattern string) ([]string, error) {
		var out []string
		for name := range files {
			if ok, err := filepath.Match(pattern, name); err != nil {
				return nil, err
			} else if ok {
				out = append(out, name)
			}
		}
		sort.Strings(out)
		return out, nil
	}
	return o
}

const commandLine = "command line" // nginx's name for -g in messages

// Load parses the configuration rooted at root with every include (globs,
// relative to the config's directory as nginx does) and builds the model.
// It keeps going past errors, which are collected with file:line: includes
// that are not regular files, are too large or close a cycle, and Lua
// blocks with no end. It fails only when the root itself cannot be read,
// and returns as soon as ctx is done.
func Load(ctx context.Context, root string, o LoadOptions) (*Config, error) {
	if !filepath.IsAbs(root) {
		if o.Prefix != "" {
			root = filepath.Join(o.Prefix, root)
		} else if abs, aerr := filepath.Abs(root); aerr == nil {
			root = abs
		}
	}
	root = filepath.Clean(root)
	t := newTree(ctx, root, o)
	payload, err := parseBounded(ctx, root, &crossplane.ParseOptions{
		Open:       t.Open,
		Glob:       t.Glob,
		LexOptions: crossplane.LexOptions{Lexers: []crossplane.RegisterLexer{(&crossplane.Lua{}).RegisterLexer()}},
	})
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", root, err)
	}
	if len(payload.Config) == 0 {
		return nil, errors.New("parse " + root + ": nothing parsed")
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("parse %s: %w", root, err)
	}
	b := newBuilder(root, o.Prefix, payload)
	t.report(b.cfg, payload)
	if o.Globals != "" {
		b.globals(o.Globals)
	}
	b.build()
	return b.cfg, nil
}

// parseBounded runs crossplane in a goroutine so that Load returns when ctx
// is done even mid-parse; the read limits bound the abandoned parse, and the
// tree's hooks fail every open and read once ctx is done.
func parseBounded(ctx context.Context, root string, opts *crossplane.ParseOptions) (*crossplane.Payload, error) {
	type result struct {
		payload *crossplane.Payload
		err     error
	}
	done := make(chan result, 1) // never blocks the goroutine
	go func() {
		var res result
		// crossplane panics on a few malformed inputs (e.g. `if () {}`); a
		// broken config must become an error, not a crash of the tool.
		defer func() {
			if r := recover(); r != nil {
				res = result{err: fmt.Errorf("crossplane failed: %v", r)}
			}
			done <- res
		}()
		res.payload, res.err = crossplane.Parse(root, opts)
	}()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case res := <-done:
		return res.payload, res.err
	}
}

// parseGlobals parses -g text as the main context of a pseudo-file.
func parseGlobals(text string) (*crossplane.Payload, error) {
	return crossplane.Parse(commandLine, &crossplane.ParseOptions{
		SingleFile: true,
		Open: func(string) (io.ReadCloser, error) {
			return io.NopCloser(strings.NewReader(text)), nil
		},
	})
}

// convertError turns a crossplane error into a ParseError with file:line.
func convertError(file string, line *int, err error) ParseError {
	pe := ParseError{Where: Where{File: file}, Message: err.Error()}
	if line != nil {
		pe.Where.Line = *line
	}
	var cpe *crossplane.ParseError
	if errors.As(err, &cpe) {
		pe.Message = cpe.What
		if cpe.File != nil && *cpe.File != "" {
			pe.Where.File = *cpe.File
		}
		if cpe.Line != nil {
			pe.Where.Line = *cpe.Line
		}
	}
	// Some messages already end in " in file:line"; say it once.
	pe.Message = strings.TrimSuffix(pe.Message, " in "+pe.Where.String())
	return pe
}
