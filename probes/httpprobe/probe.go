// Package httpprobe sends one HTTP(S) request to an upstream the way nginx's proxy_pass
// would (fresh connection, Connection: close, no SNI and no verification by default) and
// reports where it failed and how long each phase took, from net/http/httptrace events.
package httpprobe

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"time"
)

// Limits of one probe: nginx reads the header into one proxy_buffer_size buffer and
// fails beyond it, but the probe wants to see the whole header to say how big it is.
const (
	maxHeaderBytes = 1 << 20
	maxBodyBytes   = 64 << 10
)

// Phase names, in the order a request passes through them.
const (
	PhaseDNS     = "dns"
	PhaseConnect = "connect"
	PhaseTLS     = "tls"
	PhaseWrite   = "write"
	PhaseHeader  = "header"
	PhaseBody    = "body"
)

// Target is where and what to ask.
type Target struct {
	Network    string // "tcp" (default) or "unix"
	Address    string // host:port, or the socket path for unix
	Scheme     string // "http" (default) or "https"
	Host       string // Host header; default "localhost"
	Path       string // request path; default "/"
	ServerName string // TLS SNI; "" sends none, like nginx's default proxy_ssl_server_name off
	Insecure   bool   // skip certificate verification, as nginx does by default (proxy_ssl_verify off)
	UserAgent  string // default "ngx502-probe"; requests through nginx carry the run's marker
}

// Timing is the duration of each phase. DNS, Connect and TLS are the phases' own
// lengths; FirstByte and Total count from the start (curl's time_starttransfer and
// time_total).
type Timing struct {
	DNS, Connect, TLS, FirstByte, Total time.Duration
}

// Result is what one probe saw.
type Result struct {
	Target      Target        // the target with defaults filled in
	Status      int           // HTTP status; 0 when no header arrived
	Proto       string        // e.g. "HTTP/1.1"
	HeaderBytes int           // status line + headers as received (all received bytes when the header never ended)
	BodyBytes   int           // body bytes read (at most 64 KiB)
	Received    []byte        // the first bytes the backend sent (up to 64), for "not HTTP" diagnosis
	Phase       string        // "" on success, else the phase that failed (Phase* constants)
	Err         error         // the failure, nil on success
	Timeout     time.Duration // the bound the probe ran under
	Timing      Timing        // phase durations
	Command     string        // the curl command a person would type for the same request
}

// Probe sends one GET to t and reads at most 64 KiB of the body, all within timeout.
func Probe(ctx context.Context, t Target, timeout time.Duration) Result {
	t = withDefaults(t)
	res := Result{Target: t, Timeout: timeout, Command: Command(t, timeout)}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	tr := &tracker{start: time.Now()}
	ctx = httptrace.WithClientTrace(ctx, tr.clientTrace())
	transport := newTransport(t, tr)
	defer transport.CloseIdleConnections()
	client := &http.Client{
		Transport: transport,
		// A redirect is an answer; nginx passes it through without following it.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}

	host := "localhost"
	if t.Network == "tcp" {
		host = t.Address
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.Scheme+"://"+host+t.Path, nil)
	if err != nil {
		res.Phase, res.Err = PhaseWrite, err
		return res
	}
	req.Host = t.Host
	req.Close = true // "Connection: close", as nginx sends by default
	req.Header.Set("User-Agent", t.UserAgent)

	resp, err := client.Do(req)
	if err != nil {
		tr.finish(&res)
		res.Phase, res.Err = tr.phase(t.Scheme == "https"), unwrapURL(err)
		return res
	}
	defer resp.Body.Close()
	res.Status, res.Proto = resp.StatusCode, resp.Proto
	n, err := io.Copy(io.Discard, io.LimitReader(resp.Body, maxBodyBytes))
	res.BodyBytes = int(n)
	tr.finish(&res)
	if err != nil {
		res.Phase, res.Err = PhaseBody, err
	}
	return res
}

// withDefaults fills in what nginx would use when a field is empty.
// defaultUserAgent names ngx502's direct probes in a backend's own logs.
const defaultUserAgent = "ngx502-probe"

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
	return t
}

// newTransport builds a one-shot HTTP/1.1 transport that always dials t (whatever the
// URL says), counts the bytes it receives, and does TLS itself so that an empty
// ServerName really sends no SNI (net/http would fill it in from the URL).
func newTransport(t Target, tr *tracker) *http.Transport {
	dialer := &net.Dialer{}
	dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
		c, err := dialer.DialContext(ctx, t.Network, t.Address)
		if err != nil {
			return nil, err
		}
		tr.markConnected()
		return c, nil
	}
	return &http.Transport{
		Proxy:             nil, // nginx ignores $http_proxy; so does the probe
		DisableKeepAlives: true,
		// Compression would hide what the backend sent on the wire.
		DisableCompression:     true,
		MaxResponseHeaderBytes: maxHeaderBytes,
		// A non-nil empty map turns HTTP/2 off: nginx speaks HTTP/1.x to upstreams.
		TLSNextProto: map[string]func(string, *tls.Conn) http.RoundTripper{},
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := dial(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return tr.wrap(c), nil
		},
		DialTLSContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := dial(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			tc, err := handshake(ctx, c, t, tr)
			if err != nil {
				c.Close()
				return nil, err
			}
			return tr.wrap(tc), nil
		},
	}
}

// handshake runs the TLS client handshake the way nginx's proxy module does.
func handshake(ctx context.Context, c net.Conn, t Target, tr *tracker) (*tls.Conn, error) {
	cfg := &tls.Config{ServerName: t.ServerName, InsecureSkipVerify: t.Insecure}
	if !t.Insecure && t.ServerName == "" {
		// No SNI is sent, but with verification on nginx checks the certificate against
		// proxy_ssl_name (the proxy_pass host); the Host is our stand-in for it.
		cfg.InsecureSkipVerify = true
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			return verifyChain(cs, hostOnly(t.Host))
		}
	}
	tc := tls.Client(c, cfg)
	tr.tlsStarted()
	err := tc.HandshakeContext(ctx)
	tr.tlsFinished(err)
	return tc, err
}

// unwrapURL drops net/http's "Get \"url\":" wrapper; the probe reports the URL itself.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
