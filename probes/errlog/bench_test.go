package errlog

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// genLog builds about size bytes of error log from the lab entries, with a
// clock that advances every few lines like a busy server's log.
func genLog(b *testing.B, size int) []byte {
	b.Helper()
	var lines []string
	for _, l := range strings.Split(string(errorSections(b)), "\n") {
		if len(l) > 20 && l[4] == '/' {
			lines = append(lines, l[19:]) // without the timestamp
		}
	}
	var buf bytes.Buffer
	buf.Grow(size + 4096)
	t0 := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	for i := 0; buf.Len() < size; i++ {
		buf.WriteString(t0.Add(time.Duration(i/7) * time.Second).Format("2006/01/02 15:04:05"))
		buf.WriteString(lines[i%len(lines)])
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

func BenchmarkScan(b *testing.B) {
	data := genLog(b, 50<<20)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		n, up := 0, 0
		err := Scan(context.Background(), bytes.NewReader(data), time.UTC, time.Time{}, func(e Entry) {
			n++
			if Classify(e) != KindNone {
				up++
			}
		})
		if err != nil || n == 0 || up == 0 {
			b.Fatal(err, n, up)
		}
	}
}

// BenchmarkTallyStream is the sequential core of the new path on one
// core: every entry counted, upstream ones classified and grouped, over
// the lab mix held in memory; ns/entry is its per-entry cost.
func BenchmarkTallyStream(b *testing.B) {
	log := writeBigLog(b, 50<<20, 24*time.Hour)
	data, err := os.ReadFile(log.path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		t, err := tallyStream(context.Background(), bytes.NewReader(data), time.UTC, time.Time{}, newGroupTable(MaxGroups))
		if err != nil || t.entries+t.own != log.entries {
			b.Fatal(err, t, log.entries)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(log.entries), "ns/entry")
}

func BenchmarkScanSinceWindow(b *testing.B) {
	data := genLog(b, 50<<20)
	since := time.Date(2026, 11, 25, 23, 0, 0, 0, time.UTC) // only the tail of the file
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := Scan(context.Background(), bytes.NewReader(data), time.UTC, since, func(Entry) {}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseLine(b *testing.B) {
	line := []byte(sampleLine(b, "*133 "))
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := ParseLine(line, time.UTC); !ok {
			b.Fatal("rejected")
		}
	}
}

func BenchmarkClassify(b *testing.B) {
	e := mustParse(b, sampleLine(b, "*209 "))
	b.ReportAllocs()
	for b.Loop() {
		if Classify(e) != KindTimeout {
			b.Fatal("kind")
		}
	}
}

func BenchmarkSanitize(b *testing.B) {
	s := strings.Repeat("GET /caf\xc3\xa9?q=\xff\x1b[31m ", 20)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		_ = Sanitize(s)
	}
}

// BenchmarkSummarizeManyPeers runs Summarize on the 50 MB many-peers log
// and, on the same file, `LC_ALL=C grep -c upstream` as the floor a line
// scanner can reach: the ratio of the two MB/s is the cost of parsing.
func BenchmarkSummarizeManyPeers(b *testing.B) {
	log := writeManyPeersLog(b)
	mbps := func(b *testing.B) {
		b.ReportMetric(float64(log.size)*float64(b.N)/1e6/b.Elapsed().Seconds(), "MB/s")
	}
	b.Run("Summarize", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s := Summarize(context.Background(), []string{log.path}, time.Time{}, time.UTC)
			if s.Upstream != log.lines {
				b.Fatalf("upstream = %d, want %d", s.Upstream, log.lines)
			}
		}
		mbps(b)
	})
	b.Run("grep", func(b *testing.B) {
		grep, err := exec.LookPath("grep")
		if err != nil {
			missing(b, "grep is not installed: no baseline to compare with")
		}
		for b.Loop() {
			cmd := exec.CommandContext(context.Background(), grep, "-c", "upstream", log.path)
			cmd.Env = append(os.Environ(), "LC_ALL=C")
			out, err := cmd.Output()
			if err != nil || strings.TrimSpace(string(out)) != strconv.Itoa(log.lines) {
				b.Fatalf("grep -c: %q %v", out, err)
			}
		}
		mbps(b)
	})
}

// bigLogSize is the size of the realistic log of BenchmarkSummarize1GiB.
const bigLogSize = 1 << 30

