package nginx

import (
	"strings"
)

func (b *builder) upstream(it item) {
	u := UpstreamBlock{Where: it.where(), Name: it.arg(0)}
	for _, d := range b.expand(it.d.Block, it.file, 1) {
		switch d.d.Directive {
		case "server":
			u.Servers = append(u.Servers, parseUpstreamServer(d))
		case "keepalive":
			u.Keepalive = atoi(d.arg(0))
		case "keepalive_timeout":
			u.KeepaliveTimeout, u.KeepaliveTimeoutWhere = d.arg(0), d.where()
		case "zone":
			u.Zone = d.arg(0)
		case "resolver":
			u.Resolver = d.d.Args
		}
	}
	b.cfg.Upstreams = append(b.cfg.Upstreams, u)
}

func (b *builder) errorLog(it item, ctx string) {
	l := LogDirective{Where: it.where(), Context: ctx, Path: Resolve(b.cfg.Prefix, it.arg(0)), Level: "error"}
	if lv := it.arg(1); lv != "" {
		l.Level = lv
	}
	b.cfg.ErrorLogs = append(b.cfg.ErrorLogs, l)
}

func (b *builder) accessLog(it item, ctx string) {
	l := LogDirective{Where: it.where(), Context: ctx, Path: it.arg(0)}
	if l.Path != "off" {
		l.Path = Resolve(b.cfg.Prefix, l.Path)
		l.Format = "combined"
		if f := it.arg(1); f != "" && !strings.Contains(f, "=") {
			l.Format = f
		}
		for _, a := range it.d.Args[1:] {
			if strings.HasPrefix(a, "buffer=") || strings.HasPrefix(a, "flush=") || strings.HasPrefix(a, "gzip") {
				l.Buffered = append(l.Buffered, a)
			}
		}
	}
	b.cfg.AccessLogs = append(b.cfg.AccessLogs, l)
}

func (b *builder) logFormat(it item) {
	args := it.d.Args
	if len(args) == 0 {
		return
	}
	f := LogFormat{Where: it.where(), Name: args[0]}
	rest := args[1:]
	if len(rest) > 0 && strings.HasPrefix(rest[0], "escape=") {
		f.Escape = strings.TrimPrefix(rest[0], "escape=")
		rest = rest[1:]
	}
	f.Format = strings.Join(rest, "")
	b.cfg.LogFormats = append(b.cfg.LogFormats, f)
}

// MainErrorLogs returns the error logs nginx writes outside any server: the
// main-level error_log directives, or — when the config has none — the
// compiled-in default from `nginx -V` (Where zero, Context "compiled-in"),
// which on Debian is "stderr" (the journal, not a file).
func (c *Config) MainErrorLogs(b Build) []LogDirective {
	var out []LogDirective
	for _, l := range c.ErrorLogs {
		if l.Context == "main" {
			out = append(out, l)
		}
	}
	if len(out) > 0 || b.ErrorLogPath == "" {
		return out
	}
	return []LogDirective{{Context: "compiled-in", Path: Resolve(c.Prefix, b.ErrorLogPath), Level: "error"}}
}

// LogFormat returns the log_format called name; "combined" is predefined.
func (c *Config) LogFormat(name string) (LogFormat, bool) {
	for _, f := range c.LogFormats {
		if f.Name == name {
			return f, true
		}
	}
	if name == "combined" {
		return LogFormat{Name: "combined", Format: `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"`}, true
	}
	return LogFormat{}, false
}
