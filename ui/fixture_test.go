package ui

import (
	"context"
	"sync"

	"ngx502/steps"
)

// testCase is the box the fixture outcomes describe.
func testCase() *steps.Case {
	c := &steps.Case{}
	c.Install.Binary = "/usr/sbin/nginx"
	c.Install.Conf = "/etc/nginx/nginx.conf"
	c.Install.Build.Version = "1.22.1"
	return c
}

// refusedOutcomes is a realistic "backend down" triage: the log shows
// refused connects (one line carrying an escape sequence a client sent),
// the probe fails, the config passes, nothing listens on the port.
func refusedOutcomes() map[steps.ID]steps.Outcome {
	const up = "127.0.0.1:8080"
	refused := func(where string, kind steps.Evidence, fix string, ev ...string) steps.Finding {
		return steps.Finding{Cause: steps.CauseRefused, Title: steps.CauseOf(steps.CauseRefused).Title,
			Where: where, Evidence: ev, Fix: fix, Subject: up, Kind: kind, Current: kind == steps.Observed}
	}
	return map[steps.ID]steps.Outcome{
		steps.Logs: {Step: steps.Logs, Status: steps.Fail,
			Summary: "37 upstream errors since 09:14: 37× connect() failed (111: Connection refused)",
			Checks: []steps.Check{
				{Name: "error log", Command: "sudo tail -n 200 /var/log/nginx/error.log", Result: "4 812 lines read, 37 upstream errors", Status: steps.Fail},
				{Name: "rotated logs", Command: "ls -l /var/log/nginx/error.log.1", Result: "none in the window", Status: steps.Pass},
			},
			Findings: []steps.Finding{refused("/var/log/nginx/error.log", steps.Observed, "",
				"37× connect() failed (111: Connection refused) while connecting to upstream 127.0.0.1:8080",
				"first 10:02:11 · last 10:14:55 · server example.com",
				"request: \"GET /\x1b[2J\x07login HTTP/1.1\"",
			)}},
		steps.Upstream: {Step: steps.Upstream, Status: steps.Fail,
			Summary: "1 of 1 upstreams fails: 127.0.0.1:8080 refuses connections",
			Checks: []steps.Check{
				{Name: "GET http://127.0.0.1:8080/", Command: "curl -sv -o /dev/null http://127.0.0.1:8080/", Result: "dial tcp 127.0.0.1:8080: connect: connection refused", Status: steps.Fail},
			},
			Findings: []steps.Finding{refused(up, steps.Reproduced, "", "probe: dial tcp 127.0.0.1:8080: connect: connection refused")}},
		steps.Config: {Step: steps.Config, Status: steps.Pass,
			Summary: "config loads; 1 proxy_pass target",
			Checks: []steps.Check{
				{Name: "nginx -t", Command: "sudo nginx -t", Result: "syntax is ok, test is successful", Status: steps.Pass},
				{Name: "proxy_pass targets", Command: "sudo nginx -T | grep -n _pass", Result: "http://127.0.0.1:8080 at /etc/nginx/sites-enabled/app:12", Status: steps.Pass},
			}},
		steps.Network: {Step: steps.Network, Status: steps.Warn,
			Summary: "nothing listens on 127.0.0.1:8080",
			Checks: []steps.Check{
				{Name: "listener 127.0.0.1:8080", Command: "sudo ss -ltnp 'sport = :8080'", Result: "no socket in LISTEN state", Status: steps.Warn},
				{Name: "AppArmor/SELinux", Command: "getenforce", Result: "not enforcing", Status: steps.Pass},
			},
			Findings: []steps.Finding{refused("app.service", steps.Measured, "sudo systemctl start app.service",
				"no listener on 127.0.0.1:8080; app.service is inactive")}},
		steps.Restart: {Step: steps.Restart, Status: steps.Pass,
			Summary: "proposed: systemctl restart app.service",
			Checks: []steps.Check{
				{Name: "nginx -t", Command: "sudo nginx -t", Result: "syntax is ok, test is successful", Status: steps.Pass},
			},
			Actions: []steps.Action{
				{Label: "restart app.service", Argv: []string{"systemctl", "restart", "app.service"}, Command: "systemctl restart app.service",
					Changes: "stops and starts app.service; its open connections drop", Gated: true},
				{Label: "reload nginx", Argv: []string{"/usr/sbin/nginx", "-s", "reload"}, Command: "/usr/sbin/nginx -s reload",
					Changes: "workers re-read the config; no connection drops", Gated: true},
			}},
	}
}

// fakeRun serves constructed outcomes and records what each call got,
// so tests see the prior outcomes and the context the model passed.
type fakeRun struct {
	mu    sync.Mutex
	outs  map[steps.ID]steps.Outcome
	calls []runCall
}

type runCall struct {
	id    steps.ID
	ctx   context.Context
	prior []steps.Outcome
}

func newFakeRun(outs map[steps.ID]steps.Outcome) *fakeRun { return &fakeRun{outs: outs} }

func (f *fakeRun) run(ctx context.Context, _ *steps.Case, id steps.ID, prior []steps.Outcome) steps.Outcome {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, runCall{id, ctx, prior})
	return f.outs[id]
}

func (f *fakeRun) last(id steps.ID) (runCall, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.calls) - 1; i >= 0; i-- {
		if f.calls[i].id == id {
			return f.calls[i], true
		}
	}
	return runCall{}, false
}

// fixedExec reports a successful restart after which the upstream answers.
func fixedExec(_ context.Context, _ *steps.Case, a steps.Action) steps.Execution {
	after := steps.Outcome{Step: steps.Upstream, Status: steps.Pass, Summary: "1 of 1 upstreams answers: 127.0.0.1:8080 200 OK in 3ms"}
	return steps.Execution{Action: a, Ran: true, Output: "restarted\n\x1b]0;owned\x07", After: after, Fixed: true,
		Gate:    steps.Check{Name: "nginx -t", Status: steps.Pass, Result: "syntax is ok"},
		Summary: "done; re-probe: " + after.Summary + " — the 502 is gone"}
}
