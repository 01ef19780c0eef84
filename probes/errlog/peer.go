package errlog

import "strings"

// Peer returns the normalised upstream: "127.0.0.1:8080", "[::1]:8080", "unix:/run/php.sock", the group name for no live upstreams, the host name for resolver failures; "" when none.
func Peer(e Entry) string { return peerOf(&e) }

// peerOf is Peer without copying the entry.
func peerOf(e *Entry) string {
	if p, ok := connectPeer(e.Message); ok {
		return p
	}
	return peerAfterMessage(e)
}

// connectPeer is the peer named by the message m itself, which comes
// first; false when m names none. It reads m only, so msgCache keeps it.
func connectPeer(m string) (string, bool) {
	if strings.HasPrefix(m, "connect() to ") {
		// the synchronous form names the peer even when the context was cut
		if i := strings.LastIndex(m, " failed"); i > len("connect() to ") {
			return normPeer(m[len("connect() to "):i]), true
		}
	}
	return "", false
}

// peerAfterMessage is peerOf for an entry whose message names no peer
// (connectPeer false).
func peerAfterMessage(e *Entry) string {
	m := e.Message
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
	// a scheme (http, https, fastcgi, uwsgi, suwsgi, scgi, grpc(s),
	// memcached) is 1 to 9 lowercase letters before "://": the first byte
	// that is not one ends the search, cheaper than strings.Index
	for i := 0; i < len(u) && i <= len("memcached"); i++ {
		if c := u[i]; c < 'a' || c > 'z' {
			if c == ':' && i > 0 && len(u) >= i+len("://") && u[i:i+len("://")] == "://" {
				u = u[i+len("://"):]
			}
			break
		}
	}
	if len(u) >= len("unix:") && u[:len("unix:")] == "unix:" {
		rest := u[len("unix:"):]
		p := unixPath(rest)
		if len(p) <= len(rest) && rest[:len(p)] == p {
			return u[:len("unix:")+len(p)] // a prefix of u: no allocation per entry
		}
		return "unix:" + p
	}
	start := 0
	if len(u) > 0 && u[0] == '[' {
		if j := strings.IndexByte(u, ']'); j > 0 {
			start = j
		}
	}
	// strings.IndexAny(u[start:], "/?") as two IndexByte, which beat a
	// loop over the bytes: a '?' before the first '/' is rare
	end := len(u)
	if j := strings.IndexByte(u[start:], '/'); j >= 0 {
		end = start + j
	}
	if j := strings.IndexByte(u[start:end], '?'); j >= 0 {
		end = start + j
	}
	return u[:end]
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
