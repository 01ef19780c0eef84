package nginx

import (
	"strconv"
	"strings"
)

// passSchemes lists the URL prefixes a *_pass accepts and the scheme
// assumed when none is written (ngx_http_*_pass in the nginx sources).
func passSchemes(directive string) (prefixes []string, def string) {
	switch directive {
	case "proxy_pass":
		return []string{"http", "https"}, ""
	case "fastcgi_pass":
		return nil, "fastcgi"
	case "uwsgi_pass":
		return []string{"uwsgi", "suwsgi"}, "uwsgi"
	case "scgi_pass":
		return nil, "scgi"
	case "grpc_pass":
		return []string{"grpc", "grpcs"}, "grpc"
	}
	return nil, ""
}

// ParsePass splits a *_pass argument: http://name:port/uri,
// http://unix:/path:/uri, unix:/path, host:port, $var, [v6]:port …
// It never fails; what it cannot tell stays empty.
func ParsePass(directive, raw string) Pass {
	p := Pass{Directive: directive, Raw: raw, Variable: strings.Contains(raw, "$")}
	prefixes, def := passSchemes(directive)
	rest := raw
	p.Scheme = def
	for _, s := range prefixes {
		if len(rest) > len(s)+3 && strings.EqualFold(rest[:len(s)+3], s+"://") {
			p.Scheme, rest = s, rest[len(s)+3:]
			break
		}
	}
	uriPart := directive == "proxy_pass"
	if uriPart && p.Scheme == "" && !p.Variable {
		return p // nginx: "invalid URL prefix"; nothing to connect to
	}
	if u, ok := cutPrefixFold(rest, "unix:"); ok {
		// Only proxy_pass has a URI part, separated from the path by ':'.
		if uriPart {
			u, p.URI, _ = strings.Cut(u, ":")
		}
		p.Unix = u
		return p
	}
	if uriPart {
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			rest, p.URI = rest[:i], rest[i:]
		}
	}
	p.Host, p.Port = splitHostPort(rest)
	return p
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// splitHostPort splits "host", "host:port", "[v6]" or "[v6]:port"; the
// brackets are dropped from the host and a port that is not a number is 0.
func splitHostPort(s string) (string, int) {
	host, port := s, ""
	if strings.HasPrefix(s, "[") {
		if i := strings.IndexByte(s, ']'); i > 0 {
			host = s[1:i]
			port, _ = strings.CutPrefix(s[i+1:], ":")
		}
	} else if i := strings.LastIndexByte(s, ':'); i >= 0 {
		host, port = s[:i], s[i+1:]
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		n = 0
	}
	return host, n
}

// parseUpstreamServer reads `server address [params…]` inside upstream{}.
func parseUpstreamServer(it item) UpstreamServer {
	s := UpstreamServer{Where: it.where(), Address: it.arg(0), MaxFails: -1}
	if len(it.d.Args) > 1 {
		s.Params = it.d.Args[1:]
	}
	if u, ok := cutPrefixFold(s.Address, "unix:"); ok {
		s.Unix = u
	} else {
		s.Host, s.Port = splitHostPort(s.Address)
	}
	for _, p := range s.Params {
		switch {
		case p == "backup":
			s.Backup = true
		case p == "down":
			s.Down = true
		case strings.HasPrefix(p, "max_fails="):
			if n, err := strconv.Atoi(p[len("max_fails="):]); err == nil {
				s.MaxFails = n
			}
		case strings.HasPrefix(p, "weight="):
			if n, err := strconv.Atoi(p[len("weight="):]); err == nil && n > 0 {
				s.Weight = n
			}
		case strings.HasPrefix(p, "fail_timeout="):
			s.FailTimeout = p[len("fail_timeout="):]
		}
	}
	return s
}

// linkGroups names, for each non-variable pass, the upstream{} block it
// uses: same name (case-insensitive, as nginx compares) and no port written.
func (b *builder) linkGroups() {
	groups := b.cfg.upstreamIndex()
	for si := range b.cfg.Servers {
		for li := range b.cfg.Servers[si].Locations {
			p := b.cfg.Servers[si].Locations[li].Pass
			if p == nil || p.Variable || p.Unix != "" || p.Port != 0 {
				continue
			}
			if u, ok := groups[strings.ToLower(p.Host)]; ok {
				p.Group = u.Name
			}
		}
	}
}

// upstreamIndex maps lower-cased names to blocks (the first of a name wins,
// as nginx reports any later one as duplicate).
func (c *Config) upstreamIndex() map[string]*UpstreamBlock {
	m := make(map[string]*UpstreamBlock, len(c.Upstreams))
	for i := range c.Upstreams {
		k := strings.ToLower(c.Upstreams[i].Name)
		if _, ok := m[k]; !ok {
			m[k] = &c.Upstreams[i]
		}
	}
	return m
}

// Upstream returns the upstream{} block called name (case-insensitive).
func (c *Config) Upstream(name string) *UpstreamBlock {
	for i := range c.Upstreams {
		if strings.EqualFold(c.Upstreams[i].Name, name) {
			return &c.Upstreams[i]
		}
	}
	return nil
}
