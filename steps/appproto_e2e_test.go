package steps_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"ngx502/probes/nginxtest"
	"ngx502/steps"
)

// appProto is one of the non-HTTP upstream protocols nginx speaks, with
// the test backends that break it in each way.
type appProto struct {
	name    string // the protocol as ngx502 names its check: "uwsgi", "scgi", "grpc"
	pass    string // the location's lines before the address, e.g. "uwsgi_pass "
	params  string // the params include, "" for gRPC
	command string // how the step-2 check's Command starts for this protocol
	healthy func(t *testing.T) string
	reset   func(t *testing.T) string
	garbage func(t *testing.T) string
}

// sshGarbage is what a backend that speaks another protocol sends back.
const sshGarbage = "SSH-2.0-OpenSSH_9.2p1\r\n\x00\x00\x01\x14\x0a\x14garbage"

// appProtocols lists uwsgi, SCGI and gRPC with their backends.
func appProtocols() []appProto {
	return []appProto{
		{
			name: "uwsgi", pass: "uwsgi_pass ", params: "include /etc/nginx/uwsgi_params;", command: "printf '",
			healthy: func(t *testing.T) string { return nginxtest.UWSGIServer(t, nil).Addr },
			reset: func(t *testing.T) string {
				return nginxtest.UWSGIServer(t, func(c net.Conn, _ nginxtest.AppRequest) { nginxtest.ResetConn(c) }).Addr
			},
			garbage: func(t *testing.T) string { return nginxtest.UWSGIServer(t, nginxtest.AppReply(sshGarbage)).Addr },
		},
		{
			name: "scgi", pass: "scgi_pass ", params: "include /etc/nginx/scgi_params;", command: "printf '",
			healthy: func(t *testing.T) string { return nginxtest.SCGIServer(t, nil).Addr },
			reset: func(t *testing.T) string {
				return nginxtest.SCGIServer(t, func(c net.Conn, _ nginxtest.AppRequest) { nginxtest.ResetConn(c) }).Addr
			},
			garbage: func(t *testing.T) string { return nginxtest.SCGIServer(t, nginxtest.AppReply(sshGarbage)).Addr },
		},
		{
			name: "grpc", pass: "grpc_pass grpc://", command: "grpcurl -plaintext ",
			healthy: func(t *testing.T) string { return nginxtest.GRPCHealth(t, "SERVING").Addr },
			// The HTTP/2 preface ends in a blank line, so these read it and then break.
			reset:   func(t *testing.T) string { return nginxtest.Resetting(t) },
			garbage: func(t *testing.T) string { return nginxtest.Garbage(t) },
		},
	}
}

// appSite is a server on the test port passing every request to addr with
// p's module; gRPC needs nginx's listener to speak HTTP/2 (nginx 1.22:
// "listen ... http2", cleartext with prior knowledge).
func appSite(p appProto, addr, extra string) string {
	listen := "127.0.0.1:{{.Port}}"
	if p.name == "grpc" {
		listen += " http2"
	}
	return fmt.Sprintf(`server {
    listen %s;
    server_name shop.test;
    location / {
        %s
        %s%s;
        %s
    }
}`, listen, p.params, p.pass, addr, extra)
}

// appGetN sends count requests through nginx the way a client of p does
// and counts the answers by HTTP status; for gRPC it also counts the
// grpc-status values (key "grpc-status N") nginx passed on.
func appGetN(t *testing.T, p appProto, n *nginxtest.Nginx, count int) map[string]int {
	t.Helper()
	got := map[string]int{}
	for range count {
		if p.name != "grpc" {
			status, _, err := n.Get("/")
			if err != nil {
				t.Fatalf("GET through nginx: %v", err)
			}
			got[fmt.Sprint(status)]++
			continue
		}
		status, grpcStatus := grpcCall(t, n.Addr)
		got[fmt.Sprint(status)]++
		if grpcStatus != "" {
			got["grpc-status "+grpcStatus]++
		}
	}
	return got
}

