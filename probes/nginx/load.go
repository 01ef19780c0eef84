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
	"sync"

	crossplane "github.com/nginxinc/nginx-go-crossplane"
)

// LoadOptions tune Load.
type LoadOptions struct {
	Prefix  string                                   // for a relative root and log paths
	Globals string                                   // -g directives, parsed before the file as nginx does
	Open    func(path string) (io.ReadCloser, error) // default os.Open; lets the -T fallback feed files
	Glob    func(pattern string) ([]string, error)   // default filepath.Glob; set with Open to stay off the disk
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
// It keeps going past errors, which are collected with file:line; it fails
// only when the root itself cannot be read or the includes form a cycle.
func Load(ctx context.Context, root string, o LoadOptions) (cfg *Config, err error) {
	if !filepath.IsAbs(root) {
		if o.Prefix != "" {
			root = filepath.Join(o.Prefix, root)
		} else if abs, aerr := filepath.Abs(root); aerr == nil {
			root = abs
		}
	}
	root = filepath.Clean(root)
	open := o.Open
	if open == nil {
		open = func(p string) (io.ReadCloser, error) { return os.Open(p) }
	}
	glob := o.Glob
	if glob == nil {
		glob = filepath.Glob
	}
	var mu sync.Mutex
	var skipped []ParseError
	opts := &crossplane.ParseOptions{
		Open: func(p string) (io.ReadCloser, error) {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			return open(p)
		},
		// A glob match that cannot be opened would abort crossplane's whole
		// parse; drop it here and report it instead (nginx would fail on it).
		Glob: func(pattern string) ([]string, error) {
			names, err := glob(pattern)
			if err != nil {
				return nil, err
			}
			kept := names[:0]
			for _, n := range names {
				f, err := open(n)
				if err != nil {
					mu.Lock()
					skipped = append(skipped, ParseError{Where: Where{File: n}, Message: err.Error()})
					mu.Unlock()
					continue
				}
				_ = f.Close()
				kept = append(kept, n)
			}
			return kept, nil
		},
		LexOptions: crossplane.LexOptions{Lexers: []crossplane.RegisterLexer{(&crossplane.Lua{}).RegisterLexer()}},
	}
	// crossplane panics on a few malformed inputs (e.g. `if () {}`); a broken
	// config must become an error for the admin, not a crash of the tool.
	defer func() {
		if r := recover(); r != nil {
			cfg, err = nil, fmt.Errorf("parse %s: crossplane failed: %v", root, r)
		}
	}()
	payload, err := crossplane.Parse(root, opts)
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
	b.cfg.Errors = append(b.cfg.Errors, skipped...)
	if o.Globals != "" {
		b.globals(o.Globals)
	}
	b.build()
	return b.cfg, nil
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
