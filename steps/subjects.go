package steps

import (
	"context"
	"net"
	"net/netip"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"ngx502/probes/netcheck"
	"ngx502/probes/nginx"
)

// What the config on disk says a peer is (subjects.known).
const (
	peerEndpoint = "endpoint" // a server line or *_pass names it, directly or by resolution
	peerGroup    = "group"    // an upstream{} name
	peerResolver = "resolver" // an address of a resolver directive
	peerVariable = "variable" // unknown, but a *_pass with a variable may send anywhere
)

const (
	// subjectResolveBudget bounds each name lookup made at discovery: nginx
	// itself resolved these names at load time, this only has to match them.
	subjectResolveBudget = 2 * time.Second
	resolverPort         = 53 // what nginx's resolver directive assumes
)

// lookupFunc resolves one host name (netcheck.Resolve; tests inject one).
type lookupFunc func(ctx context.Context, host string, timeout time.Duration) netcheck.Lookup

// subjects gives every backend one name, subjectOf its configured endpoint,
// whatever the log, a probe or a connect calls it. Read-only once built.
type subjects struct {
	byPeer    map[string]string              // peerKey → subject: subjects, literal and resolved addresses
	wheres    map[string]nginx.Where         // subject → where it is written
	hosts     map[string]string              // lower-cased host → subject; "" when several ports share it
	groups    map[string]nginx.UpstreamBlock // lower-cased upstream{} name → block (nginx compares so)
	resolvers map[string]nginx.Where         // "addr:port" or "name:port" → the resolver directive
	variables []*nginx.Pass                  // *_pass with a variable, in config order
	lookups   map[string]netcheck.Lookup     // every name resolved, for steps that would resolve it again
}

// newSubjects builds c's subjects, resolving each host name once, concurrently
// and bounded; a name that does not resolve in time stays itself.
func newSubjects(ctx context.Context, c *Case) subjects {
	hosts := c.hostsPath()
	return buildSubjects(ctx, c, func(ctx context.Context, host string, timeout time.Duration) netcheck.Lookup {
		return netcheck.ResolveWith(ctx, host, timeout, hosts)
	})
}

func buildSubjects(ctx context.Context, c *Case, lookup lookupFunc) subjects {
	s := subjects{byPeer: map[string]string{}, wheres: map[string]nginx.Where{}, hosts: map[string]string{},
		groups: map[string]nginx.UpstreamBlock{}, resolvers: map[string]nginx.Where{}, lookups: map[string]netcheck.Lookup{}}
	if c.Config == nil {
		return s
	}
	eps := append([]nginx.Endpoint(nil), c.Endpoints...)
	// Servers no location reaches (down, or in an unused upstream{}) are
	// still named by the config: a log line about one is not a stranger.
	for _, u := range c.Config.Upstreams {
		if k := strings.ToLower(u.Name); s.groups[k].Name == "" {
			s.groups[k] = u // the first of a name wins, as in nginx
		}
		for _, us := range u.Servers {
			if ep, ok := upstreamServerEndpoint(us); ok {
				eps = append(eps, ep)
			}
		}
	}
	resolvers := configResolvers(c.Config)
	timeout := subjectResolveBudget
	if c.Opts.Timeout > 0 {
		timeout = min(c.Opts.Timeout, subjectResolveBudget)
	}
	s.lookups = resolveNames(ctx, subjectNames(eps, resolvers), timeout, lookup)
	for _, ep := range eps {
		s.addEndpoint(ep)
	}
	for _, ep := range eps {
		s.addResolved(ep)
	}
	for _, r := range resolvers {
		s.addResolver(r)
	}
	s.variables = variablePasses(c.Config)
	return s
}

// canonical names peer as its configured endpoint or upstream{} does, else
// as given without scheme or URI, IPv6 in brackets.
func (s subjects) canonical(peer string) string {
	n := normalPeer(peer)
	k := peerKey(n)
	if sub, ok := s.byPeer[k]; ok {
		return sub
	}
	if g, ok := s.groups[k]; ok {
		return g.Name
	}
	if sub := s.hosts[k]; sub != "" {
		return sub
	}
	return n
}

// known is what the config on disk makes of peer (peerEndpoint …), "" when
// it does not name it; always "" without a config, so check c.Config first.
func (s subjects) known(peer string) (kind string) {
	n := normalPeer(peer)
	k := peerKey(n)
	if _, ok := s.byPeer[k]; ok {
		return peerEndpoint
	}
	if _, ok := s.groups[k]; ok {
		return peerGroup
	}
	if _, ok := s.hosts[k]; ok {
		return peerEndpoint
	}
	if _, ok := s.resolvers[resolverKey(n)]; ok {
		return peerResolver
	}
	if len(s.variables) > 0 {
		return peerVariable
	}
	return ""
}