// grpcCall makes one grpc.health.v1.Health/Check call to nginx over h2c
// and returns the HTTP status and the grpc-status nginx passed on.
func grpcCall(t *testing.T, addr string) (status int, grpcStatus string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var protos http.Protocols
	protos.SetUnencryptedHTTP2(true)
	tr := &http.Transport{Protocols: &protos, Proxy: nil}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr+"/grpc.health.v1.Health/Check",
		strings.NewReader("\x00\x00\x00\x00\x00")) // an empty HealthCheckRequest
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "shop.test"
	req.Header.Set("Content-Type", "application/grpc")
	req.Header.Set("TE", "trailers")
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatalf("gRPC call through nginx: %v", err)
	}
	defer resp.Body.Close()
	if resp.ProtoMajor != 2 {
		t.Fatalf("nginx answered over %s, want HTTP/2", resp.Proto)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	grpcStatus = resp.Trailer.Get("Grpc-Status")
	if grpcStatus == "" {
		grpcStatus = resp.Header.Get("Grpc-Status") // a trailers-only answer
	}
	return resp.StatusCode, grpcStatus
}

// appTriage starts nginx with p passing to addr, makes nginx log count
// answers of wantStatus, and runs the whole triage on it.
func appTriage(t *testing.T, p appProto, addr, extra, wantStatus string) (steps.Report, *nginxtest.Nginx) {
	t.Helper()
	n := nginxtest.Start(t, nginxtest.Options{HTTP: appSite(p, addr, extra)})
	if got := appGetN(t, p, n, 3); got[wantStatus] != 3 {
		t.Fatalf("answers %v, want 3×%s; error log:\n%s", got, wantStatus, n.ErrorLogText())
	}
	rep, _ := runOn(t, n)
	return rep, n
}

// appCheck returns the step-2 check of the direct probe of addr, and
// asserts its Command is p's own probe line, not a bare connect test.
func appCheck(t *testing.T, p appProto, rep steps.Report, addr string) steps.Check {
	t.Helper()
	o, _ := rep.Outcome(steps.Upstream)
	for _, c := range o.Checks {
		if c.Name != p.name+" "+addr {
			continue
		}
		if !strings.HasPrefix(c.Command, p.command) || strings.Contains(c.Command, "nc -zv") {
			t.Errorf("check %s command %q, want the %s probe's line starting %q", c.Name, c.Command, p.name, p.command)
		}
		if p.name != "grpc" && !strings.Contains(c.Command, "| nc ") {
			t.Errorf("check %s command %q does not pipe the request into nc", c.Name, c.Command)
		}
		v := rep.Verdict
		t.Logf("verdict %s %q %s (rule %s); check %s %s: %s; command: %s", v.Cause, v.Subject, v.Confidence, v.Rule, c.Status, c.Name, c.Result, c.Command)
		return c
	}
	t.Fatalf("upstream step has no check %q: %+v", p.name+" "+addr, o.Checks)
	return steps.Check{}
}

// confLine is the file:line of the first line of n's config holding text.
func confLine(t *testing.T, n *nginxtest.Nginx, text string) string {
	t.Helper()
	b, err := os.ReadFile(n.Conf)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(b), "\n") {
		if strings.Contains(line, text) {
			return fmt.Sprintf("%s:%d", n.Conf, i+1)
		}
	}
	t.Fatalf("%q not in %s", text, n.Conf)
	return ""
}

// forEachApp runs one parallel subtest per protocol.
func forEachApp(t *testing.T, test func(t *testing.T, p appProto)) {
	for _, p := range appProtocols() {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			test(t, p)
		})
	}
}

func TestE2EAppHealthy(t *testing.T) {
	t.Parallel()
	forEachApp(t, func(t *testing.T, p appProto) {
		addr := p.healthy(t)
		rep, _ := appTriage(t, p, addr, "", "200")
		assertVerdictOf(t, rep, steps.CauseHealthy, "", steps.High)
		if c := appCheck(t, p, rep, addr); c.Status != steps.Pass {
			t.Errorf("check %s: %s %s", c.Name, c.Status, c.Result)
		}
	})
}

