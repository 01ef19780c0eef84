package errlog

import (
	"bytes"
	"context"
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

// missing skips a test whose prerequisite is absent, except in CI where
// an absent prerequisite is a broken runner.
func missing(tb testing.TB, why string) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatal(why)
	}
	tb.Skip(why)
}
