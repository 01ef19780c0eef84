package accesslog

import (
	"bufio"
	"context"
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// benchFormat is a realistic compact custom format (about 127 bytes a line).
const benchFormat = `$remote_addr [$time_local] "$request" $status $body_bytes_sent rt=$request_time us=$upstream_status ua=$upstream_addr uht=$upstream_header_time`

// benchSize is the generated log's size.
const benchSize = 1 << 30

// benchLog describes the generated log.
type benchLog struct {
	path         string
	size         int64
	lines, n502  int
	appOwn       int // 502s the application sent itself
	retriedLines int // requests answered 200 after a failed attempt
}

// benchDir is where the log lives for the whole test process (not in git:
// the system temp dir); TestMain removes it.
func benchDir() string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("ngx502-accesslog-bench-%d", os.Getpid()))
}

// TestMain removes the benchmark's generated log when the process ends.
func TestMain(m *testing.M) {
	code := m.Run()
	os.RemoveAll(benchDir())
	os.Exit(code)
}

// writeBenchLog builds the 1 GiB log once per process: ~8.5 M lines from 4
// upstream servers, 2% 502 (half the application's own, half refused
// connects), 1% answered after a retry, 8 lines per second.
func writeBenchLog(tb testing.TB) benchLog {
	tb.Helper()
	log := benchLog{path: filepath.Join(benchDir(), "access.log")}
	meta := log.path + ".counts"
	if b, err := os.ReadFile(meta); err == nil {
		if _, err := fmt.Sscan(string(b), &log.size, &log.lines, &log.n502, &log.appOwn, &log.retriedLines); err == nil {
			return log
		}
	}
	if err := os.MkdirAll(benchDir(), 0o700); err != nil {
		tb.Fatal(err)
	}
	f, err := os.Create(log.path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	t0 := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	var buf []byte
	var ts string
	for written := int64(0); written < benchSize; log.lines++ {
		if log.lines%8 == 0 {
			ts = t0.Add(time.Duration(log.lines/8) * time.Second).Format("02/Jan/2006:15:04:05 -0700")
		}
		server := "10.0.0." + strconv.Itoa(5+rng.IntN(4)) + ":8080"
		status, us, ua, uht := "200", "200", server, "0.010"
		switch p := rng.IntN(100); {
		case p < 1:
			status, us, uht = "502", "502", "0.004"
			log.appOwn++
		case p < 2:
			status, us, uht = "502", "502", "-"
		case p < 3:
			us, ua, uht = "502, 200", "10.0.0.9:8080, "+server, "-, 0.010"
			log.retriedLines++
		}
		if status == "502" {
			log.n502++
		}
		buf = fmt.Appendf(buf[:0], "10.%d.%d.%d [%s] \"GET /api/items/%d HTTP/1.1\" %s %d rt=0.0%02d us=%s ua=%s uht=%s\n",
			rng.IntN(256), rng.IntN(256), rng.IntN(256), ts, rng.IntN(100000), status, 1000+rng.IntN(9000), rng.IntN(100), us, ua, uht)
		if _, err := w.Write(buf); err != nil {
			tb.Fatal(err)
		}
		written += int64(len(buf))
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	info, err := os.Stat(log.path)
	if err != nil {
		tb.Fatal(err)
	}
	log.size = info.Size()
	counts := fmt.Sprint(log.size, log.lines, log.n502, log.appOwn, log.retriedLines)
	if err := os.WriteFile(meta, []byte(counts), 0o600); err != nil {
		tb.Fatal(err)
	}
	return log
}

// BenchmarkSummarize1GiB runs Summarize on a generated 1 GiB access log
// and, on the same file, `LC_ALL=C grep -c ' 502 '` as the floor a line
// scanner can reach: the ratio of the two times is the cost of parsing.
func BenchmarkSummarize1GiB(b *testing.B) {
	log := writeBenchLog(b)
	format := mustFormat(b, benchFormat)
	mbps := func(b *testing.B) {
		b.ReportMetric(float64(log.size)*float64(b.N)/1e6/b.Elapsed().Seconds(), "MB/s")
	}
	b.Run("Summarize", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s := Summarize(context.Background(), []string{log.path}, format, time.Time{}, 5*time.Minute)
			if s.Requests != log.lines || s.Classes[5] != log.n502 || s.Bad != 0 {
				b.Fatalf("requests %d, 5xx %d, bad %d (%q); want %d, %d, 0", s.Requests, s.Classes[5], s.Bad, s.BadSample, log.lines, log.n502)
			}
			app := 0
			for _, g := range s.Groups {
				if g.AppOwn {
					app += g.Count
				}
			}
			if app != log.appOwn {
				b.Fatalf("app's own 502s = %d, want %d", app, log.appOwn)
			}
		}
		mbps(b)
		b.ReportMetric(float64(log.lines), "lines")
	})
	b.Run("grep", func(b *testing.B) {
		grep, err := exec.LookPath("grep")
		if err != nil {
			missing(b, "grep is not installed: no baseline to compare with")
		}
		for b.Loop() {
			cmd := exec.CommandContext(context.Background(), grep, "-c", " 502 ", log.path)
			cmd.Env = append(os.Environ(), "LC_ALL=C")
			out, err := cmd.Output()
			if err != nil || strings.TrimSpace(string(out)) != strconv.Itoa(log.n502) {
				b.Fatalf("grep -c: %q %v, want %d", out, err, log.n502)
			}
		}
		mbps(b)
	})
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

// benchLine is a typical line of benchFormat.
const benchLine = `10.12.201.7 [25/Nov/2026:03:14:15 +0000] "GET /api/items/48213 HTTP/1.1" 200 4821 rt=0.012 us=200 ua=10.0.0.7:8080 uht=0.010`

// BenchmarkTallyLine is the per-line cost of Summarize without I/O.
func BenchmarkTallyLine(b *testing.B) {
	f := mustFormat(b, benchFormat)
	acc := newTally(&f, time.Time{}, 5*time.Minute, MaxGroups, MaxUpstreams, maphash.MakeSeed())
	line := []byte(benchLine)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		acc.line(line, false)
	}
	if acc.requests == 0 || acc.bad != 0 {
		b.Fatalf("requests %d bad %d", acc.requests, acc.bad)
	}
}
