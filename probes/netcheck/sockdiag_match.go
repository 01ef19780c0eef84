package netcheck

import (
	"net/netip"
	"path/filepath"
	"strings"
)

// QueuesFor returns the queues of the listeners that take a connection to address on
// network ("tcp" or "unix"), exact matches first. For tcp that is the same
// address and port, or a wildcard listener (0.0.0.0, or [::] which may be IPv6-only)
// on that port; for unix the same path, "unix:" prefix and /var/run ≡ /run allowed.
func QueuesFor(qs []Queue, network, address string) []Queue {
	var exact, wild []Queue
	switch network {
	case "unix":
		want := unixKey(address)
		for _, q := range qs {
			if q.Network == "unix" && q.Address != "" && unixKey(q.Address) == want {
				exact = append(exact, q)
			}
		}
	case "tcp", "tcp4", "tcp6":
		want, err := netip.ParseAddrPort(address)
		for _, q := range qs {
			if q.Network != "tcp" {
				continue
			}
			if q.Address == address {
				exact = append(exact, q)
				continue
			}
			got, perr := netip.ParseAddrPort(q.Address)
			if err != nil || perr != nil || got.Port() != want.Port() {
				continue
			}
			switch ga, wa := got.Addr(), want.Addr(); {
			case ga == wa || ga == netip.AddrFrom16(wa.As16()) || ga.Unmap() == wa:
				exact = append(exact, q)
			case ga == netip.IPv6Unspecified() || (ga == netip.IPv4Unspecified() && wa.Unmap().Is4()):
				wild = append(wild, q)
			}
		}
	}
	return append(exact, wild...)
}

// unixKey is a socket path in the form two spellings of the same file share.
func unixKey(p string) string {
	p = strings.TrimPrefix(p, "unix:")
	if strings.HasPrefix(p, "@") {
		return p
	}
	p = filepath.Clean(p)
	if rest, ok := strings.CutPrefix(p, "/var/run/"); ok {
		p = "/run/" + rest
	}
	return p
}
