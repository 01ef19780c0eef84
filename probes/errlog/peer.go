package errlog

import "strings"

// Peer returns the normalised upstream: "127.0.0.1:8080", "[::1]:8080", "unix:/run/php.sock", the group name for no live upstreams, the host name for resolver failures; "" when none.
func Peer(e Entry) string {
	m := e.Message
	if strings.HasPrefix(m, "connect() to ") {
		// the synchronous form names the peer even when the context was cut
		if i := strings.LastIndex(m, " failed"); i > len("connect() to ") {
			return normPeer(m[len("connect() to "):i])
		}
	}
	if e.Upstream != "" {
		return normPeer(e.Upstream)
	}
	switch {
	case strings.HasPrefix(m, "no resolver defined to resolve "):
		return firstWord(m[len("no resolver defined to resolve "):])
	case strings.Contains(m, " could not be resolved"):
		return m[:strings.Index(m, " could not be resolved")]
	case e.Resolver != "":
		return e.Resolver
	}
	if i := strings.Index(m, ` in upstream "`); i >= 0 {
		v := m[i+len(` in upstream "`):]
		if j := strings.IndexByte(v, '"'); j >= 0 {
			return v[:j]
		}
	}
	return ""
}

// firstWord returns s up to the first space.
func firstWord(s string) string {
	if i := strings.IndexByte(s, ' '); i >= 0 {
		return s[:i]
	}
	return s
}

// normPeer strips the scheme and the URI from an upstream value (§2.2).
func normPeer(u string) string {
	if i := strings.Index(u, "://"); i > 0 && i <= len("memcached") && isScheme(u[:i]) {
		u = u[i+len("://"):]
	}
	if rest, ok := strings.CutPrefix(u, "unix:"); ok {
		return "unix:" + unixPath(rest)
	}
	start := 0
	if strings.HasPrefix(u, "[") {
		if j := strings.IndexByte(u, ']'); j > 0 {
			start = j
		}
	}
	if j := strings.IndexAny(u[start:], "/?"); j >= 0 {
		return u[:start+j]
	}
	return u
}

// isScheme accepts http, https, fastcgi, uwsgi, suwsgi, scgi, grpc(s), memcached.
func isScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// unixPath cuts the URI off "path.sock:/uri" (the AF_UNIX separator) or,
// for timeouts where nginx loses the separator ("path.sock/uri"), after a
// ".sock"/".socket" component; "unix:///x" is the same file as "unix:/x".
func unixPath(p string) string {
	if strings.HasPrefix(p, "//") {
		p = "/" + strings.TrimLeft(p, "/")
	}
	if i := strings.IndexByte(p, ':'); i >= 0 {
		return p[:i]
	}
	for _, ext := range [...]string{".sock/", ".socket/", ".sock?", ".socket?"} {
		if i := strings.Index(p, ext); i >= 0 {
			return p[:i+len(ext)-1]
		}
	}
	return p
}
