package steps_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"ngx502/probes/nginxtest"
	"ngx502/steps"
)

// scaleUpstreams is the size of the configs these tests triage.
const scaleUpstreams = 5000

// scaleTimeout is --timeout for the scale runs.
const scaleTimeout = 2 * time.Second

// What bound.go keeps per outcome (its constants are internal): 60
// checks plus one summary, 5 findings per cause plus one summary.
const (
	keptChecks          = 60 + 1
	keptFindingsOfCause = 5 + 1
)

func TestScale5000Refused(t *testing.T) {
	n := nginxtest.Start(t, nginxtest.Options{HTTP: scaleSite(refusingPorts(t, scaleUpstreams))})
	rep, took := runScale(t, n)
	t.Logf("5,000 refusing upstreams, --timeout %s: Discover + RunAll took %s", scaleTimeout, took.Round(time.Millisecond))
	if took > 15*time.Second {
		t.Errorf("run took %s, want ≤ 15s", took)
	}
	assertVerdict(t, rep, steps.CauseRefused)
	assertBounded(t, rep)
	up, _ := rep.Outcome(steps.Upstream)
	if !strings.Contains(up.Summary, " of 5,000 upstreams fail") || !raceDetector && !strings.Contains(up.Summary, "5,000 of 5,000 upstreams fail") {
		t.Errorf("upstream summary %q: want all 5,000 counted as failing", up.Summary)
	}
	logSteps(t, rep)
	for _, o := range rep.Outcomes {
		switch {
		case o.Unfinished == "":
		case raceDetector:
			t.Logf("step %s unfinished under -race (%s)", o.Step, o.Unfinished)
		default:
			t.Errorf("step %s unfinished (%s): 5,000 refusals must fit in the budget", o.Step, o.Unfinished)
		}
	}
}

func TestScale5000Hang(t *testing.T) {
	hang := newHangServer(t, scaleUpstreams)
	n := nginxtest.Start(t, nginxtest.Options{HTTP: scaleSite(hang.ports)})
	t.Cleanup(hang.Close) // before nginx's stop: its pending requests end at once
	rep, took := runScale(t, n)
	t.Logf("5,000 hanging upstreams, --timeout %s: Discover + RunAll took %s", scaleTimeout, took.Round(time.Millisecond))
	if limit := scaleTimeout + 10*time.Second; took > limit {
		t.Errorf("run took %s, want ≤ %s", took, limit)
	}
	if rep.Verdict.Cause == steps.CauseHealthy {
		t.Fatalf("verdict healthy on a partial run")
	}
	assertVerdict(t, rep, steps.CauseTimeout)
	assertBounded(t, rep)
	up, _ := rep.Outcome(steps.Upstream)
	m := regexp.MustCompile(`^([\d,]+) of 5,000 upstreams not probed: out of time$`).FindStringSubmatch(up.Unfinished)
	if m == nil {
		t.Fatalf("upstream Unfinished %q: want a count of the upstreams not probed", up.Unfinished)
	}
	t.Logf("upstream: %s; unfinished: %s", up.Summary, up.Unfinished)
	// The failures fill the kept checks; the summary check counts the rest.
	last := up.Checks[len(up.Checks)-1]
	if !strings.Contains(last.Result, m[1]+" skipped") {
		t.Errorf("last check %s: %s: want it to count the %s skipped upstreams", last.Name, last.Result, m[1])
	}
	logSteps(t, rep)
}

// logSteps logs each step's time, status and summary.
func logSteps(t *testing.T, rep steps.Report) {
	t.Helper()
	for _, o := range rep.Outcomes {
		t.Logf("  %-8s %6s %-4s %s", o.Step, o.Took.Round(time.Millisecond), o.Status, o.Summary)
	}
}

func BenchmarkRun5000Refused(b *testing.B) {
	n := nginxtest.Start(b, nginxtest.Options{HTTP: scaleSite(refusingPorts(b, scaleUpstreams))})
	benchScale(b, n)
}

func BenchmarkRun5000Hang(b *testing.B) {
	hang := newHangServer(b, scaleUpstreams)
	n := nginxtest.Start(b, nginxtest.Options{HTTP: scaleSite(hang.ports)})
	b.Cleanup(hang.Close)
	benchScale(b, n)
}

