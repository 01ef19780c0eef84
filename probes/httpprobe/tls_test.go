package httpprobe

import (
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"ngx502/probes/nginxtest"
)

// tlsServer records the SNI each handshake carried; requireSNI makes it refuse
// hellos without one, like many virtual-hosting backends.
func tlsServer(t *testing.T, requireSNI bool) (addr string, sni chan string) {
	sni = make(chan string, 4)
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("tls ok"))
	}))
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake failures are the point here
	s.TLS = &tls.Config{GetConfigForClient: func(h *tls.ClientHelloInfo) (*tls.Config, error) {
		sni <- h.ServerName
		if requireSNI && h.ServerName == "" {
			return nil, errors.New("no SNI")
		}
		return nil, nil
	}}
	s.StartTLS()
	t.Cleanup(s.Close)
	return s.Listener.Addr().String(), sni
}

func TestTLSWithoutSNI(t *testing.T) {
	addr, sni := tlsServer(t, false)
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
	addr, sni := tlsServer(t, true)
	target := Target{Address: addr, Scheme: "https", Insecure: true, ServerName: "app.example", Host: "app.example"}
	r := probe(t, target, 5*time.Second)
	if r.Err != nil || r.Status != 200 {
		t.Fatalf("status %d err %v", r.Status, r.Err)
	}
	if got := <-sni; got != "app.example" {
		t.Errorf("SNI = %q, want app.example", got)
	}
	if !strings.Contains(r.Command, "--connect-to ::"+addr) || !strings.Contains(r.Command, "https://app.example:") {
		t.Errorf("Command = %s", r.Command)
	}
}

func TestTLSNeedsSNI(t *testing.T) {
	addr, _ := tlsServer(t, true)
	r := probe(t, Target{Address: addr, Scheme: "https", Insecure: true}, 5*time.Second)
	if r.Phase != PhaseTLS {
		t.Fatalf("phase %q err %v, want tls", r.Phase, r.Err)
	}
	if !strings.Contains(Explain(r), "proxy_ssl_server_name on") {
		t.Errorf("Explain = %q", Explain(r))
	}
}

func TestTLSVerification(t *testing.T) {
	addr, _ := tlsServer(t, false)
	r := probe(t, Target{Address: addr, Scheme: "https", ServerName: "example.com"}, 5*time.Second)
	if r.Phase != PhaseTLS || !strings.Contains(Explain(r), "unknown authority") {
		t.Fatalf("phase %q: %s", r.Phase, Explain(r))
	}
	// No SNI, verification on: checked against the Host, still refused.
	r = probe(t, Target{Address: addr, Scheme: "https", Host: "example.com"}, 5*time.Second)
	if r.Phase != PhaseTLS || r.Err == nil {
		t.Fatalf("phase %q err %v", r.Phase, r.Err)
	}
}

func TestProtocolMismatch(t *testing.T) {
	// https:// to a plain HTTP port: nginx logs "wrong version number".
	r := probe(t, Target{Address: nginxtest.Healthy(t), Scheme: "https", Insecure: true}, 5*time.Second)
	if r.Phase != PhaseTLS || !strings.Contains(Explain(r), "does not speak TLS") {
		t.Errorf("https→http: phase %q: %s", r.Phase, Explain(r))
	}
	// http:// to a TLS port: Go's TLS server answers 400 itself.
	addr, _ := tlsServer(t, false)
	r = probe(t, Target{Address: addr}, 5*time.Second)
	if r.Err != nil || r.Status != 400 {
		t.Errorf("http→https: status %d err %v", r.Status, r.Err)
	}
}
