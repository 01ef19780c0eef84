package accesslog

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkSummarizeWindow1GiB: on the generated 1 GiB access log (8
// lines a second over 12 days), the --since 1h Summarize next to
// `LC_ALL=C grep -c ' 502 '` on the same file in the same loop (the
// access log has no "upstream" to count; any pattern reads it all);
// x_grep is the ratio of the two times.
func BenchmarkSummarizeWindow1GiB(b *testing.B) {
	log := writeBenchLog(b)
	format := mustFormat(b, benchFormat)
	grep, err := exec.LookPath("grep")
	if err != nil {
		missing(b, "grep is not installed: no baseline to compare with")
	}
	// writeBenchLog stamps line i with second i/8 from 2026-11-25 00:00 UTC
	lastSec := (log.lines - 1) / 8
	since := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC).Add(time.Duration(lastSec-3600) * time.Second)
	want := log.lines - 8*(lastSec-3600)
	last := since.Add(time.Hour)
	if err := os.Chtimes(log.path, last, last); err != nil { // nginx wrote the last line then, not today
		b.Fatal(err)
	}
	var window, grepTook time.Duration
	for b.Loop() {
		start := time.Now()
		s := Summarize(context.Background(), []string{log.path}, format, since, 5*time.Minute)
		window += time.Since(start)
		if s.Requests != want || s.Bad != 0 || len(s.Files) != 1 || !s.Files[0].Read {
			b.Fatalf("requests %d bad %d files %+v, want %d", s.Requests, s.Bad, s.Files, want)
		}
		start = time.Now()
		cmd := exec.CommandContext(context.Background(), grep, "-c", " 502 ", log.path)
		cmd.Env = append(os.Environ(), "LC_ALL=C")
		out, err := cmd.Output()
		grepTook += time.Since(start)
		if err != nil || strings.TrimSpace(string(out)) != strconv.Itoa(log.n502) {
			b.Fatalf("grep -c: %q %v, want %d", out, err, log.n502)
		}
	}
	b.ReportMetric(float64(window.Microseconds())/1e3/float64(b.N), "ms_summarize")
	b.ReportMetric(float64(grepTook.Microseconds())/1e3/float64(b.N), "ms_grep")
	b.ReportMetric(float64(window)/float64(grepTook), "x_grep")
	b.ReportMetric(float64(want), "lines_in_window")
}
