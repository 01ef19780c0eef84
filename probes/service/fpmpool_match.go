package service

import (
	"net"
	"net/netip"
	"path/filepath"
	"strings"
)

// PoolFor returns the pool that listens where a connection to address on network
// ("unix" or "tcp") lands: for unix the same socket path ("unix:" prefix and
// /var/run ≡ /run allowed); for tcp the same host and port, else a pool bound to
// all addresses on that port ("9000" and "[::]:9000" take IPv4 and IPv6,
// "0.0.0.0:9000" IPv4 only). An exact match wins over a wildcard one.
func PoolFor(pools []FPMPool, network, address string) (FPMPool, bool) {
	switch network {
	case "unix":
		want := socketKey(address)
		for _, p := range pools {
			if strings.HasPrefix(p.Listen, "/") && socketKey(p.Listen) == want {
				return p, true
			}
		}
	case "tcp", "tcp4", "tcp6":
		host, port, err := net.SplitHostPort(address)
		if err != nil {
			return FPMPool{}, false
		}
		var wild *FPMPool
		for i, p := range pools {
			lhost, lport, ok := listenHostPort(p.Listen)
			if !ok || lport != port {
				continue
			}
			switch hostMatch(lhost, host) {
			case matchExact:
				return p, true
			case matchWildcard:
				if wild == nil {
					wild = &pools[i]
				}
			}
		}
		if wild != nil {
			return *wild, true
		}
	}
	return FPMPool{}, false
}

// listenHostPort splits a TCP listen value; host is "" for a bare port (all
// addresses). ok is false for a unix socket path.
func listenHostPort(listen string) (host, port string, ok bool) {
	if listen == "" || strings.HasPrefix(listen, "/") {
		return "", "", false
	}
	if strings.Trim(listen, "0123456789") == "" {
		return "", listen, true
	}
	// php-fpm splits at the last colon and strips brackets, as here.
	i := strings.LastIndexByte(listen, ':')
	if i < 0 {
		return "", "", false
	}
	host = strings.TrimSuffix(strings.TrimPrefix(listen[:i], "["), "]")
	return host, listen[i+1:], true
}

type hostMatchKind int

const (
	matchNone hostMatchKind = iota
	matchExact
	matchWildcard
)

// hostMatch compares a pool's listen host with the host a client connects to.
func hostMatch(listen, dial string) hostMatchKind {
	la, lerr := netip.ParseAddr(listen)
	da, derr := netip.ParseAddr(dial)
	switch {
	case listen == "" || (lerr == nil && la == netip.IPv6Unspecified()):
		return matchWildcard
	case lerr == nil && la == netip.IPv4Unspecified():
		if derr == nil && da.Unmap().Is4() {
			return matchWildcard
		}
		return matchNone
	case lerr == nil && derr == nil && la.Unmap() == da.Unmap():
		return matchExact
	case strings.EqualFold(listen, dial):
		return matchExact
	case strings.EqualFold(listen, "localhost") && derr == nil && da.IsLoopback(),
		strings.EqualFold(dial, "localhost") && lerr == nil && la.IsLoopback():
		return matchExact
	}
	return matchNone
}

// socketKey is a socket path in the form two spellings of the same file share.
func socketKey(p string) string {
	p = filepath.Clean(strings.TrimPrefix(p, "unix:"))
	if rest, ok := strings.CutPrefix(p, "/var/run/"); ok {
		p = "/run/" + rest
	}
	return p
}
