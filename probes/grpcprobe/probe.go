// Package grpcprobe asks a gRPC upstream what nginx's grpc_pass would: one HTTP/2 call
// (cleartext h2c for grpc://, TLS with ALPN h2 for grpcs://) of the standard health
// check, grpc.health.v1.Health/Check, and reports the HTTP status, grpc-status,
// serving status, where the exchange failed, how long it took, and whether nginx's
// grpc_connect_timeout or grpc_read_timeout would have run out first.
package grpcprobe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"ngx502/probes/explain"
)

// Limits of one probe.
const (
	maxHeaderBytes = 1 << 20
	maxBodyBytes   = 64 << 10
	keepReceived   = 64 // first bytes kept for a "not HTTP/2" diagnosis
)

// Phase names, in the order a call passes through them.
const (
	PhaseConnect = "connect"
	PhaseTLS     = "tls"
	PhaseWrite   = "write"
	PhaseHeader  = "header"
	PhaseBody    = "body"
)

// Timer names for Result.Exceeded: nginx's grpc_connect_timeout and grpc_read_timeout.
const (
	TimerConnect = "connect"
	TimerRead    = "read"
)

// HealthPath is the :path of the standard health check.
const HealthPath = "/grpc.health.v1.Health/Check"

// Param is one extra request header (a grpc_set_header line): a name and its value.
type Param struct {
	Name, Value string
}

// Request is what to ask and nginx's limits for it.
type Request struct {
	Network        string        // "tcp" (default) or "unix"
	Address        string        // host:port, or the socket path for unix
	Scheme         string        // "grpc" (default, h2c) or "grpcs" (TLS)
	Path           string        // :path; default HealthPath
	Host           string        // :authority; default "localhost" (nginx sends the grpc_pass host:port unless grpc_set_header Host)
	ServerName     string        // TLS SNI; "" sends none, like nginx's default grpc_ssl_server_name off
	Insecure       bool          // skip certificate verification, as nginx does by default (grpc_ssl_verify off)
	Params         []Param       // extra request headers, in order
	ConnectTimeout time.Duration // grpc_connect_timeout; 0 = not compared
	ReadTimeout    time.Duration // grpc_read_timeout; 0 = not compared
}

// Timing is how long the probe took: Connect and TLS are the phases' own lengths;
// FirstByte (the response header) and Total count from the start.
type Timing struct {
	Connect, TLS, FirstByte, Total time.Duration
}

// Result is what one probe saw.
type Result struct {
	Request     Request       // the request with defaults filled in
	Status      int           // HTTP/2 :status; 0 when no response header arrived
	GRPCStatus  int           // grpc-status from the trailers (or a trailers-only header); -1 when none came
	GRPCMessage string        // grpc-message, percent-decoded
	Serving     string        // "SERVING", "NOT_SERVING", "UNKNOWN", "SERVICE_UNKNOWN"; "" without a health message
	ContentType string        // the response's content-type ("application/grpc" from a gRPC server)
	HeaderBytes int           // the response header's size as HTTP/2 counts it (name + value + 32 per field)
	BodyBytes   int           // response body bytes read (at most 64 KiB)
	Received    []byte        // the first bytes the server sent on the connection (up to 64)
	Phase       string        // "" on success, else the phase that failed (Phase* constants)
	Err         error         // the failure, nil on success (a non-zero grpc-status is an answer, not a failure)
	Timing      Timing        // phase durations
	Exceeded    string        // the nginx timer (Timer*) this exchange ran past, "" if none
	Waited      time.Duration // how long the probe waited at that timer (the longest wait)
	Timeout     time.Duration // the bound the probe ran under
	Command     string        // the grpcurl command a person would type for the same call
}

