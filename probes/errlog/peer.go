package errlog

import "strings"

// Peer returns the normalised upstream: "127.0.0.1:8080", "[::1]:8080", "unix:/run/php.sock", the group name for no live upstreams, the host name for resolver failures; "" when none.
func Peer(e Entry) string { return peerOf(&e) }

// peerOf is Peer without copying the entry.
func peerOf(e *Entry) string {
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
	// strings.Index(u, "://") bounded: only a match at 1..9 is a scheme
	if i := strings.Index(u[:min(len(u), len("memcached")+len("://"))], "://"); i > 0 && isScheme(u[:i]) {
		u = u[i+len("://"):]
	}
	if rest, ok := strings.CutPrefix(u, "unix:"); ok {
		p := unixPath(rest)
		if len(p) <= len(rest) && rest[:len(p)] == p {
			return u[:len("unix:")+len(p)] // a prefix of u: no allocation per entry
		}
		return "unix:" + p
	}
	start := 0
	if strings.HasPrefix(u, "[") {
		if j := strings.IndexByte(u, ']'); j > 0 {
			start = j
		}
	}
	for j := start; j < len(u); j++ { // strings.IndexAny(u[start:], "/?") without building a set
		if u[j] == '/' || u[j] == '?' {
			return u[:j]
		}
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
	return cutAfterSocket(p)
}

// cutAfterSocket is, in one pass over the ".sock" in p, what trying
// ".sock/", ".socket/", ".sock?", ".socket?" in turn with strings.Index
// gives: p up to the first match of the first of them that matches.
func cutAfterSocket(p string) string {
	exts := [...]string{".sock/", ".socket/", ".sock?", ".socket?"}
	first := [len(exts)]int{-1, -1, -1, -1}
	for off := 0; ; {
		i := strings.Index(p[off:], ".sock")
		if i < 0 {
			break
		}
		i += off
		for k, ext := range exts {
			if first[k] < 0 && strings.HasPrefix(p[i:], ext) {
				first[k] = i
			}
		}
		off = i + 1
	}
	for k, ext := range exts {
		if first[k] >= 0 {
			return p[:first[k]+len(ext)-1]
		}
	}
	return p
}
