package httpprobe

import (
	"cmp"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"ngx502/probes/nginxtest"
)

// tlsOptions shape a test TLS backend.
type tlsOptions struct {
	requireSNI bool               // refuse hellos without SNI, like many virtual-hosting backends
	cert       *tls.Certificate   // default httptest's own
	clientAuth tls.ClientAuthType // ask for a client certificate
}

// tlsServer records the SNI of each handshake and the CN of each client certificate.
func tlsServer(t *testing.T, o tlsOptions) (addr string, sni, client chan string) {
	sni, client = make(chan string, 4), make(chan string, 4)
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.TLS.PeerCertificates) > 0 {
			client <- r.TLS.PeerCertificates[0].Subject.CommonName
		}
		_, _ = w.Write([]byte("tls ok"))
	}))
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake failures are the point here
	s.TLS = &tls.Config{ClientAuth: o.clientAuth, GetConfigForClient: func(h *tls.ClientHelloInfo) (*tls.Config, error) {
		sni <- h.ServerName
		if o.requireSNI && h.ServerName == "" {
			return nil, errors.New("no SNI")
		}
		return nil, nil
	}}
	if o.cert != nil {
		s.TLS.Certificates = []tls.Certificate{*o.cert}
	}
	s.StartTLS()
	t.Cleanup(s.Close)
	return s.Listener.Addr().String(), sni, client
}

func TestTLSWithoutSNI(t *testing.T) {
	addr, sni, _ := tlsServer(t, tlsOptions{})
	r := probe(t, Target{Address: addr, Scheme: "https", Insecure: true}, 5*time.Second)
	if r.Err != nil || r.Status != 200 || r.BodyBytes != 6 || r.Timing.TLS <= 0 {
		t.Fatalf("status %d err %v body %d timing %+v", r.Status, r.Err, r.BodyBytes, r.Timing)
	}
	if got := <-sni; got != "" {
		t.Errorf("SNI = %q, want none (nginx's proxy_ssl_server_name off)", got)
	}
	if r.HeaderBytes < 40 {
		t.Errorf("HeaderBytes = %d: the plaintext header must be counted", r.HeaderBytes)
	}
}

func TestTLSWithSNI(t *testing.T) {
	addr, sni, _ := tlsServer(t, tlsOptions{requireSNI: true})
	target := Target{Address: addr, Scheme: "https", Insecure: true, ServerName: "app.example", Host: "app.example"}
	r := probe(t, target, 5*time.Second)
	if r.Err != nil || r.Status != 200 {
		t.Fatalf("status %d err %v", r.Status, r.Err)
	}
	if got := <-sni; got != "app.example" {
		t.Errorf("SNI = %q, want app.example", got)
	}
	port := addr[strings.LastIndexByte(addr, ':')+1:]
	if !strings.Contains(r.Command, "--resolve app.example:"+port+":127.0.0.1") || !strings.Contains(r.Command, "https://app.example:"+port+"/") {
		t.Errorf("Command = %s", r.Command)
	}
}

func TestTLSNeedsSNI(t *testing.T) {
	addr, _, _ := tlsServer(t, tlsOptions{requireSNI: true})
	r := probe(t, Target{Address: addr, Scheme: "https", Insecure: true}, 5*time.Second)
	if r.Phase != PhaseTLS {
		t.Fatalf("phase %q err %v, want tls", r.Phase, r.Err)
	}
	if !strings.Contains(Explain(r), "proxy_ssl_server_name on") {
		t.Errorf("Explain = %q", Explain(r))
	}
}

// With verification on and no CAFile, the system's roots do not know a test CA.
func TestTLSSystemRoots(t *testing.T) {
	addr, _, _ := tlsServer(t, tlsOptions{})
	r := probe(t, Target{Address: addr, Scheme: "https", ServerName: "example.com"}, 5*time.Second)
	if r.Phase != PhaseTLS || !strings.Contains(Explain(r), "unknown authority") {
		t.Fatalf("phase %q: %s", r.Phase, Explain(r))
	}
}