// explain is the evidence line for peer's kind: which config line names
// it, or that none does.
func (s subjects) explain(peer string) string {
	n := normalPeer(peer)
	switch s.known(peer) {
	case peerEndpoint:
		sub := s.canonical(peer)
		w, ok := s.wheres[sub]
		if !ok { // a bare host name several endpoints share
			return "config: " + n + " is the host of several endpoints"
		}
		text := "config: " + sub
		if !strings.EqualFold(sub, n) {
			text = "config: " + n + " is " + sub
		}
		return text + atWhere(w)
	case peerGroup:
		g := s.groups[peerKey(n)]
		return "config: upstream " + g.Name + atWhere(g.Where)
	case peerResolver:
		return "config: " + n + " is a resolver" + atWhere(s.resolvers[resolverKey(n)])
	case peerVariable:
		p := s.variables[0]
		text := "config: " + n + " may be the per-request target of " + p.Directive + " " + p.Raw + atWhere(p.Where)
		if more := len(s.variables) - 1; more > 0 {
			text += " (and " + strconv.Itoa(more) + " more *_pass with a variable)"
		}
		return text
	}
	return "log: " + n + " is not in the config on disk"
}

// atWhere renders " at file:line", or nothing when the place is unknown.
func atWhere(w nginx.Where) string {
	if w.File == "" {
		return ""
	}
	return " at " + where(w)
}

func (s subjects) addEndpoint(ep nginx.Endpoint) {
	sub := subjectOf(ep)
	if _, ok := s.wheres[sub]; !ok {
		s.wheres[sub] = ep.Where
	}
	s.mapPeer(sub, sub)
	s.mapPeer(normalPeer(sub), sub) // [0:0::1]:80 is logged as [::1]:80, unix://x as unix:/x
	if ep.Network == "unix" {
		return
	}
	h := strings.ToLower(ep.Host)
	if prev, ok := s.hosts[h]; !ok {
		s.hosts[h] = sub
	} else if prev != sub {
		s.hosts[h] = "" // several ports: a bare name is ambiguous
	}
}

// addResolved maps the addresses ep's name resolved to; a literal of the
// config named earlier keeps its own name (mapPeer never overwrites).
func (s subjects) addResolved(ep nginx.Endpoint) {
	for _, a := range s.lookups[ep.Host].Addrs {
		s.mapPeer(netip.AddrPortFrom(a.Unmap(), uint16(ep.Port)).String(), subjectOf(ep))
	}
}

// mapPeer maps peer to sub unless an earlier endpoint holds it: endpoints
// come sorted, so two names resolving to one address pick stably.
func (s subjects) mapPeer(peer, sub string) {
	if k := peerKey(peer); s.byPeer[k] == "" {
		s.byPeer[k] = sub
	}
}

func (s subjects) addResolver(r configResolver) {
	add := func(k string) {
		if _, ok := s.resolvers[k]; !ok {
			s.resolvers[k] = r.where
		}
	}
	add(resolverKey(net.JoinHostPort(r.host, strconv.Itoa(r.port))))
	for _, a := range s.lookups[r.host].Addrs {
		add(netip.AddrPortFrom(a, uint16(r.port)).String())
	}
}

// upstreamServerEndpoint is the endpoint of an upstream server line the
// way Endpoints builds it (no port: 80); protocol is not known here.
func upstreamServerEndpoint(us nginx.UpstreamServer) (nginx.Endpoint, bool) {
	if us.Unix != "" {
		return nginx.Endpoint{Network: "unix", Address: us.Unix, Where: us.Where}, true
	}
	if us.Host == "" {
		return nginx.Endpoint{}, false
	}
	port := us.Port
	if port == 0 {
		port = 80
	}
	return nginx.Endpoint{Network: "tcp", Address: net.JoinHostPort(us.Host, strconv.Itoa(port)),
		Host: us.Host, Port: port, Where: us.Where}, true
}

// configResolver is one address of a resolver directive.
type configResolver struct {
	host  string // address or name, no brackets
	port  int
	where nginx.Where
}

// configResolvers lists the resolver addresses at every level: http,
// server and location (Location.Settings holds the effective ones) and
// upstream{} blocks; valid=, ipv6= and other parameters are skipped.
func configResolvers(cfg *nginx.Config) []configResolver {
	var out []configResolver
	fromArgs := func(args []string, w nginx.Where) {
		for _, a := range args {
			if strings.Contains(a, "=") {
				continue
			}
			host, port := splitPeerHostPort(a)
			if port == 0 {
				port = resolverPort
			}
			out = append(out, configResolver{host: host, port: port, where: w})
		}
	}
	fromSettings := func(st nginx.Settings) {
		if d, ok := st.Get("resolver"); ok {
			for i, args := range d.All {
				fromArgs(args, d.Wheres[i])
			}
		}
	}
	fromSettings(cfg.HTTP)
	for _, srv := range cfg.Servers {
		for _, l := range srv.Locations {
			fromSettings(l.Settings)
		}
	}
	for _, u := range cfg.Upstreams {
		fromArgs(u.Resolver, u.Where)
	}
	return out
}

