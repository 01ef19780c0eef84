package service

import (
	"net"
	"regexp"
	"strings"
)

// portFlags are options whose next word is a listening port or address.
var portFlags = map[string]bool{
	"-p": true, "--port": true, "-P": true, "-l": true, "--listen": true,
	"-b": true, "--bind": true, "--http-port": true, "--socket": true, "-s": true,
}

// addrWant is the address nothing answers on: a unix socket path, or a TCP
// port with the host nginx dials ("" when only the port is known).
type addrWant struct {
	path       string
	host, port string
	loose      *regexp.Regexp // the port as a number not inside a longer one nor an IPv4 address
}

func newAddrWant(network, address string) (addrWant, bool) {
	if network == "unix" {
		if address == "" {
			return addrWant{}, false
		}
		return addrWant{path: address}, true
	}
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		host, port = "", address // a bare port
	}
	if port == "" || strings.Trim(port, "0123456789") != "" {
		return addrWant{}, false
	}
	return addrWant{host: host, port: port, loose: regexp.MustCompile(`(^|[^0-9.])` + port + `([^0-9.]|$)`)}, true
}

// mentions reports whether line names the address anywhere.
func (w addrWant) mentions(line string) bool {
	if w.path != "" {
		return strings.Contains(line, w.path) || strings.Contains(line, strings.Replace(w.path, "/run/", "/var/run/", 1))
	}
	return w.loose.MatchString(line)
}

// exactIn reports whether some word of words is the address itself: the
// socket path, a host:port nginx's connection lands on, or a bare port
// after a port option ("-p 8080", "--port=8080").
func (w addrWant) exactIn(words []string) bool {
	for i, word := range words {
		word = strings.Trim(word, `"'`)
		key, val, hasEq := strings.Cut(word, "=")
		if !hasEq {
			key, val = "", word
		}
		prevFlag := i > 0 && portFlags[strings.Trim(words[i-1], `"'`)]
		if w.exact(val, portFlags[key] || prevFlag || key == "ListenStream" || key == "listen") {
			return true
		}
	}
	return false
}

// exact reports whether one value is the address; a bare port counts only
// where the context says it is one.
func (w addrWant) exact(v string, barePortOK bool) bool {
	for _, p := range []string{"unix://", "unix:", "tcp://", "http://", "https://", "fcgi://"} {
		v = strings.TrimPrefix(v, p)
	}
	v = strings.TrimSuffix(v, "/")
	if w.path != "" {
		return strings.HasPrefix(v, "/") && socketKey(v) == socketKey(w.path)
	}
	if v == w.port {
		return barePortOK
	}
	host, port, ok := listenHostPort(v)
	if !ok || port != w.port {
		return false
	}
	if w.host == "" || host == "*" {
		return true
	}
	return hostMatch(host, w.host) != matchNone
}
