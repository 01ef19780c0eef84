package httpprobe

import (
	"net"
	"strings"
	"time"
)

// defaultUserAgent names ngx502's direct probes in a backend's own logs.
const defaultUserAgent = "ngx502-probe"

// Protocol versions nginx speaks to an upstream (proxy_http_version).
const (
	HTTP10 = "HTTP/1.0" // nginx's default
	HTTP11 = "HTTP/1.1" // needed for upstream keepalive
)

// Target is where and what to ask, and under which of nginx's proxy settings.
type Target struct {
	Network    string // "tcp" (default) or "unix"
	Address    string // host:port, or the socket path for unix
	Scheme     string // "http" (default) or "https"
	Host       string // Host header when Headers is nil; default "localhost"
	Path       string // request path; default "/"
	ServerName string // TLS SNI; "" sends none, like nginx's default proxy_ssl_server_name off
	Insecure   bool   // skip certificate verification, as nginx does by default (proxy_ssl_verify off)
	UserAgent  string // default "ngx502-probe"; requests through nginx carry the run's marker

	// Proto is proxy_http_version: "HTTP/1.0" (nginx's default) or "HTTP/1.1".
	Proto string
	// Headers, when non-nil, is the complete ordered list of header lines nginx's
	// config produces (Host included); a header with an empty Value is not sent, as
	// nginx drops empty values. Nil means "Host: <Host>" then "Connection: close".
	Headers []Header

	// ConnectTimeout and ReadTimeout are proxy_connect_timeout and proxy_read_timeout
	// (0 = not set). The probe does not stop at them; Result.Exceeded says which would
	// have fired.
	ConnectTimeout, ReadTimeout time.Duration

	// VerifyName is proxy_ssl_name, the name the certificate is checked against when
	// verifying (even without SNI); default the Host without its port.
	VerifyName string
	// CAFile is proxy_ssl_trusted_certificate (PEM); when set, the only roots used.
	CAFile string
	// VerifyDepth is proxy_ssl_verify_depth: how many intermediate certificates the
	// chain may hold between the leaf and the trusted root. 0 means nginx's default, 1;
	// a negative value stands for an explicit "proxy_ssl_verify_depth 0".
	VerifyDepth int
	// CertFile and KeyFile are proxy_ssl_certificate and proxy_ssl_certificate_key, a
	// client certificate presented whenever the server asks for one.
	CertFile, KeyFile string
}

// Header is one request header line, as proxy_set_header makes it.
type Header struct{ Name, Value string }

func withDefaults(t Target) Target {
	if t.Network == "" {
		t.Network = "tcp"
	}
	if t.Scheme == "" {
		t.Scheme = "http"
	}
	if t.Host == "" {
		t.Host = "localhost"
	}
	if t.UserAgent == "" {
		t.UserAgent = defaultUserAgent
	}
	if t.Path == "" {
		t.Path = "/"
	} else if !strings.HasPrefix(t.Path, "/") {
		t.Path = "/" + t.Path
	}
	if t.Proto != HTTP11 {
		t.Proto = HTTP10
	}
	if t.VerifyName == "" {
		t.VerifyName = hostOnly(hostHeader(t))
	}
	switch {
	case t.VerifyDepth == 0:
		t.VerifyDepth = 1
	case t.VerifyDepth < 0:
		t.VerifyDepth = 0
	}
	return t
}

// hostHeader is the Host the request carries: the one in Headers, else t.Host.
func hostHeader(t Target) string {
	for _, h := range t.Headers {
		if strings.EqualFold(h.Name, "Host") {
			return h.Value
		}
	}
	return t.Host
}

// headerLines is what the probe sends before its User-Agent: t.Headers without the
// empty ones, or nginx's defaults.
func headerLines(t Target) []Header {
	if t.Headers == nil {
		return []Header{{"Host", t.Host}, {"Connection", "close"}}
	}
	out := make([]Header, 0, len(t.Headers))
	for _, h := range t.Headers {
		if h.Value != "" {
			out = append(out, h)
		}
	}
	return out
}

// RequestHead returns the exact bytes the probe writes: request line, headers and the
// blank line. The User-Agent comes last, where a client's header would follow nginx's own.
func RequestHead(t Target) []byte {
	t = withDefaults(t)
	var b strings.Builder
	b.WriteString("GET " + requestPath(t.Path) + " " + t.Proto + "\r\n")
	for _, h := range append(headerLines(t), Header{"User-Agent", t.UserAgent}) {
		b.WriteString(oneLine(h.Name) + ": " + oneLine(h.Value) + "\r\n")
	}
	b.WriteString("\r\n")
	return []byte(b.String())
}

// oneLine drops CR and LF, which would end the line (or the head) early.
func oneLine(s string) string {
	return strings.NewReplacer("\r", "", "\n", "").Replace(s)
}

// requestPath keeps the request line three words long.
func requestPath(p string) string {
	return strings.NewReplacer("\r", "", "\n", "", " ", "%20", "\t", "%09").Replace(p)
}

// hostOnly strips a port from a Host header value.
func hostOnly(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
}
