package httpprobe

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// testCA is a certificate authority made for one test: a root (parent nil) or an
// intermediate.
type testCA struct {
	cert  *x509.Certificate
	key   *ecdsa.PrivateKey
	chain [][]byte // DER of this CA and the intermediates above it, as a server sends them
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// sign issues tpl for key, signed by parent (self-signed when parent is nil).
func sign(t *testing.T, tpl *x509.Certificate, key *ecdsa.PrivateKey, parent *testCA) ([]byte, *x509.Certificate) {
	t.Helper()
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		t.Fatal(err)
	}
	tpl.SerialNumber = serial
	tpl.NotBefore, tpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	issuer, issuerKey := tpl, key
	if parent != nil {
		issuer, issuerKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, issuer, &key.PublicKey, issuerKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return der, c
}

func newCA(t *testing.T, name string, parent *testCA) *testCA {
	t.Helper()
	key := newKey(t)
	der, c := sign(t, &x509.Certificate{Subject: pkix.Name{CommonName: name}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}, key, parent)
	ca := &testCA{cert: c, key: key}
	if parent != nil {
		ca.chain = append([][]byte{der}, parent.chain...)
	}
	return ca
}

// leafCert is a server certificate for names (DNS names or IPs) with its chain.
func leafCert(t *testing.T, ca *testCA, names ...string) tls.Certificate {
	t.Helper()
	return issue(t, ca, names[0], x509.ExtKeyUsageServerAuth, names...)
}

func issue(t *testing.T, ca *testCA, cn string, usage x509.ExtKeyUsage, names ...string) tls.Certificate {
	t.Helper()
	key := newKey(t)
	tpl := &x509.Certificate{Subject: pkix.Name{CommonName: cn}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{usage}}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tpl.IPAddresses = append(tpl.IPAddresses, ip)
		} else {
			tpl.DNSNames = append(tpl.DNSNames, n)
		}
	}
	der, c := sign(t, tpl, key, ca)
	return tls.Certificate{Certificate: append([][]byte{der}, ca.chain...), PrivateKey: key, Leaf: c}
}

// pemFile writes the CA's certificate as a PEM file and returns its path.
func (ca *testCA) pemFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ca.pem")
	writePEM(t, path, "CERTIFICATE", ca.cert.Raw)
	return path
}

// clientFiles writes a client certificate (CN cn) and its key as PEM files.
func clientFiles(t *testing.T, ca *testCA, cn string) (certFile, keyFile string) {
	t.Helper()
	c := issue(t, ca, cn, x509.ExtKeyUsageClientAuth)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "client.pem"), filepath.Join(dir, "client.key")
	writePEM(t, certFile, "CERTIFICATE", c.Certificate[0])
	keyDER, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, keyFile, "PRIVATE KEY", keyDER)
	return certFile, keyFile
}

func writePEM(t *testing.T, path, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
}
