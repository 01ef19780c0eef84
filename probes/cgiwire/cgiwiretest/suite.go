// Package cgiwiretest is the test battery the uwsgi and scgi probes share: each
// package's test hands Run its own probe, explanation and test backend, and the
// battery checks them against real sockets, a real sh and a real nginx. It is imported
// by tests only.
package cgiwiretest

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"ngx502/probes/cgiwire"
	"ngx502/probes/nginxtest"
)

// Suite is one protocol under test.
type Suite struct {
	Module      string // nginx's directive prefix and params file: "uwsgi" as in uwsgi_pass, /etc/nginx/uwsgi_params
	Application string // what Explain calls a proper peer: "a uwsgi application"

	Probe    func(context.Context, cgiwire.Request, time.Duration) cgiwire.Result // the package's Probe
	Explain  func(cgiwire.Result) string                                          // the package's Explain
	Command  func(cgiwire.Request, time.Duration) string                          // the package's Command
	Protocol cgiwire.Protocol                                                     // its variables and encoding, to compare with what was sent
	Server   func(testing.TB, nginxtest.AppHandler) *nginxtest.AppServer          // its test backend

	// AnswerVars are the protocol's own variables (and values) a plain GET sends,
	// besides the ones both protocols send.
	AnswerVars map[string]string
	// OverrideOrder is the names sent, in order, when the params SCRIPT_NAME,
	// REQUEST_SCHEME, HTTPS and HTTP_USER_AGENT are laid over the defaults.
	OverrideOrder string
	// SameBytesAt are offsets of the request where nginx's bytes and the probe's must
	// agree besides the variables (uwsgi's modifier1 and modifier2).
	SameBytesAt []int
}

// Run runs every case of the battery as a subtest of t.
func Run(t *testing.T, s Suite) {
	cases := []struct {
		name string
		run  func(*testing.T, Suite)
	}{
		{"Answer", testAnswer},
		{"ParamsOverrideInPlace", testParamsOverrideInPlace},
		{"CGIStatusHeader", testCGIStatusHeader},
		{"BigHeaderNoted", testBigHeaderNoted},
		{"BrokenPeers", testBrokenPeers},
		{"HangExceedsReadTimeout", testHangExceedsReadTimeout},
		{"SlowAnswerExceedsReadTimeout", testSlowAnswerExceedsReadTimeout},
		{"FullAcceptQueue", testFullAcceptQueue},
		{"SlowConnectExceedsConnectTimeout", testSlowConnectExceedsConnectTimeout},
		{"Cancel", testCancel},
		{"CommandSendsSameBytes", testCommandSendsSameBytes},
		{"SameVarsAsNginx", testSameVarsAsNginx},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.run(t, s) })
	}
}

// ProbeLogged runs the suite's probe and logs what it saw and how Explain words it.
func (s Suite) ProbeLogged(t *testing.T, r cgiwire.Request, timeout time.Duration) cgiwire.Result {
	t.Helper()
	res := s.Probe(context.Background(), r, timeout)
	t.Logf("%s → status=%d phase=%q err=%v exceeded=%q waited=%s\n  %s", r.Address, res.Status, res.Phase, res.Err, res.Exceeded, res.Waited, s.Explain(res))
	return res
}

func names(vars []cgiwire.Param) []string {
	out := make([]string, len(vars))
	for i, v := range vars {
		out[i] = v.Name
	}
	return out
}

// SentBy runs the printf half of a ShellCommand line with a real sh and returns the
// bytes it writes and the netcat half.
func SentBy(t *testing.T, command string) (sent []byte, netcat string) {
	t.Helper()
	printf, nc, ok := strings.Cut(command, " | ")
	if !ok {
		t.Fatalf("not a printf | nc line: %s", command)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got, err := exec.CommandContext(ctx, "sh", "-c", printf).Output()
	if err != nil {
		t.Fatalf("sh -c %s: %v", printf, err)
	}
	return got, nc
}
