package steps_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"ngx502/probes/nginxtest"
	"ngx502/steps"
)

// A backend that closes idle keep-alive connections after 1 s behind an
// upstream{} nginx keeps connections to for 60 s: keepalive-misconfig, with
// the idle time measured and the line to change.
func TestE2EKeepaliveBackendClosesSooner(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{IdleTimeout: time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	addr := l.Addr().String()
	n := nginxtest.Start(t, nginxtest.Options{HTTP: fmt.Sprintf(`upstream app {
    server %s;
    keepalive 4;
}
%s`, addr, site("proxy_pass http://app", `proxy_http_version 1.1; proxy_set_header Connection "";`))})
	if got := getN(t, n, "/", 2); got[200] != 2 {
		t.Fatalf("answers %v, want 2×200", got)
	}
	rep, _ := runOn(t, n)
	assertVerdictOf(t, rep, steps.CauseKeepalive, addr, steps.Low)
	ev := strings.Join(rep.Verdict.Evidence, "\n")
	if !regexp.MustCompile(`closed the idle connection after (9\d\dms|1\.[0-4]s)`).MatchString(ev) || !strings.Contains(ev, "keepalive_timeout 60s (default)") {
		t.Errorf("evidence %q: want the measured 1 s against nginx's 60 s", ev)
	}
	if !regexp.MustCompile(`set keepalive_timeout [4-7]00ms; inside upstream app \{\} at `).MatchString(rep.Verdict.Fix) {
		t.Errorf("fix %q: want a keepalive_timeout below the backend's, inside upstream app", rep.Verdict.Fix)
	}
}

// One backend, two locations: its 6 KiB header overflows the default 4k
// buffer of /small/ but fits the 16k of /big/. header-too-big, for /small/.
func TestE2EHeaderTooBigForOneLocationOnly(t *testing.T) {
	t.Parallel()
	addr := nginxtest.HugeHeader(t, 6<<10)
	n := nginxtest.Start(t, nginxtest.Options{HTTP: fmt.Sprintf(`server {
    listen 127.0.0.1:{{.Port}};
    location /small/ { proxy_pass http://%s; }
    location /big/ { proxy_pass http://%s; proxy_buffer_size 16k; proxy_buffers 8 16k; proxy_busy_buffers_size 32k; }
}`, addr, addr)})
	if got := getN(t, n, "/small/", 2); got[502] != 2 {
		t.Fatalf("/small/ answers %v, want 2×502", got)
	}
	if got := getN(t, n, "/big/", 2); got[200] != 2 {
		t.Fatalf("/big/ answers %v, want 2×200", got)
	}
	rep, _ := runOn(t, n)
	assertVerdictOf(t, rep, steps.CauseHeaderTooBig, addr, steps.High)
	if !strings.Contains(rep.Verdict.Fix, "location /small/") || strings.Contains(rep.Verdict.Fix, "location /big/") {
		t.Errorf("fix %q: want it for location /small/ only", rep.Verdict.Fix)
	}
	if ev := strings.Join(rep.Verdict.Evidence, "\n"); !strings.Contains(ev, "fits in location /big/") {
		t.Errorf("evidence %q: want /big/ named as holding it", ev)
	}
}

// An HTTPS backend that refuses handshakes without SNI: without
// proxy_ssl_server_name nginx fails (tls-handshake); with it nginx and the
// probe both send the name and all is well (healthy).
func TestE2ESNIRequired(t *testing.T) {
	t.Parallel()
	addr, names := sniOnly(t)
	t.Run("without", func(t *testing.T) {
		n := nginxtest.Start(t, nginxtest.Options{HTTP: site("proxy_pass https://"+addr, "")})
		if got := getN(t, n, "/", 2); got[502] != 2 {
			t.Fatalf("answers %v, want 2×502", got)
		}
		rep, _ := runOn(t, n)
		assertVerdictOf(t, rep, steps.CauseTLS, addr, steps.High)
	})
	t.Run("with", func(t *testing.T) {
		n := nginxtest.Start(t, nginxtest.Options{HTTP: site("proxy_pass https://"+addr, "proxy_ssl_server_name on; proxy_ssl_name api.internal;")})
		if got := getN(t, n, "/", 2); got[200] != 2 {
			t.Fatalf("answers %v, want 2×200", got)
		}
		rep, _ := runOn(t, n)
		assertVerdictOf(t, rep, steps.CauseHealthy, "", steps.High)
		if got := names(); !strings.Contains(got, "ngx502-probe:api.internal") || !strings.Contains(got, "nginx:api.internal") {
			t.Errorf("server names seen %q: want nginx and the probe both to send api.internal", got)
		}
	})
}

// sniOnly serves HTTPS that fails any handshake without SNI; names lists
// "who:servername" for every request that got through.
func sniOnly(t *testing.T) (string, func() string) {
	t.Helper()
	cert := selfSigned(t, "api.internal")
	seen := make(chan string, 64)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		who := "nginx"
		if strings.HasPrefix(r.UserAgent(), "ngx502-probe") {
			who = "ngx502-probe"
		}
		select {
		case seen <- who + ":" + r.TLS.ServerName:
		default:
		}
		_, _ = w.Write([]byte("ok\n"))
	}), ErrorLog: log.New(io.Discard, "", 0), TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, GetConfigForClient: func(h *tls.ClientHelloInfo) (*tls.Config, error) {
		if h.ServerName == "" {
			return nil, errors.New("SNI required")
		}
		return nil, nil
	}}}
	go func() { _ = srv.ServeTLS(l, "", "") }()
	t.Cleanup(func() { _ = srv.Close() })
	return l.Addr().String(), func() string {
		var all []string
		for {
			select {
			case s := <-seen:
				all = append(all, s)
			default:
				return strings.Join(all, " ")
			}
		}
	}
}