func benchScale(b *testing.B, n *nginxtest.Nginx) {
	var total time.Duration
	for b.Loop() {
		_, took := runScale(b, n)
		total += took
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s/op")
}

// runScale runs Discover and RunAll on n, as ngx502 --timeout 2s would.
func runScale(tb testing.TB, n *nginxtest.Nginx) (steps.Report, time.Duration) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	kase, err := steps.Discover(ctx, steps.Options{Binary: n.Binary, Conf: n.Conf, Prefix: n.Prefix, Timeout: scaleTimeout})
	if err != nil {
		tb.Fatalf("Discover: %v", err)
	}
	if len(kase.Endpoints) != scaleUpstreams {
		tb.Fatalf("Discover found %d upstreams, want %d", len(kase.Endpoints), scaleUpstreams)
	}
	rep := steps.RunAll(ctx, kase)
	return rep, time.Since(start)
}

// assertBounded checks every outcome against bound.go's limits.
func assertBounded(t *testing.T, rep steps.Report) {
	t.Helper()
	for _, o := range rep.Outcomes {
		if len(o.Checks) > keptChecks {
			t.Errorf("step %s: %d checks, want ≤ %d", o.Step, len(o.Checks), keptChecks)
		}
		per := map[steps.CauseID]int{}
		for _, f := range o.Findings {
			per[f.Cause]++
		}
		for cause, k := range per {
			if k > keptFindingsOfCause {
				t.Errorf("step %s: %d findings of %s, want ≤ %d", o.Step, k, cause, keptFindingsOfCause)
			}
		}
	}
}

// scaleSite is one nginx server with a location per port, each proxying
// to 127.0.0.1 on that port.
func scaleSite(ports []int) string {
	var b strings.Builder
	b.WriteString("server {\n    listen 127.0.0.1:{{.Port}};\n    server_name scale.test;\n")
	for i, p := range ports {
		fmt.Fprintf(&b, "    location /u%d { proxy_pass http://127.0.0.1:%d; }\n", i, p)
	}
	b.WriteString("}\n")
	return b.String()
}

// refusingPorts returns n loopback ports where nothing listens. They lie
// below the ephemeral range (32768+), so no :0 listener of a parallel
// test takes one meanwhile; each was bound and released to prove it free.
func refusingPorts(tb testing.TB, n int) []int {
	tb.Helper()
	var out []int
	for p := 20000; p < 32768 && len(out) < n; p++ {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			continue
		}
		l.Close()
		out = append(out, p)
	}
	if len(out) < n {
		tb.Fatalf("only %d free ports in 20000–32767, want %d", len(out), n)
	}
	return out
}

// hangServer accepts on many loopback ports and never answers; it reads
// and discards until the peer closes.
type hangServer struct {
	ports     []int
	listeners []net.Listener
	wg        sync.WaitGroup
	once      sync.Once

	mu     sync.Mutex
	closed bool
	conns  map[net.Conn]struct{}
}

// needFiles is the descriptor limit the hang server needs: its listeners,
// what it accepts, and the probes' own ends.
const needFiles = 20000

func newHangServer(tb testing.TB, n int) *hangServer {
	tb.Helper()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur < needFiles {
		msg := fmt.Sprintf("RLIMIT_NOFILE soft limit %d (err %v), want ≥ %d for %d listeners: raise the hard limit (ulimit -Hn)", lim.Cur, err, needFiles, n)
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	h := &hangServer{conns: map[net.Conn]struct{}{}}
	tb.Cleanup(h.Close)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatalf("hang server: listen: %v", err)
		}
		h.listeners = append(h.listeners, l)
		h.ports = append(h.ports, l.Addr().(*net.TCPAddr).Port)
		h.wg.Go(func() { h.accept(l) })
	}
	return h
}

func (h *hangServer) accept(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		h.mu.Lock()
		if h.closed {
			h.mu.Unlock()
			c.Close()
			return
		}
		h.conns[c] = struct{}{}
		h.mu.Unlock()
		h.wg.Go(func() {
			_, _ = io.Copy(io.Discard, c)
			h.mu.Lock()
			delete(h.conns, c)
			h.mu.Unlock()
			c.Close()
		})
	}
}

// Close stops every listener and connection and waits for their goroutines.
func (h *hangServer) Close() {
	h.once.Do(func() {
		for _, l := range h.listeners {
			l.Close()
		}
		h.mu.Lock()
		h.closed = true
		for c := range h.conns {
			c.Close()
		}
		h.mu.Unlock()
		h.wg.Wait()
	})
}
