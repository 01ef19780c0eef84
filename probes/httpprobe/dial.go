package httpprobe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// session is one connection opened the way nginx opens it to an upstream, with what
// its opening cost.
type session struct {
	conn    net.Conn
	phase   string        // the phase that failed, when opening failed
	dns     time.Duration // the lookup (0 for an IP literal or a socket path)
	connect time.Duration // all connection attempts
	attempt time.Duration // the longest single attempt (what proxy_connect_timeout bounds)
	tls     time.Duration // the handshake
}

// open resolves, connects and (for https) shakes hands, all within ctx. On failure
// s.phase names the step and no connection is left open.
func open(ctx context.Context, t Target) (s session, err error) {
	var cfg *tls.Config
	if t.Scheme == "https" {
		// Certificate files are read first: a missing file fails nginx before it connects.
		if cfg, err = tlsConfig(t); err != nil {
			s.phase = PhaseTLS
			return s, err
		}
	}
	addrs := []string{t.Address}
	if t.Network == "tcp" {
		host, port, err := net.SplitHostPort(t.Address)
		if err != nil {
			s.phase = PhaseConnect
			return s, fmt.Errorf("address %q: %w", t.Address, err)
		}
		if needsLookup(host) {
			start := time.Now()
			addrs, err = resolve(ctx, host, port)
			s.dns = time.Since(start)
			if err != nil {
				s.phase = PhaseDNS
				return s, err
			}
		}
	}
	s.conn, err = dialFirst(ctx, t.Network, addrs, &s)
	if err != nil {
		s.phase = PhaseConnect
		return s, err
	}
	if cfg == nil {
		return s, nil
	}
	start := time.Now()
	tc := tls.Client(s.conn, cfg)
	err = tc.HandshakeContext(ctx)
	s.tls = time.Since(start)
	if err != nil {
		s.conn.Close()
		s.conn, s.phase = nil, PhaseTLS
		return s, err
	}
	s.conn = tc
	return s, nil
}

// dialFirst tries each address in turn, as nginx moves on to the next server of an
// upstream; it returns the first connection made, or the last error.
func dialFirst(ctx context.Context, network string, addrs []string, s *session) (net.Conn, error) {
	var d net.Dialer
	start := time.Now()
	defer func() { s.connect = time.Since(start) }()
	var last error
	for _, a := range addrs {
		t0 := time.Now()
		c, err := d.DialContext(ctx, network, a)
		s.attempt = max(s.attempt, time.Since(t0))
		if err == nil {
			return c, nil
		}
		last = err
		if ctx.Err() != nil {
			break
		}
	}
	return nil, last
}

// needsLookup reports whether host is a name rather than an IP (with or without zone).
func needsLookup(host string) bool {
	if i := strings.IndexByte(host, '%'); i >= 0 {
		host = host[:i]
	}
	return net.ParseIP(host) == nil
}

// resolve looks host up and returns ip:port addresses, in the resolver's order.
func resolve(ctx context.Context, host, port string) ([]string, error) {
	ips, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	if err != nil {
		return nil, err
	}
	if len(ips) == 0 {
		return nil, errors.New("no address for " + host)
	}
	out := make([]string, len(ips))
	for i, ip := range ips {
		out[i] = net.JoinHostPort(ip.String(), port)
	}
	return out, nil
}
