package steps

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"ngx502/probes/netcheck"
	"ngx502/probes/nginx"
)

// dialKey names one connect target.
type dialKey struct{ network, address string }

// distinctTargets drops endpoints that differ only in protocol: the
// network sees one address.
func distinctTargets(in []nginx.Endpoint) []nginx.Endpoint {
	seen := map[dialKey]bool{}
	var out []nginx.Endpoint
	for _, ep := range in {
		k := dialKey{ep.Network, ep.Address}
		if !seen[k] {
			seen[k] = true
			out = append(out, ep)
		}
	}
	return out
}

// literal returns the address when host is an IP literal.
func literal(host string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(host)
	return a, err == nil
}

// resolveAll looks up every distinct host name once, concurrently.
func resolveAll(ctx context.Context, c *Case, eps []nginx.Endpoint) map[string]netcheck.Lookup {
	var hosts []string
	seen := map[string]bool{}
	for _, ep := range eps {
		if _, ip := literal(ep.Host); ep.Network != "unix" && !ip && !seen[ep.Host] {
			seen[ep.Host] = true
			hosts = append(hosts, ep.Host)
		}
	}
	got := make([]*netcheck.Lookup, len(hosts))
	forEach(ctx, len(hosts), connectLimit, func(i int) {
		if l := netcheck.ResolveWith(ctx, hosts[i], c.Opts.Timeout, c.hostsPath()); !interrupted(ctx, l.Err != nil) {
			got[i] = &l
		}
	})
	out := map[string]netcheck.Lookup{}
	for i, l := range got {
		if l != nil {
			out[hosts[i]] = *l
		}
	}
	return out
}

// hostsFile is the /etc/hosts nginx reads: under --root when one is
// given; the master's own view when it runs in another mount namespace
// (a container, a chroot, a lab) — nginx resolved its upstreams with
// that file, not the box's; else the box's. Discovery finds it once;
// hostsPath is what the steps use.
func (c *Case) hostsFile() string {
	if orDefault(c.Opts.Root, "/") == "/" && c.Install.Master != nil {
		proc := orDefault(c.Opts.ProcRoot, "/proc")
		pid := strconv.Itoa(c.Install.Master.PID)
		theirs, err1 := os.Readlink(filepath.Join(proc, pid, "ns", "mnt"))
		ours, err2 := os.Readlink(filepath.Join(proc, "self", "ns", "mnt"))
		if err1 == nil && err2 == nil && theirs != ours {
			return filepath.Join(proc, pid, "root", "etc", "hosts")
		}
	}
	return filepath.Join(orDefault(c.Opts.Root, "/"), "etc", "hosts")
}

// hostsPath is the hosts file discovery found, or found now for a Case
// built by hand.
func (c *Case) hostsPath() string {
	if c.hosts != "" {
		return c.hosts
	}
	return c.hostsFile()
}

// addrsOf is where ep's host points; ok is false when it was not resolved in time.
func addrsOf(ep nginx.Endpoint, lookups map[string]netcheck.Lookup) (addrs []netip.Addr, ok bool) {
	if a, ip := literal(ep.Host); ip {
		return []netip.Addr{a}, true
	}
	l, ok := lookups[ep.Host]
	return l.Addrs, ok
}

// reachAll connects once to every distinct address and pings every
// distinct host that resolved, the two pools side by side.
func reachAll(ctx context.Context, c *Case, eps []nginx.Endpoint, lookups map[string]netcheck.Lookup) (map[dialKey]netcheck.Dial, map[string]netcheck.Ping) {
	var dials []dialKey
	var hosts []nginx.Endpoint // first endpoint of each host: its port is the TCP ping's
	seen := map[dialKey]bool{}
	pingSeen := map[string]bool{}
	add := func(k dialKey) {
		if !seen[k] {
			seen[k] = true
			dials = append(dials, k)
		}
	}
	for _, ep := range eps {
		if ep.Network == "unix" {
			add(dialKey{"unix", ep.Address})
			continue
		}
		addrs, _ := addrsOf(ep, lookups)
		for _, a := range addrs {
			add(dialKey{"tcp", netip.AddrPortFrom(a, uint16(ep.Port)).String()})
		}
		if len(addrs) > 0 && !pingSeen[ep.Host] {
			pingSeen[ep.Host] = true
			hosts = append(hosts, ep)
		}
	}
	gotDials := make([]*netcheck.Dial, len(dials))
	gotPings := make([]*netcheck.Ping, len(hosts))
	var wg sync.WaitGroup
	wg.Go(func() {
		forEach(ctx, len(dials), connectLimit, func(i int) {
			if d := netcheck.Connect(ctx, dials[i].network, dials[i].address, c.Opts.Timeout); !interrupted(ctx, d.Err != nil) {
				gotDials[i] = &d
			}
		})
	})
	forEach(ctx, len(hosts), pingLimit, func(i int) {
		if p := netcheck.PingHost(ctx, hosts[i].Host, hosts[i].Port, 3, c.Opts.Timeout); !interrupted(ctx, p.Received == 0) {
			gotPings[i] = &p
		}
	})
	wg.Wait()
	dm, pm := map[dialKey]netcheck.Dial{}, map[string]netcheck.Ping{}
	for i, d := range gotDials {
		if d != nil {
			dm[dials[i]] = *d
		}
	}
	for i, p := range gotPings {
		if p != nil {
			pm[hosts[i].Host] = *p
		}
	}
	return dm, pm
}
