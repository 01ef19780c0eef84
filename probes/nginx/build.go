package nginx

import (
	"path/filepath"
	"strconv"
	"strings"

	crossplane "github.com/nginxinc/nginx-go-crossplane"
)

// item is a directive with the file it was written in (crossplane records
// the file only on whole configs, so the walk carries it along).
type item struct {
	d    *crossplane.Directive
	file string
}

func (it item) where() Where {
	if it.file == commandLine {
		return Where{File: commandLine} // nginx says "in command line", no line
	}
	return Where{File: it.file, Line: it.d.Line}
}

func (it item) arg(i int) string {
	if i < len(it.d.Args) {
		return it.d.Args[i]
	}
	return ""
}

// builder turns a crossplane payload into a Config.
type builder struct {
	cfg     *Config
	payload *crossplane.Payload
	pre     []item // -g directives, which nginx reads before the file
}

// maxIncludeDepth bounds include expansion; Load refuses the include that closes a cycle, this
// only guards the walk against anything it lets through.
const maxIncludeDepth = 64

func newBuilder(root, prefix string, p *crossplane.Payload) *builder {
	cfg := &Config{Root: root, Prefix: prefix, HTTP: Settings{}}
	for _, c := range p.Config {
		cfg.Files = append(cfg.Files, c.File)
		for _, e := range c.Errors {
			cfg.Errors = append(cfg.Errors, convertError(c.File, e.Line, e.Error))
		}
	}
	return &builder{cfg: cfg, payload: p}
}

// globals parses -g text; its errors are reported "in command line".
func (b *builder) globals(text string) {
	p, err := parseGlobals(text)
	if err != nil {
		b.cfg.Errors = append(b.cfg.Errors, ParseError{Where: Where{File: commandLine}, Message: err.Error()})
		return
	}
	for _, c := range p.Config {
		for _, e := range c.Errors {
			pe := convertError(commandLine, nil, e.Error)
			pe.Where = Where{File: commandLine}
			b.cfg.Errors = append(b.cfg.Errors, pe)
		}
		for _, d := range c.Parsed {
			b.pre = append(b.pre, item{d: d, file: commandLine})
		}
	}
}

// expand lists a block's directives with includes replaced by the included
// files' directives, each tagged with its own file.
func (b *builder) expand(dirs crossplane.Directives, file string, depth int) []item {
	out := make([]item, 0, len(dirs))
	for _, d := range dirs {
		if d.Directive == "include" && len(d.Includes) > 0 {
			if depth >= maxIncludeDepth {
				continue
			}
			for _, idx := range d.Includes {
				if idx >= 0 && idx < len(b.payload.Config) {
					c := b.payload.Config[idx]
					out = append(out, b.expand(c.Parsed, c.File, depth+1)...)
				}
			}
			continue
		}
		if d.IsComment() {
			continue
		}
		out = append(out, item{d: d, file: file})
	}
	return out
}

func (b *builder) build() {
	root := b.payload.Config[0]
	main := append(b.pre, b.expand(root.Parsed, root.File, 0)...)
	for _, it := range main {
		switch it.d.Directive {
		case "user":
			if b.cfg.User == "" {
				b.cfg.User = it.arg(0)
			}
		case "worker_rlimit_nofile":
			b.cfg.WorkerRlimitNofile = atoi(it.arg(0))
		case "pid":
			b.cfg.PID = it.arg(0)
			b.relative(it)
		case "daemon":
			b.cfg.Daemon = it.arg(0)
		case "lock_file":
			b.relative(it)
		case "error_log":
			b.errorLog(it, "main")
			b.relative(it)
		case "load_module":
			// nginx -t loads these too: who may change them matters.
			b.cfg.Modules = append(b.cfg.Modules, Resolve(b.cfg.Prefix, it.arg(0)))
		case "events":
			for _, ev := range b.expand(it.d.Block, it.file, 1) {
				if ev.d.Directive == "worker_connections" {
					b.cfg.WorkerConnections = atoi(ev.arg(0))
				}
			}
		case "http":
			b.http(it)
		}
	}
	b.linkGroups()
}

// relative keeps a file directive's path when it is relative to the
// prefix: where such paths exist tells which -p nginx ran with.
func (b *builder) relative(it item) {
	p := it.arg(0)
	if p == "" || filepath.IsAbs(p) || p == "off" || p == "stderr" || strings.Contains(p, ":") || strings.Contains(p, "$") {
		return
	}
	b.cfg.Relative = append(b.cfg.Relative, p)
}

func (b *builder) http(h item) {
	items := b.expand(h.d.Block, h.file, 1)
	own := settingsOf(items)
	b.cfg.HTTP = merge(b.cfg.HTTP, own)
	for _, it := range items {
		switch it.d.Directive {
		case "upstream":
			b.upstream(it)
		case "log_format":
			b.logFormat(it)
		case "error_log":
			b.errorLog(it, "http")
			b.relative(it)
		case "access_log":
			b.accessLog(it, "http")
			b.relative(it)
		case "client_body_temp_path", "proxy_temp_path", "fastcgi_temp_path", "uwsgi_temp_path", "scgi_temp_path":
			b.relative(it)
		}
	}
	for _, it := range items {
		if it.d.Directive == "server" {
			b.server(it, b.cfg.HTTP)
		}
	}
}

func (b *builder) server(s item, parent Settings) {
	items := b.expand(s.d.Block, s.file, 1)
	eff := merge(parent, settingsOf(items))
	srv := Server{Where: s.where()}
	for _, it := range items {
		switch it.d.Directive {
		case "listen":
			srv.Listen = append(srv.Listen, strings.Join(it.d.Args, " "))
		case "server_name":
			srv.Names = append(srv.Names, it.d.Args...)
		}
	}
	ctx := "server " + srv.Label()
	for _, it := range items {
		switch it.d.Directive {
		case "error_log":
			b.errorLog(it, ctx)
		case "access_log":
			b.accessLog(it, ctx)
		case "location":
			b.location(&srv, it, eff, "")
		}
	}
	b.cfg.Servers = append(b.cfg.Servers, srv)
}

// location appends l and, after it, its nested locations and the if /
// limit_except blocks that proxy on their own.
func (b *builder) location(srv *Server, l item, parent Settings, parentMatch string) {
	items := b.expand(l.d.Block, l.file, 1)
	match := strings.Join(l.d.Args, " ")
	switch l.d.Directive {
	case "if":
		match = "if (" + match + ")"
	case "limit_except":
		match = "limit_except " + match
	}
	loc := Location{Where: l.where(), Match: match, Parent: parentMatch, Settings: merge(parent, settingsOf(items))}
	ctx := "location " + match
	for _, it := range items {
		switch name := it.d.Directive; name {
		case "proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass":
			if loc.Pass == nil && len(it.d.Args) > 0 {
				p := ParsePass(name, it.d.Args[0])
				p.Where = it.where()
				loc.Pass = &p
			}
		case "error_log":
			b.errorLog(it, ctx)
		case "access_log":
			b.accessLog(it, ctx)
		}
	}
	pseudo := l.d.Directive != "location"
	if !pseudo || loc.Pass != nil {
		srv.Locations = append(srv.Locations, loc)
	}
	if pseudo {
		return
	}
	for _, it := range items {
		switch it.d.Directive {
		case "location", "if", "limit_except":
			b.location(srv, it, loc.Settings, match)
		}
	}
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}
