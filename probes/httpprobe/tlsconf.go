package httpprobe

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// maxFileBytes bounds a certificate or key file read for TLS.
const maxFileBytes = 1 << 20

// FileError is a certificate or key file that could not be used.
type FileError struct {
	What string // the nginx directive, e.g. "proxy_ssl_trusted_certificate"
	Path string
	Err  error
}

// Error says which file failed and why, plainly.
func (e *FileError) Error() string {
	return fmt.Sprintf("cannot use %s %s: %v", e.What, e.Path, e.Err)
}

// Unwrap returns the cause.
func (e *FileError) Unwrap() error { return e.Err }

// DepthError is a chain with more intermediate certificates than proxy_ssl_verify_depth
// allows; nginx (OpenSSL 3) then logs "upstream SSL certificate verify error:
// (20:unable to get local issuer certificate)".
type DepthError struct{ Intermediates, Depth int }

// Error names both numbers.
func (e *DepthError) Error() string {
	return fmt.Sprintf("certificate chain has %d intermediate certificate(s), more than proxy_ssl_verify_depth %d allows", e.Intermediates, e.Depth)
}

// tlsConfig builds the client side of nginx's proxy_ssl_*: SNI only when ServerName is
// set, no ALPN (so never HTTP/2), and when verifying, the chain and proxy_ssl_name
// checked by hand, since crypto/tls would tie the name checked to the SNI sent.
func tlsConfig(t Target) (*tls.Config, error) {
	cfg := &tls.Config{ServerName: t.ServerName, InsecureSkipVerify: true}
	if t.CertFile != "" || t.KeyFile != "" {
		cert, err := clientCert(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, err
		}
		// OpenSSL presents the configured certificate whatever CAs the server names;
		// crypto/tls would withhold one the server's list does not match.
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert, nil }
	}
	if t.Insecure {
		return cfg, nil
	}
	roots, err := rootPool(t.CAFile)
	if err != nil {
		return nil, err
	}
	cfg.VerifyConnection = func(cs tls.ConnectionState) error {
		return verifyPeer(cs.PeerCertificates, roots, t.VerifyName, t.VerifyDepth)
	}
	return cfg, nil
}

// verifyPeer checks as nginx does: the chain first (with its depth), then the name.
func verifyPeer(certs []*x509.Certificate, roots *x509.CertPool, name string, depth int) error {
	if len(certs) == 0 {
		return errors.New("the server sent no certificate")
	}
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	chains, err := certs[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter})
	if err != nil {
		return err
	}
	// A chain is leaf…root; OpenSSL's verify depth counts what lies between
	// (measured against nginx 1.22 with OpenSSL 3.0: depth 1 accepts leaf→CA→root).
	shortest := -1
	for _, ch := range chains {
		if n := max(len(ch)-2, 0); shortest < 0 || n < shortest {
			shortest = n
		}
	}
	if shortest > depth {
		return &DepthError{Intermediates: shortest, Depth: depth}
	}
	return certs[0].VerifyHostname(name)
}

// rootPool is the trusted roots: CAFile alone when set, else the system's.
func rootPool(caFile string) (*x509.CertPool, error) {
	if caFile == "" {
		pool, err := x509.SystemCertPool()
		if err != nil {
			return nil, &FileError{What: "the system's trusted certificates", Path: "", Err: err}
		}
		return pool, nil
	}
	b, err := readSmallFile(caFile)
	if err != nil {
		return nil, &FileError{What: "proxy_ssl_trusted_certificate", Path: caFile, Err: err}
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, &FileError{What: "proxy_ssl_trusted_certificate", Path: caFile, Err: errors.New("no PEM certificate in it")}
	}
	return pool, nil
}

// clientCert loads proxy_ssl_certificate and its key; nginx needs both.
func clientCert(certFile, keyFile string) (tls.Certificate, error) {
	if certFile == "" || keyFile == "" {
		return tls.Certificate{}, &FileError{What: "proxy_ssl_certificate", Path: certFile + keyFile,
			Err: errors.New("a client certificate needs both proxy_ssl_certificate and proxy_ssl_certificate_key")}
	}
	certPEM, err := readSmallFile(certFile)
	if err != nil {
		return tls.Certificate{}, &FileError{What: "proxy_ssl_certificate", Path: certFile, Err: err}
	}
	keyPEM, err := readSmallFile(keyFile)
	if err != nil {
		return tls.Certificate{}, &FileError{What: "proxy_ssl_certificate_key", Path: keyFile, Err: err}
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, &FileError{What: "proxy_ssl_certificate", Path: certFile, Err: err}
	}
	return cert, nil
}

// readSmallFile reads a regular file of at most maxFileBytes. O_NONBLOCK keeps a FIFO
// put in its place from blocking the open; the fstat then refuses it.
func readSmallFile(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return nil, pe.Err // FileError names the path already
	} else if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	b, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxFileBytes {
		return nil, fmt.Errorf("larger than %d KiB", maxFileBytes>>10)
	}
	return b, nil
}
