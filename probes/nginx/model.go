package nginx

import "strings"

// Config is the parsed configuration model.
type Config struct {
	Root   string
	Prefix string
	Files  []string // every file read, in inclusion order
	// Modules are the load_module files, resolved against the prefix.
	Modules []string
	// Unsafe are included paths refused as not regular files (FIFOs,
	// devices) or too big: nginx -t itself would block or spin on them.
	Unsafe []string
	Errors []ParseError

	User               string // `user` directive's first argument, "" when absent
	WorkerConnections  int    // events{} worker_connections, 0 when absent
	WorkerRlimitNofile int    // 0 when absent
	PID                string // the pid directive as written, "" when absent
	Daemon             string // the daemon directive: "on", "off", "" when absent
	// Relative are the file paths given relative to the prefix (pid,
	// error_log, access_log, lock_file, *_temp_path), as written.
	Relative []string

	HTTP       Settings // http{}-level directives (the root of inheritance)
	Servers    []Server
	Upstreams  []UpstreamBlock
	ErrorLogs  []LogDirective // every error_log: main, http, server, location
	AccessLogs []LogDirective
	LogFormats []LogFormat
}

// ParseError is a problem crossplane found, where it found it.
type ParseError struct {
	Where   Where
	Message string
}

// Error renders "message in file:line" like nginx does.
func (e ParseError) Error() string {
	if e.Where.IsZero() {
		return e.Message
	}
	return e.Message + " in " + e.Where.String()
}

// Server is one http server{} block.
type Server struct {
	Where     Where
	Listen    []string // each listen directive's arguments joined by spaces
	Names     []string
	Locations []Location // nested locations flattened, in config order
}

// Label is how a person names the server: its first server_name, else its
// first listen, else "(default)".
func (s Server) Label() string {
	for _, n := range s.Names {
		if n != "" {
			return n
		}
	}
	if len(s.Listen) > 0 {
		return strings.Fields(s.Listen[0] + " x")[0]
	}
	return "(default)"
}

// Location is a location{} block — or an `if`/`limit_except` block inside one
// that holds a *_pass (Match "if (…)" / "limit_except GET"), since those
// proxy on their own.
type Location struct {
	Where    Where
	Match    string   // "/", "= /x", "~ \\.php$", "@named"
	Parent   string   // Match of the enclosing location, "" at server level
	Pass     *Pass    // nil when none
	Settings Settings // effective values, inherited http → server → location
}

// Settings are effective directive values keyed by directive name.
type Settings map[string]Directive

// Directive is one directive as it applies at a level; for repeated
// directives (proxy_set_header, fastcgi_param, …) All holds every occurrence.
type Directive struct {
	Name   string
	Args   []string // first occurrence (a repeated scalar is "duplicate" to nginx)
	Where  Where
	All    [][]string
	Wheres []Where // parallel to All
}

// Get returns the effective directive name.
func (s Settings) Get(name string) (Directive, bool) {
	d, ok := s[name]
	return d, ok
}

// Arg returns the first argument of directive name, or def when it is not set.
func (s Settings) Arg(name, def string) string {
	if d, ok := s[name]; ok && len(d.Args) > 0 {
		return d.Args[0]
	}
	return def
}

// Lookup finds the occurrence whose first argument is key (case-insensitive,
// as header names are), e.g. proxy_set_header Connection, fastcgi_param
// SCRIPT_FILENAME; it returns the remaining arguments.
func (d Directive) Lookup(key string) ([]string, Where, bool) {
	for i, a := range d.All {
		if len(a) > 0 && strings.EqualFold(a[0], key) {
			return a[1:], d.Wheres[i], true
		}
	}
	return nil, Where{}, false
}

// Pass is a *_pass target as written.
type Pass struct {
	Where     Where
	Directive string // proxy_pass, fastcgi_pass, uwsgi_pass, scgi_pass, grpc_pass
	Raw       string
	Scheme    string // http https fastcgi uwsgi suwsgi scgi grpc grpcs; "" when unknown
	Host      string
	Port      int    // 0 when none written
	Unix      string // socket path when unix:
	URI       string
	Group     string // matching upstream{} block, "" if none
	Variable  bool   // contains $: resolved per request
}

// UpstreamBlock is an http upstream{} block.
type UpstreamBlock struct {
	Where            Where
	Name             string
	Servers          []UpstreamServer
	Keepalive        int    // 0 when absent
	KeepaliveTimeout string // "" when absent (nginx default 60s)
	// KeepaliveTimeoutWhere is where keepalive_timeout is written.
	KeepaliveTimeoutWhere Where
	Zone                  string
	Resolver              []string
}

// UpstreamServer is one `server` line inside upstream{}.
type UpstreamServer struct {
	Where    Where
	Address  string // as written
	Params   []string
	Unix     string
	Host     string
	Port     int // 0 when none written (nginx then uses 80)
	Backup   bool
	Down     bool
	MaxFails int // -1 unset (nginx: 1)
	// Weight is weight= (0 unset: nginx uses 1); FailTimeout is
	// fail_timeout= as written ("" unset: nginx uses 10s).
	Weight      int
	FailTimeout string
}

// LogDirective is one error_log or access_log directive.
type LogDirective struct {
	Where   Where  // zero for a compiled-in default
	Context string // "main", "http", "server NAME", "location MATCH"
	Path    string // absolute (prefix applied) or stderr / syslog:… / memory:… / off
	Level   string // error_log level, default "error"
	Format  string // access_log format, default "combined"
	// Buffered holds access_log's buffer=, flush= and gzip parameters:
	// nginx writes such a log in batches, so its newest lines may lag.
	Buffered []string
}

// LogFormat is a log_format definition.
type LogFormat struct {
	Where  Where
	Name   string
	Format string // the arguments concatenated as nginx does
	Escape string // escape= parameter: "default", "json" or "none"; "" when absent
}
