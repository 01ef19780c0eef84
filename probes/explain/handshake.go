package explain

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"syscall"
	"time"
)

// Handshake says why a TLS handshake with where failed within timeout, for the
// failures every TLS probe meets: a plain port, a certificate nginx would refuse with
// verification on, a handshake that never ends or that the peer closes. A probe tests
// its own failures first.
func (p Peer) Handshake(where string, timeout time.Duration, err error) string {
	var rec tls.RecordHeaderError
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	switch {
	case errors.As(err, &rec):
		return fmt.Sprintf("%s does not speak TLS (it answered %q): use %s:// or the TLS port (nginx logs \"SSL_do_handshake() failed ... wrong version number\")", where, Printable(rec.RecordHeader[:]), p.Scheme)
	case errors.As(err, &unknown):
		return fmt.Sprintf("TLS to %s: certificate signed by an unknown authority (nginx only checks with %s_ssl_verify on)", where, p.Module)
	case errors.As(err, &host):
		return fmt.Sprintf("TLS to %s: certificate is not valid for %q (%s_ssl_name; nginx logs \"upstream SSL certificate does not match\")", where, host.Host, p.Module)
	case IsTimeout(err):
		return fmt.Sprintf("TLS handshake with %s did not finish within %s (a port without TLS?)", where, Round(timeout))
	case errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET):
		return fmt.Sprintf("%s closed the connection during the TLS handshake (often: SNI missing or not accepted)", where)
	}
	return fmt.Sprintf("TLS handshake with %s failed: %v", where, err)
}
