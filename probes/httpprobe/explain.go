package httpprobe

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"strings"
	"syscall"

	"ngx502/probes/explain"
)

// peer is how this probe's explanations name the upstream and nginx's directives.
func peer() explain.Peer {
	return explain.Peer{Module: "proxy", Name: "the backend", Scheme: "http"}
}

// Explain says in plain words what the probe saw, e.g. "connection refused
// (ECONNREFUSED): nothing listens on 127.0.0.1:8080" or "answered 200 OK in 3ms".
func Explain(r Result) string {
	t := r.Target
	where := explain.Where(t.Network, t.Address)
	if r.Err == nil {
		return explain.Answered(where, r.Status, r.Timing.Total) + peer().BigHeader(r.HeaderBytes) + timerNote(r)
	}
	err := r.Err
	switch {
	case errors.Is(err, context.Canceled):
		return explain.Cancelled(where, r.Phase)
	case r.Phase == PhaseDNS:
		return fmt.Sprintf("cannot resolve %s: %v", t.Address, err)
	case r.Phase == PhaseConnect:
		return peer().Connect(t.Network, t.Address, r.Timeout, err) + timerNote(r)
	case r.Phase == PhaseTLS:
		return explainTLS(r, where) + timerNote(r)
	case r.Phase == PhaseWrite:
		return explain.NotSent(where, err)
	case r.Phase == PhaseBody:
		return explain.CutOff(where, r.Status, r.BodyBytes, err) + timerNote(r)
	}
	return explainHeader(r, where) + timerNote(r)
}

// explainHeader says what went wrong between the request and the end of the header.
func explainHeader(r Result, where string) string {
	err := r.Err
	switch {
	case explain.IsTimeout(err) && r.HeaderBytes > 0:
		return fmt.Sprintf("%s sent only %d bytes of a response header within %s", where, r.HeaderBytes, explain.Round(r.Timeout))
	case explain.IsTimeout(err):
		return fmt.Sprintf("%s sent no response header within %s", where, explain.Round(r.Timeout))
	case errors.Is(err, ErrHeaderTooBig):
		return fmt.Sprintf("%s sent a response header of more than 1 MiB (%s received)", where, explain.Size(r.HeaderBytes))
	case errors.Is(err, ErrNotHTTP):
		return notHTTP(where, r.Received)
	case errors.Is(err, ErrInvalidHeader):
		return fmt.Sprintf("%s sent a response header nginx rejects: %v", where, err)
	case errors.Is(err, syscall.ECONNRESET) && r.HeaderBytes > 0:
		return fmt.Sprintf("%s reset the connection (RST) after %d bytes of the response header", where, r.HeaderBytes)
	case errors.Is(err, syscall.ECONNRESET):
		return fmt.Sprintf("%s reset the connection (RST) before sending any byte of a response", where)
	case strings.Contains(err.Error(), "remote error: tls"):
		// With TLS 1.3 a server refuses a missing client certificate after the handshake.
		return fmt.Sprintf("%s ended the TLS session with an alert instead of answering (%v): a missing or refused client certificate (proxy_ssl_certificate)?", where, err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Sprintf("%s closed the connection in the middle of the response header (%d bytes received)", where, r.HeaderBytes)
	case errors.Is(err, io.EOF):
		return fmt.Sprintf("%s closed the connection before sending a response", where)
	}
	return fmt.Sprintf("%s: reading the response header failed: %v", where, err)
}

// timerNote adds which nginx timer would have fired, when one would have.
func timerNote(r Result) string {
	switch r.Exceeded {
	case ExceededConnect:
		return peer().ConnectTimer(r.Waited, r.Target.ConnectTimeout)
	case ExceededRead:
		return peer().ReadTimer(r.Waited, r.Target.ReadTimeout)
	}
	return ""
}

// explainTLS recognises the handshake failures of R14 that only proxy_ssl_* has
// (certificate files, verify depth, SNI), then the ones every TLS probe meets.
func explainTLS(r Result, where string) string {
	err := r.Err
	var invalid x509.CertificateInvalidError
	var file *FileError
	var depth *DepthError
	switch {
	case errors.As(err, &file):
		return file.Error()
	case errors.As(err, &depth):
		return fmt.Sprintf("TLS to %s: %v (nginx logs \"upstream SSL certificate verify error: (20:unable to get local issuer certificate)\")", where, depth)
	case errors.As(err, &invalid):
		return fmt.Sprintf("TLS to %s: %v", where, invalid)
	case strings.Contains(err.Error(), "remote error: tls") && r.Target.ServerName == "":
		// The alert type crypto/tls returns for a peer's alert is unexported.
		return fmt.Sprintf("TLS handshake with %s refused without SNI (%v): the server may need proxy_ssl_server_name on", where, err)
	}
	return peer().Handshake(where, r.Timeout, err)
}

// notHTTP describes what a non-HTTP peer sent.
func notHTTP(where string, head []byte) string {
	switch {
	case len(head) > 0 && (head[0] == 0x15 || head[0] == 0x16):
		return fmt.Sprintf("not HTTP: %s answered with a TLS record; it is a TLS port, use https://", where)
	case len(head) > 0 && head[0] == 1:
		return fmt.Sprintf("not HTTP: %s answered with a FastCGI record; use fastcgi_pass", where)
	}
	return fmt.Sprintf("not HTTP: %s sent %q", where, explain.Printable(head))
}