// nginx checks the certificate against proxy_ssl_name even when it sends no SNI.
func TestTLSVerifyName(t *testing.T) {
	root := newCA(t, "test root", nil)
	cert := leafCert(t, root, "backend.test")
	addr, sni, _ := tlsServer(t, tlsOptions{cert: &cert})
	ca := root.pemFile(t)
	for _, target := range []Target{
		{Address: addr, Scheme: "https", CAFile: ca, VerifyName: "backend.test"},
		{Address: addr, Scheme: "https", CAFile: ca, Host: "backend.test:8443"}, // default: the Host without its port
		{Address: addr, Scheme: "https", CAFile: ca, Headers: []Header{{"Host", "backend.test"}}},
	} {
		if r := probe(t, target, 5*time.Second); r.Err != nil || r.Status != 200 {
			t.Errorf("%+v: status %d err %v", target, r.Status, r.Err)
		}
		if got := <-sni; got != "" {
			t.Errorf("SNI %q sent, want none", got)
		}
	}
	r := probe(t, Target{Address: addr, Scheme: "https", CAFile: ca, VerifyName: "other.test"}, 5*time.Second)
	var host x509.HostnameError
	if r.Phase != PhaseTLS || !errors.As(r.Err, &host) || !strings.Contains(Explain(r), `not valid for "other.test"`) {
		t.Errorf("wrong name: phase %q err %v: %s", r.Phase, r.Err, Explain(r))
	}
	// CAFile is the only trust: another root does not vouch for this certificate.
	r = probe(t, Target{Address: addr, Scheme: "https", CAFile: newCA(t, "other root", nil).pemFile(t), VerifyName: "backend.test"}, 5*time.Second)
	if r.Phase != PhaseTLS || !strings.Contains(Explain(r), "unknown authority") {
		t.Errorf("other root: phase %q: %s", r.Phase, Explain(r))
	}
}

// Certificate files that cannot be used fail in phase tls with a plain message, before
// any connection, and a FIFO never blocks the probe.
func TestTLSFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.pem")
	if err := os.WriteFile(big, make([]byte, maxFileBytes+1), 0o600); err != nil {
		t.Fatal(err)
	}
	junk := filepath.Join(dir, "junk.pem")
	if err := os.WriteFile(junk, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, key := clientFiles(t, newCA(t, "client root", nil), "c")
	cases := []struct {
		target Target
		want   string
	}{
		{Target{CAFile: filepath.Join(dir, "missing.pem")}, "cannot use proxy_ssl_trusted_certificate " + dir + "/missing.pem: no such file or directory"},
		{Target{CAFile: dir}, "not a regular file"},
		{Target{CAFile: fifo}, "not a regular file"},
		{Target{CAFile: big}, "larger than 1024 KiB"},
		{Target{CAFile: junk}, "no PEM certificate"},
		{Target{Insecure: true, CertFile: cert}, "needs both proxy_ssl_certificate and proxy_ssl_certificate_key"},
		{Target{Insecure: true, CertFile: cert, KeyFile: fifo}, "cannot use proxy_ssl_certificate_key"},
		{Target{Insecure: true, CertFile: key, KeyFile: key}, "cannot use proxy_ssl_certificate"},
	}
	for _, c := range cases {
		c.target.Address, c.target.Scheme = nginxtest.Refusing(t), "https"
		r := probe(t, c.target, 2*time.Second)
		var fe *FileError
		if r.Phase != PhaseTLS || !errors.As(r.Err, &fe) || !strings.Contains(Explain(r), c.want) || r.Timing.Total > time.Second {
			t.Errorf("%+v: phase %q after %s: %s, want %q", c.target, r.Phase, r.Timing.Total, Explain(r), c.want)
		}
	}
}

// proxy_ssl_verify_depth counts the intermediates between leaf and root (measured
// against nginx: TestVerifyDepthMatchesNginx).
func TestVerifyDepth(t *testing.T) {
	root := newCA(t, "depth root", nil)
	one := newCA(t, "intermediate 1", root)
	two := newCA(t, "intermediate 2", one)
	ca := root.pemFile(t)
	cases := []struct {
		issuer *testCA
		depth  int
		ok     bool
	}{
		{root, -1, true}, {root, 0, true}, {one, -1, false}, {one, 0, true}, {one, 1, true}, {two, 1, false}, {two, 2, true},
	}
	for _, c := range cases {
		cert := leafCert(t, c.issuer, "deep.test")
		addr, _, _ := tlsServer(t, tlsOptions{cert: &cert})
		r := probe(t, Target{Address: addr, Scheme: "https", CAFile: ca, VerifyName: "deep.test", VerifyDepth: c.depth}, 5*time.Second)
		var de *DepthError
		switch {
		case c.ok && r.Err != nil:
			t.Errorf("%d intermediates, depth %d: %v", len(cert.Certificate)-1, c.depth, r.Err)
		case !c.ok && (r.Phase != PhaseTLS || !errors.As(r.Err, &de) || de.Intermediates != len(cert.Certificate)-1 || de.Depth != max(c.depth, 0)):
			t.Errorf("%d intermediates, depth %d: phase %q err %v, want a DepthError", len(cert.Certificate)-1, c.depth, r.Phase, r.Err)
		}
	}
}

