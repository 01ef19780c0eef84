package steps_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"ngx502/probes/nginxtest"
	"ngx502/steps"
)

// discoverOn runs Discover on a test nginx with --timeout timeout.
func discoverOn(t *testing.T, n *nginxtest.Nginx, timeout time.Duration) *steps.Case {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	kase, err := steps.Discover(ctx, steps.Options{Binary: n.Binary, Conf: n.Conf, Prefix: n.Prefix, Timeout: timeout})
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	return kase
}

// Ctrl+C 300 ms into probing a hanging upstream: the probe did not get an
// answer, so the step says "not run", not invalid-response or timeout.
func TestCancelUpstreamIsNotRun(t *testing.T) {
	t.Parallel()
	addr := nginxtest.Hanging(t)
	n := nginxtest.Start(t, nginxtest.Options{HTTP: site("proxy_pass http://"+addr, "")})
	kase := discoverOn(t, n, 5*time.Second)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cancelled := make(chan time.Time, 1)
	timer := time.AfterFunc(300*time.Millisecond, func() {
		cancelled <- time.Now()
		cancel()
	})
	defer timer.Stop()
	o := steps.RunStep(ctx, kase, steps.Upstream, nil)
	returned := time.Now()
	var at time.Time
	select {
	case at = <-cancelled:
	default:
		t.Fatalf("RunStep returned after %s, before the cancel: %+v", o.Took, o)
	}
	late := returned.Sub(at)
	t.Logf("RunStep(Upstream) returned %s after the cancel", late.Round(time.Microsecond))
	if late > time.Second {
		t.Errorf("RunStep returned %s after the cancel, want ≤ 1s", late)
	}
	if len(o.Findings) != 0 {
		t.Errorf("findings %+v: a cancelled probe is no evidence", o.Findings)
	}
	found := false
	for _, c := range o.Checks {
		if strings.Contains(c.Name, addr) {
			found = true
			if c.Status != steps.Skipped || c.Result != "not run: cancelled" {
				t.Errorf("check %s: %s %q, want skipped \"not run: cancelled\"", c.Name, c.Status, c.Result)
			}
		}
	}
	if !found {
		t.Errorf("no check names %s: %+v", addr, o.Checks)
	}
	if o.Unfinished != "1 of 1 upstreams not probed: cancelled" {
		t.Errorf("Unfinished %q, want the one upstream not probed: cancelled", o.Unfinished)
	}
}

// A run cancelled before it starts probes nothing and says so in every
// probing step; nothing it shows is a finding.
func TestCancelledBeforeStartProbesNothing(t *testing.T) {
	t.Parallel()
	addr := nginxtest.Refusing(t)
	n := nginxtest.Start(t, nginxtest.Options{HTTP: site("proxy_pass http://"+addr, "")})
	kase := discoverOn(t, n, 2*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, id := range []steps.ID{steps.Upstream, steps.Network} {
		o := steps.RunStep(ctx, kase, id, nil)
		if o.Unfinished == "" || !strings.HasSuffix(o.Unfinished, "cancelled") {
			t.Errorf("step %s: Unfinished %q, want it cancelled", id, o.Unfinished)
		}
		for _, f := range o.Findings {
			if f.Subject == addr {
				t.Errorf("step %s: finding %s about %s from a probe that never ran", id, f.Cause, addr)
			}
		}
		for _, c := range o.Checks {
			if strings.Contains(c.Name, addr) && (c.Status != steps.Skipped || c.Result != "not run: cancelled") {
				t.Errorf("step %s: check %s: %s %q, want skipped \"not run: cancelled\"", id, c.Name, c.Status, c.Result)
			}
		}
	}
}

// The probe's own deadline, with the step's time left, is a real timeout.
func TestProbeTimeoutIsStillATimeout(t *testing.T) {
	t.Parallel()
	addr := nginxtest.Hanging(t)
	n := nginxtest.Start(t, nginxtest.Options{HTTP: site("proxy_pass http://"+addr, "")})
	kase := discoverOn(t, n, time.Second)
	o := steps.RunStep(context.Background(), kase, steps.Upstream, nil)
	if o.Unfinished != "" {
		t.Errorf("Unfinished %q: one probe of 1s fits the step's budget", o.Unfinished)
	}
	if len(o.Findings) == 0 || o.Findings[0].Cause != steps.CauseTimeout || o.Findings[0].Subject != addr {
		t.Errorf("findings %+v, want upstream-timeout for %s", o.Findings, addr)
	}
}
