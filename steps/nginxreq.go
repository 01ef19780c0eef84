package steps

import (
	"net"
	"strconv"
	"strings"
	"time"

	"ngx502/probes/nginx"
)

// nginxReq is the request nginx itself sends an HTTP upstream for one of
// its locations, as far as the config says: the path, the Host header and
// how long nginx waits for the answer.
type nginxReq struct {
	path    string
	host    string
	timeout time.Duration // the location's proxy_read_timeout, at most --timeout
	guess   bool          // the path is a guess (regex or named location)
	sni     string        // TLS server name nginx sends; "" when proxy_ssl_server_name is off
	verify  bool          // proxy_ssl_verify on: nginx checks the certificate (default off)
}

// requestOf is nginx's request to ep through its first location.
func requestOf(c *Case, ep nginx.Endpoint) nginxReq {
	r := nginxReq{path: "/", host: proxyHost(ep), timeout: probeTimeout(c), guess: true}
	route, ok := firstRoute(c, ep)
	if !ok {
		return r
	}
	loc := route.loc
	if p, ok := locationPath(loc.Match); ok {
		r.path, r.guess = p, false
		if loc.Pass != nil && loc.Pass.URI != "" && !loc.Pass.Variable {
			// proxy_pass with a URI replaces the location's prefix with it.
			r.path = loc.Pass.URI
		}
	}
	if h, ok := staticHeader(loc.Settings, "Host"); ok {
		switch h {
		case "$host", "$http_host":
			r.host = serverName(route.server)
		default:
			if !strings.Contains(h, "$") {
				r.host = h
			}
		}
	}
	if d := loc.Settings["proxy_ssl_server_name"]; ep.Protocol == "https" && len(d.Args) > 0 && d.Args[0] == "on" {
		// proxy_ssl_name defaults to $proxy_host, sent without its port.
		r.sni, _, _ = strings.Cut(proxyHost(ep), ":")
		if n := loc.Settings["proxy_ssl_name"]; len(n.Args) > 0 && !strings.Contains(n.Args[0], "$") {
			r.sni = n.Args[0]
		}
	}
	if d := loc.Settings["proxy_ssl_verify"]; len(d.Args) > 0 && d.Args[0] == "on" {
		r.verify = true
	}
	if d, ok := loc.Settings["proxy_read_timeout"]; ok && len(d.Args) > 0 {
		if t, ok := nginxTime(d.Args[0]); ok && t < r.timeout {
			r.timeout = t
		}
	}
	return r
}

// firstRoute is the first location that sends requests to ep, from the
// index discovery built (a scan when there is none, as in tests): probing
// 5,000 upstreams must not scan 5,000 locations each.
func firstRoute(c *Case, ep nginx.Endpoint) (routed, bool) {
	if len(ep.Routes) == 0 {
		return routed{}, false
	}
	if c.locations != nil {
		r, ok := c.locations[ep.Routes[0].Where]
		return r, ok
	}
	routes := routeLocations(c.Config, ep)
	if len(routes) == 0 {
		return routed{}, false
	}
	return routes[0], true
}

// locationIndex maps each location with a *_pass to its server.
func locationIndex(cfg *nginx.Config) map[nginx.Where]routed {
	idx := map[nginx.Where]routed{}
	for _, s := range cfg.Servers {
		for _, l := range s.Locations {
			if l.Pass != nil {
				idx[l.Where] = routed{server: s, loc: l}
			}
		}
	}
	return idx
}

// proxyHost is nginx's $proxy_host: the upstream{} name, else the host
// with its port when it is not the scheme's default.
func proxyHost(ep nginx.Endpoint) string {
	switch {
	case ep.Group != "":
		return ep.Group
	case ep.Host == "":
		return "localhost"
	case ep.Port == 0 || ep.Port == 80 && ep.Protocol == "http" || ep.Port == 443 && ep.Protocol == "https":
		return ep.Host
	}
	return net.JoinHostPort(ep.Host, strconv.Itoa(ep.Port))
}

// staticHeader is the value proxy_set_header gives name, if any.
func staticHeader(s nginx.Settings, name string) (string, bool) {
	for _, args := range s["proxy_set_header"].All {
		if len(args) == 2 && strings.EqualFold(args[0], name) {
			return args[1], true
		}
	}
	return "", false
}

// nginxTime reads nginx's time values: "60", "500ms", "1s", "2m", "1h".
func nginxTime(s string) (time.Duration, bool) {
	units := []struct {
		suffix string
		unit   time.Duration
	}{{"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute}, {"h", time.Hour}, {"d", 24 * time.Hour}}
	for _, u := range units {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			v, err := strconv.Atoi(n)
			return time.Duration(v) * u.unit, err == nil && v >= 0
		}
	}
	v, err := strconv.Atoi(s)
	return time.Duration(v) * time.Second, err == nil && v >= 0
}
