package steps

import (
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"ngx502/probes/httpprobe"
	"ngx502/probes/nginx"
)

// nginxReq is the request nginx itself sends an upstream for one of its
// locations, as far as the config (and the logs) say: the path, the HTTP
// version and headers, TLS as nginx does it, and nginx's own limits.
type nginxReq struct {
	path     string
	pathFrom string // "config", "error log", or "guess" (regex or named location, nothing logged)
	proto    string // "HTTP/1.0" unless proxy_http_version 1.1
	host     string
	headers  []httpprobe.Header // in nginx's order, Host included; empty values are not sent
	unknown  []string           // proxy_set_header names whose value the probe cannot know
	sni      string             // TLS server name nginx sends; "" when proxy_ssl_server_name is off
	tls      tlsReq
	connect  limit
	read     limit
	buffer   limit
	timeout  time.Duration // how long the probe measures: --timeout
	route    routed
	routeOK  bool
}

// tlsReq is how nginx checks an HTTPS upstream.
type tlsReq struct {
	verify     bool   // proxy_ssl_verify on (default off)
	verifyName string // proxy_ssl_name without a port: what the certificate must name
	caFile     string // proxy_ssl_trusted_certificate
	depth      int    // proxy_ssl_verify_depth (default 1; -1 for an explicit 0)
	cert, key  string // proxy_ssl_certificate / _key
}

// guess reports whether the path is made up rather than nginx's own.
func (r nginxReq) guess() bool { return r.pathFrom == "guess" }

// requestOf is nginx's request to ep through its first location. seen maps
// a subject to a URI nginx really requested from it (from the error log),
// used when the location's own path cannot be known (regex, named).
func requestOf(c *Case, ep nginx.Endpoint, seen map[string]string) nginxReq {
	r := nginxReq{path: "/", pathFrom: "guess", proto: "HTTP/1.0", host: proxyHost(ep), timeout: probeTimeout(c)}
	s := nginx.Settings{}
	if route, ok := firstRoute(c, ep); ok {
		r.route, r.routeOK, s = route, true, route.loc.Settings
		if p, ok := locationPath(route.loc.Match); ok {
			r.path, r.pathFrom = p, "config"
			if pass := route.loc.Pass; pass != nil && pass.URI != "" && !pass.Variable {
				// proxy_pass with a URI replaces the location's prefix with it.
				r.path = pass.URI
			}
		}
	}
	if uri, ok := seen[subjectOf(ep)]; ok && r.pathFrom == "guess" {
		r.path, r.pathFrom = uri, "error log"
	}
	r.connect = timeLimit(s, ep.Protocol, "connect_timeout")
	r.read = timeLimit(s, ep.Protocol, "read_timeout")
	r.buffer = bufferLimit(s, ep.Protocol)
	if s.Arg("proxy_http_version", "1.0") == "1.1" {
		r.proto = "HTTP/1.1"
	}
	r.headers, r.unknown = proxyHeaders(s, r.vars(ep))
	for _, h := range r.headers {
		if strings.EqualFold(h.Name, "Host") {
			r.host = h.Value
		}
	}
	if ep.Protocol == "https" {
		r.sni, r.tls = sslOf(s, ep, confDir(c))
	}
	return r
}

// vars are the values nginx's variables take for the probe's request.
func (r nginxReq) vars(ep nginx.Endpoint) map[string]string {
	server := ""
	if r.routeOK {
		server = serverName(r.route.server)
	}
	host, port, _ := strings.Cut(proxyHost(ep), ":")
	if port == "" {
		port = strconv.Itoa(ep.Port)
	}
	return map[string]string{
		"proxy_host": proxyHost(ep), "proxy_port": port, "host": orDefault(server, host),
		"http_host": server, "server_name": server, "remote_addr": "127.0.0.1",
		"proxy_add_x_forwarded_for": "127.0.0.1", "scheme": "http", "request_uri": r.path,
		"uri": r.path, "document_uri": r.path, "request_method": "GET", "http_user_agent": "ngx502-probe",
	}
}

// proxyHeaders is the header list nginx's proxy module builds: the
// location's proxy_set_header lines in order, then its defaults (Host
// $proxy_host, Connection close) unless set; empty values are dropped by
// nginx and so are left out here. A value the probe cannot know is named
// in unknown and not sent.
func proxyHeaders(s nginx.Settings, vars map[string]string) (headers []httpprobe.Header, unknown []string) {
	set := map[string]bool{}
	add := func(name, value string) {
		set[strings.ToLower(name)] = true
		v, ok := expandVars(value, vars)
		switch {
		case !ok:
			unknown = append(unknown, name)
		case v != "":
			headers = append(headers, httpprobe.Header{Name: name, Value: v})
		}
	}
	for _, args := range s["proxy_set_header"].All {
		if len(args) == 2 {
			add(args[0], args[1])
		}
	}
	for _, d := range []httpprobe.Header{{Name: "Host", Value: "$proxy_host"}, {Name: "Connection", Value: "close"}} {
		if !set[strings.ToLower(d.Name)] {
			add(d.Name, d.Value)
		}
	}
	return headers, unknown
}

// sslOf is the SNI and certificate checks nginx applies to an HTTPS
// upstream: proxy_ssl_name defaults to $proxy_host, sent (without its
// port) only with proxy_ssl_server_name on, and checked only with
// proxy_ssl_verify on.
func sslOf(s nginx.Settings, ep nginx.Endpoint, dir string) (string, tlsReq) {
	name, _, _ := strings.Cut(proxyHost(ep), ":")
	if n := s.Arg("proxy_ssl_name", ""); n != "" && !strings.Contains(n, "$") {
		name = n
	}
	file := func(name string) string {
		p := s.Arg(name, "")
		if p == "" || strings.Contains(p, "$") {
			return "" // a per-request certificate cannot be reproduced
		}
		if !filepath.IsAbs(p) && dir != "" {
			p = filepath.Join(dir, p) // nginx reads it relative to its conf prefix
		}
		return p
	}
	t := tlsReq{verify: s.Arg("proxy_ssl_verify", "off") == "on", verifyName: name, depth: 1,
		caFile: file("proxy_ssl_trusted_certificate"), cert: file("proxy_ssl_certificate"), key: file("proxy_ssl_certificate_key")}
	if n, err := strconv.Atoi(s.Arg("proxy_ssl_verify_depth", "1")); err == nil && n >= 0 {
		t.depth = n
		if n == 0 {
			t.depth = -1 // httpprobe: 0 is nginx's default (1), a negative value an explicit 0
		}
	}
	sni := ""
	if s.Arg("proxy_ssl_server_name", "off") == "on" {
		sni = name
	}
	return sni, t
}

// confDir is nginx's conf prefix: the directory of the main config file,
// which relative certificate paths are read from.
func confDir(c *Case) string {
	if c.Config == nil || c.Config.Root == "" {
		return ""
	}
	return filepath.Dir(c.Config.Root)
}

// target is the probe's form of the request to ep.
func (r nginxReq) target(ep nginx.Endpoint) httpprobe.Target {
	return httpprobe.Target{Network: ep.Network, Address: ep.Address, Scheme: scheme(ep), Host: r.host, Path: r.path,
		Proto: r.proto, Headers: r.headers, ConnectTimeout: r.connect.dur, ReadTimeout: r.read.dur,
		ServerName: r.sni, Insecure: !r.tls.verify, VerifyName: r.tls.verifyName, CAFile: r.tls.caFile,
		VerifyDepth: r.tls.depth, CertFile: r.tls.cert, KeyFile: r.tls.key}
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
