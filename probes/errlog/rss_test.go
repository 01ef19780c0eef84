package errlog

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Environment of the RSS measurement's processes: the relay starts the
// helper and reports its ru_maxrss; the helper summarises the log.
const (
	rssRelayEnv = "ERRLOG_RSS_RELAY_LOG"
	rssEnv      = "ERRLOG_RSS_HELPER_LOG"
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
	if _, err := fmt.Sscanf(out, "HELPER entries=%d upstream=%d groups=%d\nRELAY maxrss_kib=%d",
		&entries, &upstream, &groups, &rssKiB); err != nil {
		t.Fatalf("relay output %q: %v", out, err)
	}
	eq(t, entries, log.lines) // the helper really read the whole log
	eq(t, upstream, log.lines)
	rss := rssKiB << 10
	t.Logf("Summarize of %d MB, %d peers: peak RSS %.1f MiB, %d groups", log.size>>20, junkPeers+1, float64(rss)/(1<<20), groups)
	if rss > maxSummarizeRSS {
		t.Errorf("peak RSS %.1f MiB, want <= %d MiB", float64(rss)/(1<<20), maxSummarizeRSS>>20)
	}
}

// runSelf runs this test binary with env added and returns its output.
func runSelf(t *testing.T, env string) string {
	t.Helper()
	out, _, err := execSelf(env)
	if err != nil {
		t.Fatalf("%s: %v\n%s", env, err, out)
	}
	return out
}

// execSelf runs this test binary (only TestMain's helpers run) with env
// added and returns its output and resource usage.
func execSelf(env string) (string, *syscall.Rusage, error) {
	self, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, self, "-test.run=^TestHelperSummarizeRSS$")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, rssRelayEnv+"=") && !strings.HasPrefix(kv, rssEnv+"=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env)
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

// helperSummarizeRSS is the helper of TestSummarizeRSS, run from TestMain
// before any test: it summarises the log and reports what it saw.
func helperSummarizeRSS(path string) {
	s := Summarize(context.Background(), []string{path}, time.Time{}, time.UTC)
	if len(s.Files) != 1 || !s.Files[0].Read {
		fmt.Printf("HELPER failed: %+v\n", s.Files)
		os.Exit(1)
	}
	fmt.Printf("HELPER entries=%d upstream=%d groups=%d\n", s.Entries, s.Upstream, len(s.Groups))
}
