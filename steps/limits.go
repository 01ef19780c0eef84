package steps

import (
	"fmt"
	"os"
	"time"

	"ngx502/probes/nginx"
)

// limit is one of nginx's per-location limits as it applies to a route:
// the effective value (inherited http → server → location) and where it is
// written; a zero Where means nginx's compiled-in default.
type limit struct {
	name  string        // "proxy_read_timeout"
	raw   string        // "1s" as written, or the default
	dur   time.Duration // for timeouts
	size  int           // for buffer sizes, in bytes
	where nginx.Where
}

// String names the limit the way a fix points at it:
// "proxy_read_timeout 1s at site.conf:14" or "proxy_read_timeout 60s (default)".
func (l limit) String() string {
	if l.where.IsZero() {
		return fmt.Sprintf("%s %s (default)", l.name, l.raw)
	}
	return fmt.Sprintf("%s %s at %s", l.name, l.raw, where(l.where))
}

// modulePrefix is the directive prefix of the module that talks to ep:
// proxy_, fastcgi_, uwsgi_, scgi_ or grpc_.
func modulePrefix(protocol string) string {
	switch protocol {
	case "fastcgi", "uwsgi", "scgi", "grpc":
		return protocol + "_"
	case "suwsgi":
		return "uwsgi_"
	case "grpcs":
		return "grpc_"
	}
	return "proxy_"
}

// timeLimit is the effective *_connect_timeout / *_read_timeout (kind
// "connect_timeout", "read_timeout") of a location; nginx's default is 60s.
func timeLimit(s nginx.Settings, protocol, kind string) limit {
	l := limit{name: modulePrefix(protocol) + kind, raw: "60s", dur: time.Minute}
	if d, ok := s[l.name]; ok && len(d.Args) > 0 {
		if t, ok := nginxTime(d.Args[0]); ok {
			l.raw, l.dur, l.where = d.Args[0], t, d.Where
		}
	}
	return l
}

// bufferLimit is the effective *_buffer_size of a location: the one buffer
// nginx reads the response header into (default: one memory page).
func bufferLimit(s nginx.Settings, protocol string) limit {
	page := os.Getpagesize()
	l := limit{name: modulePrefix(protocol) + "buffer_size", raw: fmt.Sprintf("%dk", page/1024), size: page}
	if d, ok := s[l.name]; ok && len(d.Args) > 0 {
		if n, err := parseSize(d.Args[0]); err == nil {
			l.raw, l.size, l.where = d.Args[0], n, d.Where
		}
	}
	return l
}
