package steps_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ngx502/probes/nginxtest"
	"ngx502/steps"
)

// testCA is a certificate authority made for one test, with its PEM file.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	file string
}

func newCA(t *testing.T, dir, name string) testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	file := filepath.Join(dir, name+".pem")
	writePEM(t, file, "CERTIFICATE", der)
	return testCA{cert, key, file}
}

// issue signs a certificate for name (server or client); it returns the
// pair and, for nginx, the PEM files of both.
func (ca testCA) issue(t *testing.T, dir, name string, client bool) (tls.Certificate, string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	usage := x509.ExtKeyUsageServerAuth
	if client {
		usage = x509.ExtKeyUsageClientAuth
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{usage}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	writePEM(t, certFile, "CERTIFICATE", der)
	writePEM(t, keyFile, "EC PRIVATE KEY", kder)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, certFile, keyFile
}

func writePEM(t *testing.T, file, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// serveTLS answers 200 over TLS with cert; clients, when set, must show a
// certificate it signed.
func serveTLS(t *testing.T, cert tls.Certificate, clients *testCA) string {
	t.Helper()
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	if clients != nil {
		pool := x509.NewCertPool()
		pool.AddCert(clients.cert)
		cfg.ClientCAs, cfg.ClientAuth = pool, tls.RequireAndVerifyClientCert
	}
	l, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{ErrorLog: log.New(io.Discard, "", 0), Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return l.Addr().(*net.TCPAddr).String()
}

// nginx verifies the backend's certificate against
// proxy_ssl_trusted_certificate and shows its own to a backend that asks:
// the probe does the same, so the right files are healthy and the wrong CA
// or a missing client certificate is tls-handshake, as nginx finds it.
func TestE2ETLSVerifyAndClientCertificate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca, other := newCA(t, dir, "ca"), newCA(t, dir, "other-ca")
	server, _, _ := ca.issue(t, dir, "api.internal", false)
	_, clientCrt, clientKey := ca.issue(t, dir, "nginx-client", true)
	addr := serveTLS(t, server, &ca)
	verify := "proxy_ssl_verify on; proxy_ssl_name api.internal; proxy_ssl_server_name on; "
	cases := []struct {
		name, extra string
		status      int
		cause       steps.CauseID
	}{
		{"right CA and client certificate", verify + "proxy_ssl_trusted_certificate " + ca.file + "; proxy_ssl_certificate " + clientCrt + "; proxy_ssl_certificate_key " + clientKey + ";", 200, steps.CauseHealthy},
		{"wrong CA", verify + "proxy_ssl_trusted_certificate " + other.file + "; proxy_ssl_certificate " + clientCrt + "; proxy_ssl_certificate_key " + clientKey + ";", 502, steps.CauseTLS},
		{"no client certificate", verify + "proxy_ssl_trusted_certificate " + ca.file + ";", 502, steps.CauseTLS},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := nginxtest.Start(t, nginxtest.Options{HTTP: site("proxy_pass https://"+addr, c.extra)})
			if got := getN(t, n, "/", 2); got[c.status] != 2 {
				t.Fatalf("answers %v, want 2×%d\n%s", got, c.status, n.ErrorLogText())
			}
			rep, _ := runOn(t, n)
			subject := addr
			if c.cause == steps.CauseHealthy {
				subject = ""
			}
			assertVerdictOf(t, rep, c.cause, subject, steps.High)
		})
	}
}
