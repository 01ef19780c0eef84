package errlog

import (
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"ngx502/probes/logfile"
)

// grepTimer runs `LC_ALL=C grep -c upstream path`, the floor a line
// scanner reaches, and returns how long it took.
func grepTimer(b *testing.B, path string) time.Duration {
	b.Helper()
	grep, err := exec.LookPath("grep")
	if err != nil {
		missing(b, "grep is not installed: no baseline to compare with")
	}
	start := time.Now()
	cmd := exec.CommandContext(context.Background(), grep, "-c", "upstream", path)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	out, err := cmd.Output()
	took := time.Since(start)
	if n, perr := strconv.Atoi(strings.TrimSpace(string(out))); err != nil || perr != nil || n == 0 {
		b.Fatalf("grep -c: %q %v", out, err)
	}
	return took
}

// BenchmarkSummarizeWindow1GiB: on a generated 1 GiB error log of 7 days
// (real nginx entries, some seconds early, multi-line ones whole), the
// --since 1h Summarize next to `LC_ALL=C grep -c upstream` on the same
// file in the same loop; x_grep is the ratio of the two times. "rotated"
// makes the 1 GiB file error.log.1, touched since, with a small error.log
// holding the window: the 1 GiB file is skipped by its last line.
func BenchmarkSummarizeWindow1GiB(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "error.log")
	end := time.Date(2026, 12, 2, 5, 0, 0, 0, time.UTC)
	since := end.Add(-time.Hour)
	c := clockLog{blocks: sampleBlocks(b), start: end.Add(-7 * 24 * time.Hour), span: 7 * 24 * time.Hour, loc: time.UTC, rng: rand.New(rand.NewPCG(8, 6)), from: since}
	big := c.writeFile(b, path, 1<<30, end)
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d MiB, %d entries, %d in the last hour", path, info.Size()>>20, big.entries, big.from)

	b.Run("since1h", func(b *testing.B) {
		var window, grep, seek time.Duration
		for b.Loop() {
			seek += seekTimer(b, path, since)
			start := time.Now()
			s := Summarize(context.Background(), []string{path}, since, time.UTC)
			window += time.Since(start)
			if s.Entries+s.Own != big.from || len(s.Files) != 1 || !s.Files[0].Read {
				b.Fatalf("entries %d own %d files %+v, want %d", s.Entries, s.Own, s.Files, big.from)
			}
			grep += grepTimer(b, path)
		}
		report(b, window, grep)
		b.ReportMetric(float64(seek.Microseconds())/1e3/float64(b.N), "ms_seek")
	})

	b.Run("rotated", func(b *testing.B) {
		rdir := b.TempDir()
		rbase := filepath.Join(rdir, "error.log")
		if err := os.Link(path, rbase+".1"); err != nil {
			b.Fatal(err)
		}
		touched := end.Add(time.Hour) // after the window starts, though its last entry is not
		if err := os.Chtimes(rbase+".1", touched, touched); err != nil {
			b.Fatal(err)
		}
		c := clockLog{blocks: c.blocks, start: end, span: time.Hour, loc: time.UTC, rng: rand.New(rand.NewPCG(8, 7)), from: end.Add(30 * time.Minute)}
		small := c.writeFile(b, rbase, 1<<20, touched)
		var window, grep time.Duration
		for b.Loop() {
			start := time.Now()
			s := Summarize(context.Background(), []string{rbase}, c.from, time.UTC)
			window += time.Since(start)
			if len(s.Files) != 2 || s.Files[0].Entries != 0 || !s.Files[0].Read || s.Entries+s.Own != small.from {
				b.Fatalf("files %+v entries %d own %d, want error.log.1 with none and %d", s.Files, s.Entries, s.Own, small.from)
			}
			grep += grepTimer(b, rbase+".1")
		}
		report(b, window, grep)
	})
}

// seekTimer times finding since's window in path alone (the search
// readFile does before Scan) and returns how long it took.
func seekTimer(b *testing.B, path string, since time.Time) time.Duration {
	b.Helper()
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	r, err := logfile.Open(logfile.File{Path: path, Info: info})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	w, err := r.Window(since, entryTimeIn(time.UTC))
	if err != nil || w == nil || w.Size() == 0 || w.Size() > info.Size()/100 {
		b.Fatalf("window %v, %v: want the last hour of %d bytes", w, err, info.Size())
	}
	return time.Since(start)
}

// report adds the Summarize and grep times per op and their ratio.
func report(b *testing.B, window, grep time.Duration) {
	b.Helper()
	b.ReportMetric(float64(window.Microseconds())/1e3/float64(b.N), "ms_summarize")
	b.ReportMetric(float64(grep.Microseconds())/1e3/float64(b.N), "ms_grep")
	b.ReportMetric(float64(window)/float64(grep), "x_grep")
}
