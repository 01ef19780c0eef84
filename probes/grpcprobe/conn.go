package grpcprobe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http/httptrace"
	"sync"
	"syscall"
	"time"
)

// watch follows the one connection of a probe: when it connected, its TLS handshake,
// the first bytes the server sent, and every wait for the server against nginx's
// grpc_connect_timeout and grpc_read_timeout. The HTTP/2 transport reads and writes
// on its own goroutines, hence the mutex.
type watch struct {
	connectTimeout, readTimeout time.Duration
	start                       time.Time

	mu               sync.Mutex
	conn             net.Conn
	connect, tlsTime time.Duration
	dialed, tlsDone  bool
	tlsErr           error
	last             time.Time
	firstResponse    time.Duration
	received         []byte
	receivedN        int
	writeErr         error
	readErr          error
	requestSent      bool
	exceeded         string
	waited           time.Duration
	stopped          bool
}

func newWatch(connectTimeout, readTimeout time.Duration) *watch {
	now := time.Now()
	return &watch{connectTimeout: connectTimeout, readTimeout: readTimeout, start: now, last: now}
}

// dial connects to r's address, does TLS for grpcs, and returns the connection
// wrapped so that every read and write is seen.
func (w *watch) dial(ctx context.Context, r Request) (net.Conn, error) {
	c, err := (&net.Dialer{}).DialContext(ctx, r.Network, r.Address)
	w.mu.Lock()
	elapsed := time.Since(w.start)
	if w.dialed = err == nil; w.dialed {
		w.connect = elapsed
	}
	w.mu.Unlock()
	if err == nil && r.Scheme == "grpcs" {
		var tc *tls.Conn
		if tc, err = w.handshake(ctx, c, r); err != nil {
			c.Close()
		}
		c = tc
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	// nginx's connect timer covers the TLS handshake too.
	w.check(TimerConnect, time.Since(w.start), w.connectTimeout)
	w.last = time.Now()
	if err != nil {
		return nil, err
	}
	w.conn = c
	return &watchedConn{Conn: c, w: w}, nil
}

// handshake runs the TLS client handshake as nginx's grpc module does: ALPN h2, SNI
// only when grpc_ssl_server_name is on, verification only with grpc_ssl_verify on.
func (w *watch) handshake(ctx context.Context, c net.Conn, r Request) (*tls.Conn, error) {
	cfg := &tls.Config{ServerName: r.ServerName, InsecureSkipVerify: r.Insecure, NextProtos: []string{"h2"}}
	if !r.Insecure && r.ServerName == "" {
		// No SNI is sent, but the certificate is still checked against the name nginx
		// would use (grpc_ssl_name, by default the grpc_pass host); Host stands in.
		cfg.InsecureSkipVerify = true
		cfg.VerifyConnection = func(cs tls.ConnectionState) error { return verifyChain(cs, hostOnly(r.Host)) }
	}
	tc := tls.Client(c, cfg)
	begin := time.Now()
	err := tc.HandshakeContext(ctx)
	w.mu.Lock()
	w.tlsTime, w.tlsDone, w.tlsErr = time.Since(begin), true, err
	w.mu.Unlock()
	return tc, err
}

// check notes a wait of d at the timer named kind when it ran past limit; the first
// timer run past is the one nginx would have hit. Called with mu held.
func (w *watch) check(kind string, d, limit time.Duration) {
	if limit <= 0 || d <= limit || (w.exceeded != "" && w.exceeded != kind) {
		return
	}
	w.exceeded, w.waited = kind, max(w.waited, d)
}

// read times one read of the connection.
func (w *watch) read(p []byte, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped {
		return
	}
	now := time.Now()
	w.check(TimerRead, now.Sub(w.last), w.readTimeout)
	if err != nil && w.readErr == nil {
		w.readErr = err
	}
	if len(p) == 0 {
		return
	}
	w.last = now
	w.receivedN += len(p)
	if room := keepReceived - len(w.received); room > 0 {
		w.received = append(w.received, p[:min(room, len(p))]...)
	}
}

// responded notes the first byte of the response header (httptrace's
// GotFirstResponseByte, called on the transport's goroutine).
func (w *watch) responded() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.firstResponse == 0 {
		w.firstResponse = time.Since(w.start)
	}
}

// wrote notes a write. Until the request is out, writing is not waiting; after it,
// nginx's read timer runs whatever the client writes (SETTINGS ACK, WINDOW_UPDATE).
func (w *watch) wrote(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil && w.writeErr == nil {
		w.writeErr = err
	}
	if !w.stopped && !w.requestSent {
		w.last = time.Now()
	}
}

// sent notes that the whole request is written (httptrace's WroteRequest): the read
// timer starts now.
func (w *watch) sent(httptrace.WroteRequestInfo) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.stopped && !w.requestSent {
		w.requestSent, w.last = true, time.Now()
	}
}

// stop ends the timing once the answer is in (or the probe gave up, which counts the
// wait still open) and closes the connection.
func (w *watch) stop(pending bool) {
	w.mu.Lock()
	if pending && !w.stopped && w.conn != nil {
		w.check(TimerRead, time.Since(w.last), w.readTimeout)
	}
	w.stopped = true
	c := w.conn
	w.mu.Unlock()
	if c != nil {
		c.Close()
	}
}

// phase names where a round trip that failed with err stopped. HTTP/2 writes and
// reads run apart: a write fails after the server closed too, so the call is in the
// write phase only when it failed with the write's own errno and nothing came back.
func (w *watch) phase(tlsUsed bool, err error) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var errno syscall.Errno
	switch {
	case !w.dialed:
		return PhaseConnect
	case tlsUsed && (!w.tlsDone || w.tlsErr != nil):
		return PhaseTLS
	case w.receivedN == 0 && errors.As(w.writeErr, &errno) && errors.Is(err, errno):
		return PhaseWrite
	}
	return PhaseHeader
}

// watchedConn reports every read and write to its watch.
type watchedConn struct {
	net.Conn
	w *watch
}

// Read reads from the connection and records what arrived.
func (c *watchedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.w.read(p[:n], err)
	return n, err
}

// Write writes to the connection and records it.
func (c *watchedConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.w.wrote(err)
	return n, err
}

// verifyChain checks the peer's chain against the system roots for name.
func verifyChain(cs tls.ConnectionState, name string) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("no certificate from the server")
	}
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	if _, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{DNSName: name, Intermediates: inter}); err != nil {
		return fmt.Errorf("certificate for %s: %w", name, err)
	}
	return nil
}

// hostOnly strips a port from a Host value.
func hostOnly(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return h
}