// Probe makes one health-check call to r's address within timeout, on a connection of
// its own. Past ConnectTimeout or ReadTimeout it keeps going, noting the timer in
// Exceeded.
func Probe(ctx context.Context, r Request, timeout time.Duration) (res Result) {
	r = withDefaults(r)
	res = Result{Request: r, GRPCStatus: -1, Timeout: timeout, Command: Command(r, timeout)}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	w := newWatch(r.ConnectTimeout, r.ReadTimeout)
	defer func() {
		w.stop(res.Err != nil)
		w.mu.Lock()
		res.Timing.Connect, res.Timing.TLS, res.Timing.FirstByte = w.connect, w.tlsTime, w.firstResponse
		res.Received = append([]byte(nil), w.received...)
		res.Exceeded, res.Waited = w.exceeded, w.waited
		w.mu.Unlock()
		res.Timing.Total = time.Since(w.start)
	}()

	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotFirstResponseByte: w.responded, WroteRequest: w.sent})
	tr := newTransport(r, w)
	defer tr.CloseIdleConnections()
	req, err := newCall(ctx, r)
	if err != nil {
		res.Phase, res.Err = PhaseWrite, err
		return res
	}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		res.Phase, res.Err = w.phase(r.Scheme == "grpcs", err), callError(err, w)
		return res
	}
	defer resp.Body.Close()
	res.Status, res.ContentType = resp.StatusCode, resp.Header.Get("Content-Type")
	res.HeaderBytes = headerListSize(resp.Header)
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes))
	res.BodyBytes = len(body)
	if err != nil {
		res.Phase, res.Err = PhaseBody, callError(err, w)
		return res
	}
	readStatus(resp, &res)
	if len(body) > 0 && strings.HasPrefix(res.ContentType, "application/grpc") {
		if res.Serving, err = DecodeHealth(body); err != nil {
			res.Phase, res.Err = PhaseBody, err
		}
	}
	return res
}

// newCall builds the POST a gRPC client sends for the health check.
func newCall(ctx context.Context, r Request) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+urlHost(r.Host)+r.Path, strings.NewReader(healthRequest))
	if err != nil {
		return nil, err
	}
	req.Host = r.Host
	req.ContentLength = -1 // gRPC clients send no content-length; the message frame says it
	req.Header.Set("Content-Type", "application/grpc")
	req.Header.Set("Te", "trailers")
	req.Header.Set("User-Agent", userAgent)
	for _, p := range r.Params {
		req.Header.Add(p.Name, p.Value)
	}
	return req, nil
}

// newTransport builds a one-connection HTTP/2-only transport that dials r whatever the
// URL says. grpcs is HTTP/2 with prior knowledge over a TLS connection made by the
// dialer, as nginx speaks it: HTTP/2 whatever ALPN concluded.
func newTransport(r Request, w *watch) *http.Transport {
	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	return &http.Transport{
		Proxy:                  nil, // nginx ignores $http_proxy; so does the probe
		Protocols:              &p,
		DisableCompression:     true,
		MaxResponseHeaderBytes: maxHeaderBytes,
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return w.dial(ctx, r)
		},
	}
}

// readStatus takes grpc-status and grpc-message from the trailers, or from the header
// of a trailers-only response.
func readStatus(resp *http.Response, res *Result) {
	h := resp.Trailer
	if h.Get("Grpc-Status") == "" {
		h = resp.Header
	}
	if s := h.Get("Grpc-Status"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n >= 0 {
			res.GRPCStatus = n
		}
	}
	res.GRPCMessage = h.Get("Grpc-Message")
	if m, err := url.PathUnescape(res.GRPCMessage); err == nil {
		res.GRPCMessage = m
	}
}

// callError unwraps net/http's URL wrapper and names a peer that is not HTTP/2.
func callError(err error, w *watch) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	w.mu.Lock()
	head, readErr := append([]byte(nil), w.received...), w.readErr
	w.mu.Unlock()
	switch {
	case !looksHTTP2(head):
		return &NotHTTP2Error{Head: head, Err: err}
	case len(head) == 0 && readErr != nil && !saysWhy(err) && !explain.IsTimeout(readErr) && !errors.Is(readErr, net.ErrClosed):
		// "http2: client conn could not be established" hides why: the server
		// closed or reset the connection before its SETTINGS.
		return fmt.Errorf("%w: %w", err, readErr)
	}
	return err
}

// saysWhy reports whether err already names the connection's end: EOF or an errno.
func saysWhy(err error) bool {
	var errno syscall.Errno
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &errno)
}

// looksHTTP2 reports whether a server's first bytes can be HTTP/2: its preface is a
// SETTINGS frame (type 4 in the fourth byte). Nothing received says nothing.
func looksHTTP2(head []byte) bool {
	return len(head) == 0 || (len(head) >= 4 && head[3] == 4) || len(head) < 4 && head[0] == 0
}

// headerListSize is the header's size as HTTP/2 counts it (RFC 9113 §6.5.2), :status included.
func headerListSize(h http.Header) int {
	n := len(":status") + 3 + 32
	for k, vs := range h {
		for _, v := range vs {
			n += len(k) + len(v) + 32
		}
	}
	return n
}
