package errlog

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Environment of the RSS measurement's processes: the relay starts the
// helper and reports its ru_maxrss; the helper summarises the log, with
// Summarize or, when rssModeEnv is "tally", the new path (tallySummarize),
// and reports its own VmHWM.
const (
	rssRelayEnv = "ERRLOG_RSS_RELAY_LOG"
	rssEnv      = "ERRLOG_RSS_HELPER_LOG"
	rssModeEnv  = "ERRLOG_RSS_MODE"
)

// maxSummarizeRSS is the peak resident set Summarize may reach on the
// many-peers log, test binary and Go runtime included.
const maxSummarizeRSS = 64 << 20

// TestSummarizeRSS measures the peak RSS of Summarize on the 50 MB
// many-peers log in a child process. Linux charges a child, at its exec,
// the peak RSS of the address space it was vforked from (exec_mmap's
// setmax_mm_hiwater_rss), so a child of this test binary would report this
// binary's own peak after the other tests; a fresh relay process therefore
// starts the helper and reads the helper's ru_maxrss.
func TestSummarizeRSS(t *testing.T) {
	log := writeManyPeersLog(t)
	out := runSelf(t, rssRelayEnv+"="+log.path)
	var entries, upstream, groups int
	var rssKiB int64
	var hwm int64
	if _, err := fmt.Sscanf(out, "HELPER entries=%d upstream=%d groups=%d vmhwm_kib=%d\nRELAY maxrss_kib=%d",
		&entries, &upstream, &groups, &hwm, &rssKiB); err != nil {
		t.Fatalf("relay output %q: %v", out, err)
	}
	eq(t, entries, log.lines) // the helper really read the whole log
	eq(t, upstream, log.lines)
	// VmHWM is the helper's own mm's peak, fresh at its exec; ru_maxrss can
	// carry an ancestor's peak, so it is logged but not judged.
	rss := hwm << 10
	t.Logf("Summarize of %d MB, %d peers: peak RSS (VmHWM) %.1f MiB, ru_maxrss %.1f MiB, %d groups",
		log.size>>20, junkPeers+1, float64(rss)/(1<<20), float64(rssKiB)/1024, groups)
	if rss > maxSummarizeRSS && !raceBuild { // the race pass inflates RSS; the plain pass judges it
		t.Errorf("peak RSS %.1f MiB, want <= %d MiB", float64(rss)/(1<<20), maxSummarizeRSS>>20)
	}
}

// runSelf runs this test binary with env added and returns its output.
func runSelf(t testing.TB, env ...string) string {
	t.Helper()
	out, _, err := execSelf(env...)
	if err != nil {
		t.Fatalf("%s: %v\n%s", env, err, out)
	}
	return out
}

// execSelf runs this test binary (only TestMain's helpers run) with env
// added and returns its output and resource usage.
func execSelf(env ...string) (string, *syscall.Rusage, error) {
	self, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, self, "-test.run=^TestHelperSummarizeRSS$")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, rssRelayEnv+"=") && !strings.HasPrefix(kv, rssEnv+"=") && !strings.HasPrefix(kv, rssModeEnv+"=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), nil, err
	}
	return string(out), cmd.ProcessState.SysUsage().(*syscall.Rusage), nil
}

// relaySummarizeRSS is the relay of TestSummarizeRSS, run from TestMain: a
// fresh, small process that runs the helper and prints its ru_maxrss.
func relaySummarizeRSS(path string) {
	out, ru, err := execSelf(rssEnv + "=" + path)
	if err != nil {
		fmt.Printf("RELAY helper: %v\n%s", err, out)
		os.Exit(1)
	}
	fmt.Printf("%sRELAY maxrss_kib=%d\n", out, ru.Maxrss)
}

// helperSummarizeRSS is the helper of TestSummarizeRSS and TestTallyRSS,
// run from TestMain before any test: it summarises the log and reports
// what it saw and its peak resident set.
func helperSummarizeRSS(path string) {
	var s Summary
	if os.Getenv(rssModeEnv) == "tally" {
		s = tallySummarize(context.Background(), []string{path}, time.Time{}, time.UTC, MaxGroups, defaultPlan())
	} else {
		s = Summarize(context.Background(), []string{path}, time.Time{}, time.UTC)
	}
	if len(s.Files) != 1 || !s.Files[0].Read {
		fmt.Printf("HELPER failed: %+v\n", s.Files)
		os.Exit(1)
	}
	fmt.Printf("HELPER entries=%d upstream=%d groups=%d vmhwm_kib=%d\n", s.Entries, s.Upstream, len(s.Groups), vmHWM())
}

// vmHWM is this process's peak resident set in KiB, from /proc/self/status.
func vmHWM() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err == nil {
				return n
			}
		}
	}
	return -1
}

// tallyPeakRSS runs the helper on path with the new path and returns what
// it saw and its VmHWM in bytes.
func tallyPeakRSS(tb testing.TB, path string) (entries, upstream int, hwm int64) {
	tb.Helper()
	out := runSelf(tb, rssEnv+"="+path, rssModeEnv+"=tally")
	var groups int
	if _, err := fmt.Sscanf(out, "HELPER entries=%d upstream=%d groups=%d vmhwm_kib=%d", &entries, &upstream, &groups, &hwm); err != nil || hwm <= 0 {
		tb.Fatalf("helper output %q: %v", out, err)
	}
	return entries, upstream, hwm << 10
}

// TestTallyRSS: the parallel path stays within maxSummarizeRSS on the
// many-peers log (every chunk read again in order) and on a 64 MiB
// realistic log (chunks merged), peak RSS read from the helper's VmHWM.
func TestTallyRSS(t *testing.T) {
	many := writeManyPeersLog(t)
	big := writeBigLog(t, 64<<20, 7*24*time.Hour)
	for _, c := range []struct {
		name      string
		path      string
		entries   int
		upstreams bool
	}{
		{"many peers", many.path, many.lines, true},
		{"realistic", big.path, big.entries - big.own, false},
	} {
		entries, upstream, hwm := tallyPeakRSS(t, c.path)
		eq(t, entries, c.entries)
		if c.upstreams {
			eq(t, upstream, c.entries)
		}
		t.Logf("%s: peak RSS %.1f MiB", c.name, float64(hwm)/(1<<20))
		if hwm > maxSummarizeRSS && !raceBuild {
			t.Errorf("%s: peak RSS %.1f MiB, want <= %d MiB", c.name, float64(hwm)/(1<<20), maxSummarizeRSS>>20)
		}
	}
}