func selfSigned(t *testing.T, name string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// A unix backend whose accept queue is full: nginx logs EAGAIN (11) and
// answers 502; the queue is measured full: upstream-busy.
func TestE2EAcceptQueueFullUnix(t *testing.T) {
	t.Parallel()
	path := nginxtest.SaturatedUnix(t)
	n := nginxtest.Start(t, nginxtest.Options{HTTP: site("proxy_pass http://unix:"+path, "")})
	if got := getN(t, n, "/", 2); got[502] != 2 {
		t.Fatalf("answers %v, want 2×502", got)
	}
	rep, _ := runOn(t, n)
	assertVerdictOf(t, rep, steps.CauseBusy, "unix:"+path, steps.High)
	if ev := strings.Join(rep.Verdict.Evidence, "\n"); !strings.Contains(ev, "the backlog is 1") {
		t.Errorf("evidence %q: want the measured queue", ev)
	}
}

// A TCP backend whose accept queue is full: SYNs are dropped, nginx's
// connect times out (504); the queue explains it: upstream-busy.
func TestE2EAcceptQueueFullTCP(t *testing.T) {
	t.Parallel()
	addr := nginxtest.SaturatedTCP(t)
	n := nginxtest.Start(t, nginxtest.Options{HTTP: site("proxy_pass http://"+addr, "proxy_connect_timeout 500ms;")})
	if got := getN(t, n, "/", 2); got[504] != 2 {
		t.Fatalf("answers %v, want 2×504", got)
	}
	rep, _ := runOn(t, n)
	assertVerdictOf(t, rep, steps.CauseBusy, addr, steps.High)
}

// An RST in the middle of the response header: nginx logs 104 (reset), and
// the probe says reset too, so log and probe add up to one claim.
func TestE2EResetMidHeader(t *testing.T) {
	t.Parallel()
	addr := nginxtest.ResettingMidHeader(t)
	n := nginxtest.Start(t, nginxtest.Options{HTTP: site("proxy_pass http://"+addr, "")})
	if got := getN(t, n, "/", 2); got[502] != 2 {
		t.Fatalf("answers %v, want 2×502", got)
	}
	if !strings.Contains(n.ErrorLogText(), "(104: Connection reset by peer) while reading response header") {
		t.Fatalf("nginx did not log a reset:\n%s", n.ErrorLogText())
	}
	rep, _ := runOn(t, n)
	assertVerdictOf(t, rep, steps.CauseReset, addr, steps.High)
	if ev := strings.Join(rep.Verdict.Evidence, "\n"); !strings.Contains(ev, "reset the connection (RST) after") {
		t.Errorf("evidence %q: want the probe's reset after some header bytes", ev)
	}
}

// A PHP script slower than fastcgi_read_timeout behind a regex location:
// the probe runs the script nginx logged (not a guess), with the config's
// SCRIPT_FILENAME, and names the timeout that fired.
func TestE2EFastCGISlowScriptFromTheLog(t *testing.T) {
	t.Parallel()
	f := nginxtest.PHPFPM(t, nginxtest.PHPOptions{})
	f.Script(t, "slow.php", "<?php usleep(1500000); echo 'late';")
	n := nginxtest.Start(t, nginxtest.Options{HTTP: `server {
    listen 127.0.0.1:{{.Port}};
    root ` + f.Root + `;
    location ~ \.php$ {
        include /etc/nginx/fastcgi_params;
        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
        fastcgi_read_timeout 1s;
        fastcgi_pass unix:` + f.Socket + `;
    }
}`})
	if got := getN(t, n, "/slow.php", 2); got[504] != 2 {
		t.Fatalf("answers %v, want 2×504", got)
	}
	rep, _ := runOn(t, n)
	assertVerdictOf(t, rep, steps.CauseTimeout, "unix:"+f.Socket, steps.High)
	o, _ := rep.Outcome(steps.Upstream)
	for _, c := range o.Checks {
		if strings.HasPrefix(c.Name, "FastCGI ") {
			if !strings.Contains(c.Result, "> fastcgi_read_timeout 1s at ") || !strings.Contains(c.Result, "script /slow.php from the error log") {
				t.Errorf("check %q: want the logged script timed against fastcgi_read_timeout 1s at its line", c.Result)
			}
			if !strings.Contains(c.Command, "SCRIPT_FILENAME="+f.Root+"/slow.php") {
				t.Errorf("command %q: want the config's SCRIPT_FILENAME for /slow.php", c.Command)
			}
			return
		}
	}
	t.Errorf("no FastCGI check in %+v", o.Checks)
}
