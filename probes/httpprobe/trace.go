package httpprobe

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http/httptrace"
	"sync"
	"time"
)

// tracker records when each phase started and ended. httptrace callbacks and the
// transport's dial run on other goroutines, hence the mutex.
type tracker struct {
	start time.Time

	mu                    sync.Mutex
	dnsStart, dnsDone     time.Time
	connStart, connDone   time.Time
	tlsStart, tlsDone     time.Time
	tlsErr                error
	wrote                 time.Time
	wroteErr              error
	firstByte             time.Time
	headerBytes, received int
	headerDone            bool
	head                  []byte
	newlineRun            int
}

// clientTrace feeds the tracker from net/http's events. ConnectStart/Done fire for
// each address tried; the last pair wins, which is the one that mattered.
func (tr *tracker) clientTrace() *httptrace.ClientTrace {
	at := func(p *time.Time) { tr.mu.Lock(); *p = time.Now(); tr.mu.Unlock() }
	return &httptrace.ClientTrace{
		DNSStart:     func(httptrace.DNSStartInfo) { at(&tr.dnsStart) },
		DNSDone:      func(httptrace.DNSDoneInfo) { at(&tr.dnsDone) },
		ConnectStart: func(string, string) { at(&tr.connStart) },
		WroteRequest: func(i httptrace.WroteRequestInfo) {
			tr.mu.Lock()
			tr.wrote, tr.wroteErr = time.Now(), i.Err
			tr.mu.Unlock()
		},
		GotFirstResponseByte: func() { at(&tr.firstByte) },
	}
}

// markConnected records a successful dial; for unix sockets no ConnectStart fires.
func (tr *tracker) markConnected() {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.connDone = time.Now()
	if tr.connStart.IsZero() {
		tr.connStart = tr.start
		if !tr.dnsDone.IsZero() {
			tr.connStart = tr.dnsDone
		}
	}
}

func (tr *tracker) tlsStarted() {
	tr.mu.Lock()
	tr.tlsStart = time.Now()
	tr.mu.Unlock()
}

func (tr *tracker) tlsFinished(err error) {
	tr.mu.Lock()
	tr.tlsDone, tr.tlsErr = time.Now(), err
	tr.mu.Unlock()
}

// phase names the first phase that did not complete.
func (tr *tracker) phase(tlsUsed bool) string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	switch {
	case !tr.dnsStart.IsZero() && tr.dnsDone.IsZero():
		return PhaseDNS
	case tr.connDone.IsZero():
		if !tr.dnsStart.IsZero() && tr.connStart.IsZero() {
			return PhaseDNS // resolved to nothing usable
		}
		return PhaseConnect
	case tlsUsed && (tr.tlsDone.IsZero() || tr.tlsErr != nil):
		return PhaseTLS
	case tr.wrote.IsZero() || tr.wroteErr != nil:
		// A server that answers (or resets) before reading the request can fail the
		// write; if it had already sent bytes, the header is what went wrong.
		if tr.received > 0 {
			return PhaseHeader
		}
		return PhaseWrite
	default:
		return PhaseHeader
	}
}

// finish copies the timings and byte counts into r.
func (tr *tracker) finish(r *Result) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	now := time.Now()
	span := func(a, b time.Time) time.Duration {
		if a.IsZero() || b.IsZero() {
			return 0
		}
		return b.Sub(a)
	}
	r.Timing = Timing{
		DNS:       span(tr.dnsStart, tr.dnsDone),
		Connect:   span(tr.connStart, tr.connDone),
		TLS:       span(tr.tlsStart, tr.tlsDone),
		FirstByte: span(tr.start, tr.firstByte),
		Total:     now.Sub(tr.start),
	}
	r.HeaderBytes = tr.headerBytes
	r.Received = append([]byte(nil), tr.head...)
}

// observe scans received bytes for the blank line that ends the response header; the
// header size is counted on the wire because net/http does not report it.
func (tr *tracker) observe(b []byte) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.received += len(b)
	if room := 64 - len(tr.head); room > 0 {
		tr.head = append(tr.head, b[:min(room, len(b))]...)
	}
	for _, c := range b {
		if tr.headerDone {
			return
		}
		tr.headerBytes++
		switch c {
		case '\n':
			tr.newlineRun++
			if tr.newlineRun == 2 {
				tr.headerDone = true
			}
		case '\r':
			// "\r\n\r\n" and bare "\n\n" both end a header, as in nginx.
		default:
			tr.newlineRun = 0
		}
	}
}

// wrap returns c with its reads fed to observe.
func (tr *tracker) wrap(c net.Conn) net.Conn { return &countingConn{Conn: c, tr: tr} }

// countingConn reports every byte read to its tracker.
type countingConn struct {
	net.Conn
	tr *tracker
}

// Read reads from the connection and records what arrived.
func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.tr.observe(p[:n])
	}
	return n, err
}

// verifyChain checks the peer's chain against the system roots for name.
func verifyChain(cs tls.ConnectionState, name string) error {
	if len(cs.PeerCertificates) == 0 {
		return fmt.Errorf("no certificate from the server")
	}
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{DNSName: name, Intermediates: inter})
	return err
}

// hostOnly strips a port from a Host header value.
func hostOnly(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return h
}