// The client certificate goes out whenever the server asks for one.
func TestClientCertificate(t *testing.T) {
	addr, _, client := tlsServer(t, tlsOptions{clientAuth: tls.RequireAnyClientCert})
	cert, key := clientFiles(t, newCA(t, "client root", nil), "ngx502-client")
	r := probe(t, Target{Address: addr, Scheme: "https", Insecure: true, CertFile: cert, KeyFile: key}, 5*time.Second)
	if r.Err != nil || r.Status != 200 {
		t.Fatalf("status %d err %v", r.Status, r.Err)
	}
	if got := <-client; got != "ngx502-client" {
		t.Errorf("client certificate CN %q", got)
	}
	if !strings.Contains(r.Command, "--cert "+cert+" --key "+key) {
		t.Errorf("Command = %s", r.Command)
	}
	// Without one the server refuses; with TLS 1.3 the alert may come after the handshake.
	r = probe(t, Target{Address: addr, Scheme: "https", Insecure: true}, 5*time.Second)
	if r.Err == nil || (r.Phase != PhaseTLS && r.Phase != PhaseHeader) {
		t.Errorf("no client certificate: status %d phase %q err %v", r.Status, r.Phase, r.Err)
	}
}

func TestProtocolMismatch(t *testing.T) {
	// https:// to a plain HTTP port: nginx logs "wrong version number".
	r := probe(t, Target{Address: nginxtest.Healthy(t), Scheme: "https", Insecure: true}, 5*time.Second)
	if r.Phase != PhaseTLS || !strings.Contains(Explain(r), "does not speak TLS") {
		t.Errorf("https→http: phase %q: %s", r.Phase, Explain(r))
	}
	// http:// to a TLS port: Go's TLS server answers 400 itself.
	addr, _, _ := tlsServer(t, tlsOptions{})
	r = probe(t, Target{Address: addr}, 5*time.Second)
	if r.Err != nil || r.Status != 400 {
		t.Errorf("http→https: status %d err %v", r.Status, r.Err)
	}
}

// The probe's verify depth is nginx's: the same chains pass and fail behind a real
// nginx (proxy_ssl_verify on). Each location has its own backend, because nginx
// resumes the TLS session of a backend it verified once and then checks nothing.
func TestVerifyDepthMatchesNginx(t *testing.T) {
	root := newCA(t, "parity root", nil)
	ca := root.pemFile(t)
	if err := os.Chmod(filepath.Dir(ca), 0o755); err != nil {
		t.Fatal(err)
	}
	type check struct {
		path   string
		target Target
		pass   bool // what nginx 1.22 with OpenSSL 3.0 was measured to do
	}
	var checks []check
	var locations strings.Builder
	issuer := root
	for k := range 4 {
		for depth := 0; depth <= 3; depth++ {
			cert := leafCert(t, issuer, "deep.test")
			addr, _, _ := tlsServer(t, tlsOptions{cert: &cert})
			path := fmt.Sprintf("/k%dd%d", k, depth)
			fmt.Fprintf(&locations, "location = %s { proxy_ssl_verify_depth %d; proxy_pass https://%s/; }\n", path, depth, addr)
			checks = append(checks, check{path, Target{Address: addr, Scheme: "https", CAFile: ca, VerifyName: "deep.test", VerifyDepth: cmp.Or(depth, -1)}, k <= depth})
		}
		issuer = newCA(t, fmt.Sprint("parity intermediate ", k+1), issuer)
	}
	n := nginxtest.Start(t, nginxtest.Options{HTTP: `server {
    listen 127.0.0.1:{{.Port}};
    proxy_ssl_verify on;
    proxy_ssl_trusted_certificate ` + ca + `;
    proxy_ssl_name deep.test;
    ` + locations.String() + `}`})
	for _, c := range checks {
		status, _, err := n.Get(c.path)
		if err != nil {
			t.Fatal(err)
		}
		r := Probe(t.Context(), c.target, 5*time.Second)
		if (status == 200) != (r.Err == nil) || (status != 200 && status != 502) {
			t.Errorf("%s: nginx answers %d, the probe: %v", c.path, status, r.Err)
		}
		if (status == 200) != c.pass {
			t.Errorf("%s: nginx answers %d; this nginx counts verify depth differently", c.path, status)
		}
	}
	if t.Failed() {
		t.Logf("nginx error log:\n%s", n.ErrorLogText())
	}
}