func TestE2EAppRefused(t *testing.T) {
	t.Parallel()
	forEachApp(t, func(t *testing.T, p appProto) {
		addr := nginxtest.Refusing(t)
		rep, _ := appTriage(t, p, addr, "", "502")
		assertVerdictOf(t, rep, steps.CauseRefused, addr, steps.High)
		if c := appCheck(t, p, rep, addr); c.Status != steps.Fail {
			t.Errorf("check %s: %s %s, want fail", c.Name, c.Status, c.Result)
		}
	})
}

func TestE2EAppTimeout(t *testing.T) {
	t.Parallel()
	forEachApp(t, func(t *testing.T, p appProto) {
		addr := nginxtest.Hanging(t)
		directive := p.name + "_read_timeout 1s"
		rep, n := appTriage(t, p, addr, directive+";", "504")
		assertVerdictOf(t, rep, steps.CauseTimeout, addr, steps.High)
		want := directive + " at " + confLine(t, n, directive+";")
		if text := strings.Join(rep.Verdict.Evidence, "\n") + "\n" + rep.Verdict.Fix; !strings.Contains(text, want) {
			t.Errorf("verdict does not name %q:\nevidence %q\nfix %q", want, rep.Verdict.Evidence, rep.Verdict.Fix)
		}
		if c := appCheck(t, p, rep, addr); c.Status != steps.Fail {
			t.Errorf("check %s: %s %s, want fail", c.Name, c.Status, c.Result)
		}
	})
}

func TestE2EAppReset(t *testing.T) {
	t.Parallel()
	forEachApp(t, func(t *testing.T, p appProto) {
		addr := p.reset(t)
		rep, _ := appTriage(t, p, addr, "", "502")
		assertVerdictOf(t, rep, steps.CauseReset, addr, steps.High)
		appCheck(t, p, rep, addr)
	})
}

func TestE2EAppGarbage(t *testing.T) {
	t.Parallel()
	forEachApp(t, func(t *testing.T, p appProto) {
		addr := p.garbage(t)
		rep, _ := appTriage(t, p, addr, "", "502")
		assertVerdictOf(t, rep, steps.CauseInvalid, addr, steps.High)
		appCheck(t, p, rep, addr)
	})
}

// A health service answering NOT_SERVING is an answer nginx passes on
// (200 with grpc-status 0), not a 502: healthy, with the step-2 check
// showing NOT_SERVING as a warning.
func TestE2EAppGRPCNotServing(t *testing.T) {
	t.Parallel()
	p := appProtocols()[2]
	addr := nginxtest.GRPCHealth(t, "NOT_SERVING").Addr
	n := nginxtest.Start(t, nginxtest.Options{HTTP: appSite(p, addr, "")})
	if got := appGetN(t, p, n, 3); got["200"] != 3 || got["grpc-status 0"] != 3 {
		t.Fatalf("answers %v, want 3×200 with grpc-status 0; error log:\n%s", got, n.ErrorLogText())
	}
	rep, _ := runOn(t, n)
	assertVerdictOf(t, rep, steps.CauseHealthy, "", steps.High)
	c := appCheck(t, p, rep, addr)
	if c.Status != steps.Warn || !strings.Contains(c.Result, "NOT_SERVING") {
		t.Errorf("check %s: %s %q, want a warning naming NOT_SERVING", c.Name, c.Status, c.Result)
	}
}

// nginx answers gRPC clients over h2c on a cleartext "listen ... http2"
// port; ngx502's own request through nginx must not read its HTTP/2
// SETTINGS frame as "nginx itself does not answer".
func TestE2EAppGRPCViaNginxOverH2C(t *testing.T) {
	t.Parallel()
	p := appProtocols()[2]
	rep, _ := appTriage(t, p, p.healthy(t), "", "200")
	o, _ := rep.Outcome(steps.Upstream)
	found := false
	for _, c := range o.Checks {
		if !strings.HasPrefix(c.Name, "via nginx ") {
			continue
		}
		found = true
		if strings.Contains(c.Result, "does not answer") {
			t.Errorf("check %s: %s %q — nginx answered the test's own h2c calls with 200", c.Name, c.Status, c.Result)
		}
	}
	if !found {
		t.Errorf("upstream step has no via-nginx check: %+v", o.Checks)
	}
}
