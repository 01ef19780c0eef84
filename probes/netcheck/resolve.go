// Package netcheck measures the network facts behind a 502: name resolution,
// reachability (ICMP or TCP), TCP/unix connects with their errno, who listens on
// a port or socket, and whether SELinux/AppArmor may be refusing nginx. It
// reports facts and timings; deciding what they mean is the caller's job.
package netcheck

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strings"
	"time"
)

// hostsPath is where nginx's load-time getaddrinfo looks first on a usual nsswitch.
const hostsPath = "/etc/hosts"

// Lookup is the result of resolving one host name.
type Lookup struct {
	Host  string
	Addrs []netip.Addr
	Took  time.Duration
	Err   error
	// Source is "ip literal" when Host was an address, else "resolver".
	Source string
	// HostsFile is what /etc/hosts says for Host; nginx resolves upstream names
	// once at load time through getaddrinfo, which usually consults it first.
	HostsFile []netip.Addr
}

// Resolve looks host up with Go's resolver within timeout. IP literals
// (brackets and IPv6 zones allowed) return at once without a query.
func Resolve(ctx context.Context, host string, timeout time.Duration) Lookup {
	return resolve(ctx, host, timeout, hostsPath)
}

// ResolveWith is Resolve with the hosts file at hosts (a box's root other
// than /, or a test's). Like nginx's getaddrinfo at start-up with the usual
// nsswitch "files dns", a name the hosts file lists is answered from it.
func ResolveWith(ctx context.Context, host string, timeout time.Duration, hosts string) Lookup {
	return resolve(ctx, host, timeout, hosts)
}

func resolve(ctx context.Context, host string, timeout time.Duration, hosts string) Lookup {
	l := Lookup{Host: host}
	bare := strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if a, err := netip.ParseAddr(bare); err == nil {
		l.Source, l.Addrs = "ip literal", []netip.Addr{a}
		return l
	}
	l.Source = "resolver"
	if data, err := readHosts(hosts); err == nil {
		l.HostsFile = HostsAddrs(data, host)
	}
	if len(l.HostsFile) > 0 {
		l.Source, l.Addrs = "hosts file", NginxOrder(l.HostsFile)
		return l
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	l.Took = time.Since(start)
	if err != nil {
		l.Err = fmt.Errorf("resolve %q: %w", host, err)
		return l
	}
	for _, a := range addrs {
		l.Addrs = append(l.Addrs, a.Unmap())
	}
	l.Addrs = NginxOrder(l.Addrs)
	return l
}

// NginxOrder is the order nginx keeps a name's addresses in when it
// resolves it at start-up (ngx_inet_resolve_host): every IPv4 address
// first, then every IPv6 one, each in the resolver's order. A request
// tries them in turn, so a dead first address is an error on every try.
func NginxOrder(addrs []netip.Addr) []netip.Addr {
	out := make([]netip.Addr, 0, len(addrs))
	for _, v6 := range []bool{false, true} {
		for _, a := range addrs {
			if is6 := a.Is6() && !a.Is4In6(); is6 == v6 {
				out = append(out, a)
			}
		}
	}
	return out
}

// maxHosts bounds how much of a hosts file is read.
const maxHosts = 4 << 20

// readHosts reads a hosts file, regular files only and size-capped: a FIFO
// or a huge file there must not hang or exhaust a root process.
func readHosts(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	return io.ReadAll(io.LimitReader(f, maxHosts))
}

// HostsAddrs returns the addresses an /etc/hosts text gives for name, in file
// order, matching canonical names and aliases case-insensitively.
func HostsAddrs(data []byte, name string) []netip.Addr {
	var out []netip.Addr
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		a, err := netip.ParseAddr(f[0])
		if err != nil {
			continue
		}
		for _, n := range f[1:] {
			if strings.EqualFold(n, name) {
				out = append(out, a)
				break
			}
		}
	}
	return out
}
