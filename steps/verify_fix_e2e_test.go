package steps_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"ngx502/probes/logfile"
	"ngx502/probes/nginxtest"
	"ngx502/steps"
)

// The backend was down and is back: the proof asks nginx on its route
// five times over the window and follows both logs, and says fixed.
func TestE2EVerifyProvesAFix(t *testing.T) {
	t.Parallel()
	port := nginxtest.Reserve(t)
	n := nginxtest.Start(t, nginxtest.Options{HTTP: site("proxy_pass http://"+port.Addr, "")})
	if status, _, err := n.Get("/"); err != nil || status != 502 {
		t.Fatalf("before: %d %v; want 502", status, err)
	}
	_, kase := runOn(t, n)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "back\n") })}
	go srv.Serve(port.Listen(t))
	t.Cleanup(func() { srv.Close() })

	p := steps.Verify(t.Context(), kase, port.Addr, 2*time.Second)
	if !p.Fixed || p.Requests != 5 || p.OK != 5 || p.Statuses[200] != 5 {
		t.Fatalf("proof %+v: want fixed, 5 of 5 answered 200", p)
	}
	if want := "fixed: 5/5 requests 200, no new upstream errors in 2s"; p.Summary != want {
		t.Errorf("summary %q, want %q", p.Summary, want)
	}
	if len(p.Routes) != 1 || p.Routes[0] != "shop.test /" {
		t.Errorf("routes %q, want the one location that leads to the backend", p.Routes)
	}
}

// Nothing changed: every request through nginx gets 502. nginx logs a
// refusal for each, but they are ngx502's own and are not counted as
// other clients' errors; the proof says still failing.
func TestE2EVerifyStillFailing(t *testing.T) {
	t.Parallel()
	refusing := nginxtest.Refusing(t)
	n := nginxtest.Start(t, nginxtest.Options{HTTP: site("proxy_pass http://"+refusing, "")})
	_, kase := runOn(t, n)
	p := steps.Verify(t.Context(), kase, refusing, time.Second)
	if p.Fixed || p.Requests != 5 || p.OK != 0 || p.Statuses[502] != 5 {
		t.Fatalf("proof %+v: want not fixed, 5 answered 502", p)
	}
	if len(p.Errors) != 0 || p.Access5xx != 0 {
		t.Errorf("ngx502's own requests were counted as other clients': %+v / %d", p.Errors, p.Access5xx)
	}
	if !strings.HasPrefix(p.Summary, "still failing: 0/5 requests good (answered: 5×502)") || !strings.Contains(p.Summary, "/: nginx answered 502") {
		t.Errorf("summary %q", p.Summary)
	}
	if own := strings.Count(n.ErrorLogText(), logfile.ProbeMarker); own < 5 {
		t.Errorf("nginx logged %d of ngx502's own refusals, want 5: the test proves nothing", own)
	}
}

// Real clients keep failing on the same backend while the proof runs:
// their errors and 5xx are the new evidence, counted apart from the
// proof's own requests.
func TestE2EVerifyCountsOtherClientsErrors(t *testing.T) {
	t.Parallel()
	refusing := nginxtest.Refusing(t)
	n := nginxtest.Start(t, nginxtest.Options{HTTP: site("proxy_pass http://"+refusing, "")})
	_, kase := runOn(t, n)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	clients := 0
	wg.Go(func() {
		for range 20 { // bounded: a client every 100 ms for at most 2 s
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			if status, _, err := n.Get("/from-a-client"); err == nil && status == 502 {
				clients++
			}
		}
	})
	p := steps.Verify(t.Context(), kase, refusing, time.Second)
	close(stop)
	wg.Wait()
	if clients == 0 {
		t.Fatal("no client request got its 502 during the proof: the test proves nothing")
	}
	if p.Fixed || len(p.Errors) == 0 || p.Access5xx == 0 {
		t.Fatalf("proof %+v: other clients' %d 502s must show as new errors and 5xx", p, clients)
	}
	for _, ev := range p.Errors {
		if ev.Cause != steps.CauseRefused || !strings.Contains(ev.Request, "/from-a-client") {
			t.Errorf("event %+v: want a refusal of a client's request", ev)
		}
	}
	if !strings.Contains(p.Summary, "new upstream error(s) for other clients") || !strings.Contains(p.Summary, "5xx answers to other clients") {
		t.Errorf("summary %q does not give the new evidence", p.Summary)
	}
}

// Ctrl+C during a proof: nothing is proven, whatever was answered so far.
func TestVerifyInterruptedProvesNothing(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	p := steps.Verify(ctx, &steps.Case{}, "", time.Second)
	if p.Fixed || p.Summary != "not proven: interrupted after 0 request(s)" {
		t.Fatalf("proof %+v: an interrupted proof must not say fixed", p)
	}
}