// variablePasses lists the *_pass directives whose target is a variable.
func variablePasses(cfg *nginx.Config) []*nginx.Pass {
	var out []*nginx.Pass
	seen := map[nginx.Where]bool{}
	for _, srv := range cfg.Servers {
		for _, l := range srv.Locations {
			if p := l.Pass; p != nil && p.Variable && !seen[p.Where] {
				seen[p.Where] = true
				out = append(out, p)
			}
		}
	}
	return out
}

// subjectNames are the distinct host names to resolve (not IP literals).
func subjectNames(eps []nginx.Endpoint, rs []configResolver) []string {
	var out []string
	seen := map[string]bool{}
	add := func(h string) {
		if _, ip := literal(h); h != "" && !ip && !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	for _, ep := range eps {
		if ep.Network != "unix" {
			add(ep.Host)
		}
	}
	for _, r := range rs {
		add(r.host)
	}
	return out
}

// resolveNames looks every name up once, at most connectLimit at a time;
// what failed or had no time keeps no addresses. The /etc/hosts entries
// count too: nginx's getaddrinfo read them at load.
func resolveNames(ctx context.Context, names []string, timeout time.Duration, lookup lookupFunc) map[string]netcheck.Lookup {
	got := make([]netcheck.Lookup, len(names))
	ran := forEach(ctx, len(names), connectLimit, func(i int) { got[i] = lookup(ctx, names[i], timeout) })
	out := make(map[string]netcheck.Lookup, len(names))
	for i, l := range got {
		if !ran[i] {
			continue
		}
		for _, a := range l.HostsFile {
			if a = a.Unmap(); !slices.Contains(l.Addrs, a) {
				l.Addrs = append(l.Addrs, a)
			}
		}
		out[names[i]] = l
	}
	return out
}

// normalPeer drops scheme and URI, cleans socket paths ("unix:///x:/u",
// "/x" → "unix:/x") and writes addresses as Go does ("[0::1]:80" → "[::1]:80").
func normalPeer(peer string) string {
	p := strings.TrimSpace(peer)
	if i := strings.Index(p, "://"); i > 0 && strings.Trim(p[:i], "abcdefghijklmnopqrstuvwxyz") == "" && p[:i] != "unix" {
		p = p[i+len("://"):]
	}
	if len(p) >= 5 && strings.EqualFold(p[:5], "unix:") {
		path, _, _ := strings.Cut(p[5:], ":")
		return "unix:" + filepath.Clean("/"+strings.TrimLeft(path, "/"))
	}
	if strings.HasPrefix(p, "/") {
		return "unix:" + filepath.Clean(p)
	}
	start := 0
	if strings.HasPrefix(p, "[") {
		start = max(0, strings.IndexByte(p, ']'))
	}
	if j := strings.IndexAny(p[start:], "/?"); j >= 0 {
		p = p[:start+j]
	}
	if ap, err := netip.ParseAddrPort(p); err == nil {
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()).String()
	}
	if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(p, "["), "]")); err == nil {
		if a = a.Unmap(); a.Is6() {
			return "[" + a.String() + "]"
		}
		return a.String()
	}
	return p
}

// peerKey is the lookup key of a normalised peer: host names compare
// case-insensitively, socket paths do not.
func peerKey(n string) string {
	if strings.HasPrefix(n, "unix:") {
		return n
	}
	return strings.ToLower(n)
}

// resolverKey writes a resolver peer as lower-cased "host:port", port 53
// when none is given.
func resolverKey(peer string) string {
	host, port := splitPeerHostPort(normalPeer(peer))
	if port == 0 {
		port = resolverPort
	}
	return peerKey(normalPeer(net.JoinHostPort(host, strconv.Itoa(port))))
}

// splitPeerHostPort splits "h", "h:p", "[v6]", "[v6]:p" or a bare IPv6
// address; the port is 0 when absent or not a number.
func splitPeerHostPort(s string) (string, int) {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.String(), 0 // "::1" has colons but no port
	}
	if host, port, err := net.SplitHostPort(s); err == nil {
		n, _ := strconv.ParseUint(port, 10, 16)
		return host, int(n)
	}
	return strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"), 0
}
