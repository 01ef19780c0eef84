package nginx

import (
	"net"
	"sort"
	"strconv"
	"strings"
)

// Endpoint is one address nginx connects to for some location(s).
type Endpoint struct {
	Network  string // "tcp" or "unix"
	Address  string // "127.0.0.1:8080", "[::1]:8080", "localhost:3000" or a socket path
	Host     string
	Port     int
	Protocol string // http https fastcgi uwsgi suwsgi scgi grpc grpcs
	Group    string // upstream{} block name, "" for a direct *_pass
	Backup   bool   // a `backup` server: nginx asks it only when the others fail
	// Member is the upstream{} server line's parameters (nil for a direct
	// *_pass): weight, max_fails, fail_timeout as written.
	Member *UpstreamServer
	Routes []Route
	Where  Where // where the address is written: upstream server line or the *_pass
}

// Route is one location that sends requests to an endpoint.
type Route struct {
	Server   string // first server_name, else first listen
	Location string
	Where    Where // the location
	Pass     Where // its *_pass
}

// Endpoints lists the upstream addresses the configuration sends requests
// to, deduplicated by network+address+protocol and sorted. A pass naming an
// upstream{} yields that block's servers (except `down` ones, which nginx
// never contacts); a variable pass is skipped (it stays in Location.Pass)
// because its target is known only per request.
func (c *Config) Endpoints() []Endpoint {
	var out []Endpoint
	index := map[string]int{}
	add := func(e Endpoint, r Route) {
		key := e.Network + "\x00" + e.Address + "\x00" + e.Protocol
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, e)
		}
		out[i].Routes = append(out[i].Routes, r)
	}
	groups := c.upstreamIndex()
	for _, s := range c.Servers {
		for _, l := range s.Locations {
			p := l.Pass
			if p == nil || p.Variable {
				continue
			}
			r := Route{Server: s.Label(), Location: l.Match, Where: l.Where, Pass: p.Where}
			if p.Group != "" {
				if u, ok := groups[strings.ToLower(p.Group)]; ok {
					for _, us := range u.Servers {
						if e, ok := endpointOf(us.Unix, us.Host, us.Port, 80, p.Scheme, us.Where); ok && !us.Down {
							e.Group, e.Backup, e.Member = u.Name, us.Backup, &us
							add(e, r)
						}
					}
				}
				continue
			}
			if e, ok := endpointOf(p.Unix, p.Host, p.Port, defaultPort(p.Scheme), p.Scheme, p.Where); ok {
				add(e, r)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Network != b.Network {
			return a.Network < b.Network
		}
		if a.Address != b.Address {
			return a.Address < b.Address
		}
		return a.Protocol < b.Protocol
	})
	return out
}

// endpointOf builds an endpoint; ok is false when there is no address to
// connect to (no host, or no port and no default for the protocol).
func endpointOf(unix, host string, port, defPort int, proto string, w Where) (Endpoint, bool) {
	if unix != "" {
		return Endpoint{Network: "unix", Address: unix, Protocol: proto, Where: w}, true
	}
	if port == 0 {
		port = defPort
	}
	if host == "" || port == 0 {
		return Endpoint{}, false
	}
	return Endpoint{Network: "tcp", Address: net.JoinHostPort(host, strconv.Itoa(port)), Host: host, Port: port, Protocol: proto, Where: w}, true
}

// defaultPort is the port nginx assumes when a direct pass names none; the
// other protocols require one (nginx -t: "no port in upstream").
func defaultPort(scheme string) int {
	switch scheme {
	case "http":
		return 80
	case "https":
		return 443
	}
	return 0
}
