package steps_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ngx502/probes/nginxtest"
	"ngx502/steps"
)

// serveOn answers 200 on exactly one address (e.g. "[::1]:0").
func serveOn(t *testing.T, addr string) int {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen %s: %v", addr, err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

// familyCase: localhost lists both families (in nginx's view and in
// ngx502's, through a hosts file of their own) while the backend listens
// on one. nginx logs the other family's refused connects; the verdict is
// localhost-ipv6 with the address that answers.
func familyCase(t *testing.T, listen, hosts, wantWrite, wantRefused string) {
	t.Helper()
	port := serveOn(t, listen)
	n := nginxtest.Start(t, nginxtest.Options{Hosts: hosts,
		HTTP: site(fmt.Sprintf("proxy_pass http://localhost:%d", port), "")})
	if got := getN(t, n, "/", 4); got[200] != 4 {
		t.Fatalf("answers %v, want 4×200 (nginx falls over to the live address)", got)
	}
	if !strings.Contains(n.ErrorLogText(), fmt.Sprintf("upstream: \"http://%s:%d/\"", wantRefused, port)) {
		t.Fatalf("nginx did not log the refused %s:\n%s", wantRefused, n.ErrorLogText())
	}
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "etc", "hosts"), []byte(hosts), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	kase, err := steps.Discover(ctx, steps.Options{Binary: n.Binary, Conf: n.Conf, Prefix: n.Prefix, Timeout: 2 * time.Second, Root: root})
	if err != nil {
		t.Fatal(err)
	}
	rep := steps.RunAll(ctx, kase)
	assertVerdictOf(t, rep, steps.CauseLocalhostIPv6, fmt.Sprintf("localhost:%d", port), steps.High)
	if want := fmt.Sprintf("write %s:%d instead of localhost:%d", wantWrite, port, port); !strings.Contains(rep.Verdict.Fix, want) {
		t.Errorf("fix %q, want it to say %q", rep.Verdict.Fix, want)
	}
}

func TestE2EBackendOnIPv6OnlyBehindLocalhost(t *testing.T) {
	t.Parallel()
	familyCase(t, "[::1]:0", "127.0.0.1 localhost\n::1 localhost\n", "[::1]", "127.0.0.1")
}

func TestE2EBackendOnIPv4OnlyBehindLocalhost(t *testing.T) {
	t.Parallel()
	familyCase(t, "127.0.0.1:0", "::1 localhost\n127.0.0.1 localhost\n", "127.0.0.1", "[::1]")
}

// nginx runs in a mount namespace of its own with its own /etc/hosts (a
// container, a chroot): ngx502 resolves with the file nginx sees, through
// the master's /proc/PID/root, not with the box's, which does not list
// localhost as ::1 here.
func TestE2ELocalhostResolvedWithTheMastersHostsFile(t *testing.T) {
	t.Parallel()
	port := serveOn(t, "[::1]:0")
	n := nginxtest.Start(t, nginxtest.Options{Hosts: "127.0.0.1 localhost\n::1 localhost\n",
		HTTP: site(fmt.Sprintf("proxy_pass http://localhost:%d", port), "")})
	if got := getN(t, n, "/", 2); got[200] != 2 {
		t.Fatalf("answers %v, want 2×200", got)
	}
	rep, _ := runOn(t, n)
	assertVerdictOf(t, rep, steps.CauseLocalhostIPv6, fmt.Sprintf("localhost:%d", port), steps.High)
}