// BenchmarkSummarize1GiB classifies a realistic 1 GiB error log (a week of
// the lab's messages, see writeBigLog) whole, and in the same iteration
// runs `LC_ALL=C grep -c upstream` on the file: x-grep is the ratio of the
// mean times, x-grep-best of the fastest runs, which a shared machine's
// bursts of load disturb least; classify-cpu-s is the CPU time it used.
// Sub-benchmarks: Summarize (what summary.go does), reference (the
// sequential path before issue 8), tally (the pre-filtered, parallel
// path), and peakRSS (VmHWM of a helper process classifying the file with
// tally; with ERRLOG_RSS_OLD=1 also with Summarize).
func BenchmarkSummarize1GiB(b *testing.B) {
	log := writeBigLog(b, bigLogSize, 7*24*time.Hour)
	grep, err := exec.LookPath("grep")
	if err != nil {
		missing(b, "grep is not installed: no baseline to compare with")
	}
	want := grepCount(b, grep, log.path) // also brings the file into the page cache
	ctx := context.Background()
	b.Run("peakRSS", func(b *testing.B) { peakRSS1GiB(b, log, os.Getenv("ERRLOG_RSS_OLD") != "") })
	for _, c := range []struct {
		name string
		run  func() Summary
	}{
		{"Summarize", func() Summary { return Summarize(ctx, []string{log.path}, time.Time{}, time.UTC) }},
		{"reference", func() Summary { return refSummarize(ctx, []string{log.path}, time.Time{}, time.UTC, MaxGroups) }},
		{"tally", func() Summary {
			return tallySummarize(ctx, []string{log.path}, time.Time{}, time.UTC, MaxGroups, defaultPlan())
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var classify, grepped, cpu time.Duration
			bestC, bestG := time.Duration(1<<62), time.Duration(1<<62)
			n := 0
			for b.Loop() {
				t0, c0 := time.Now(), cpuNow()
				s := c.run()
				d := time.Since(t0)
				classify += d
				bestC = min(bestC, d)
				cpu += cpuNow() - c0
				if len(s.Files) != 1 || !s.Files[0].Read || s.Entries+s.Own != log.entries || s.Own != log.own || s.Upstream == 0 {
					b.Fatalf("summary: files %+v, entries %d + own %d, want %d + %d; upstream %d",
						s.Files, s.Entries, s.Own, log.entries-log.own, log.own, s.Upstream)
				}
				t0 = time.Now()
				if got := grepCount(b, grep, log.path); got != want {
					b.Fatalf("grep -c = %d, then %d", want, got)
				}
				d = time.Since(t0)
				grepped += d
				bestG = min(bestG, d)
				n++
			}
			b.ReportMetric(float64(classify.Nanoseconds())/float64(n), "classify-ns/op")
			b.ReportMetric(float64(grepped.Nanoseconds())/float64(n), "grep-ns/op")
			b.ReportMetric(float64(classify)/float64(grepped), "x-grep")
			b.ReportMetric(float64(bestC)/float64(bestG), "x-grep-best") // the fastest of each: least disturbed by other load
			b.ReportMetric(cpu.Seconds()/float64(n), "classify-cpu-s/op")
			b.ReportMetric(float64(log.size)*float64(n)/1e6/classify.Seconds(), "classify-MB/s")
		})
	}
}

// peakRSS1GiB is BenchmarkSummarize1GiB's RSS figure: the helper process
// (rss_test.go) classifies the file with the new path and, when old is
// set, with Summarize as well, each reporting its own VmHWM.
func peakRSS1GiB(b *testing.B, log bigLog, old bool) {
	for b.Loop() {
		entries, _, hwm := tallyPeakRSS(b, log.path)
		if entries != log.entries-log.own {
			b.Fatalf("helper saw %d entries, want %d", entries, log.entries-log.own)
		}
		b.ReportMetric(float64(hwm)/(1<<20), "tally-peak-RSS-MiB")
		if hwm > maxSummarizeRSS {
			b.Errorf("peak RSS %.1f MiB, want <= %d MiB", float64(hwm)/(1<<20), maxSummarizeRSS>>20)
		}
		if old {
			out := runSelf(b, rssEnv+"="+log.path)
			var e, u, g int
			var kib int64
			if _, err := fmt.Sscanf(out, "HELPER entries=%d upstream=%d groups=%d vmhwm_kib=%d", &e, &u, &g, &kib); err != nil {
				b.Fatalf("helper output %q: %v", out, err)
			}
			b.ReportMetric(float64(kib)/(1<<10), "Summarize-peak-RSS-MiB")
		}
	}
}

// grepCount runs `LC_ALL=C grep -c upstream path` and returns the count.
func grepCount(b *testing.B, grep, path string) int {
	b.Helper()
	cmd := exec.CommandContext(context.Background(), grep, "-c", "upstream", path)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	out, err := cmd.Output()
	n, convErr := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil || convErr != nil || n <= 0 {
		b.Fatalf("grep -c: %q %v %v", out, err, convErr)
	}
	return n
}

// missing skips a test whose prerequisite is absent, except in CI where
// an absent prerequisite is a broken runner.
func missing(tb testing.TB, why string) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatal(why)
	}
	tb.Skip(why)
}
