package errlog

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"ngx502/probes/logfile"
)

// entryTimeIn is the LineTime readFile seeks with.
func entryTimeIn(loc *time.Location) logfile.LineTime {
	return func(line []byte) (time.Time, bool) {
		e, ok := ParseLine(line, loc)
		return e.Time, ok
	}
}

// scanIn returns the raw entries Scan delivers from data for since.
func scanIn(t *testing.T, data []byte, loc *time.Location, since time.Time) []string {
	t.Helper()
	var raws []string
	if err := Scan(context.Background(), bytes.NewReader(data), loc, since, func(e Entry) { raws = append(raws, e.Raw) }); err != nil {
		t.Fatal(err)
	}
	return raws
}

// TestWindowScanMatchesFullRead: on random logs of real entries (multi-line
// ones included, some stamped seconds early), Scan from SeekSince's offset
// returns exactly the entries Scan of the whole file returns, and Summarize
// counts the same.
func TestWindowScanMatchesFullRead(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 2))
	blocks := sampleBlocks(t)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		berlin = time.FixedZone("CET", 3600) // no tzdata: a fixed local zone still tests loc
	}
	dir := t.TempDir()
	start := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	for i := range 40 {
		span := time.Duration(10+rng.IntN(3000)) * time.Minute
		c := clockLog{blocks: blocks, start: start, span: span, loc: berlin, rng: rng}
		var buf bytes.Buffer
		if _, err := c.write(&buf, int64(1000+rng.IntN(3<<20))); err != nil {
			t.Fatal(err)
		}
		data := buf.Bytes()
		since := start.Add(time.Duration(rng.Int64N(int64(span+2*time.Hour))) - time.Hour)
		want := scanIn(t, data, berlin, since)
		off, err := logfile.SeekSince(bytes.NewReader(data), int64(len(data)), since, entryTimeIn(berlin))
		if err != nil {
			t.Fatal(err)
		}
		got := scanIn(t, data[off:], berlin, since)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("log %d (%d bytes, since +%v): %d entries from offset %d, %d from the start", i, len(data), since.Sub(start), len(got), off, len(want))
		}
		path := filepath.Join(dir, "error"+strconv.Itoa(i)+".log")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		s := Summarize(context.Background(), []string{path}, since, berlin)
		upstream := 0
		for _, raw := range want {
			if e, _ := ParseLine([]byte(raw), berlin); Classify(e) != KindNone && !strings.Contains(e.Request, logfile.ProbeMarker) {
				upstream++
			}
		}
		if len(s.Files) != 1 || s.Files[0].Err != nil || !s.Files[0].Read || s.Entries+s.Own != len(want) || s.Files[0].Entries != s.Entries || s.Upstream != upstream {
			t.Fatalf("log %d: Summarize %+v: entries %d own %d upstream %d; want %d entries, %d upstream", i, s.Files, s.Entries, s.Own, s.Upstream, len(want), upstream)
		}
	}
}

// rchar is the bytes this process has read so far (/proc/self/io).
func rchar(t *testing.T) int64 {
	t.Helper()
	data, err := os.ReadFile("/proc/self/io")
	if err != nil {
		missing(t, "no /proc/self/io to count the bytes read: "+err.Error())
	}
	for l := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "rchar: "); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("no rchar in /proc/self/io: %q", data)
	return 0
}

// TestSummarizeRotatedSkipsUnread: of error.log (48 h, the last hour the
// window), error.log.1 (touched since, but its last entry older than the
// window) and error.log.2.gz (mtime before the window; not even gzip, so
// opening it would fail), only the window of error.log is read.
func TestSummarizeRotatedSkipsUnread(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "error.log")
	end := time.Date(2026, 12, 2, 5, 0, 0, 0, time.UTC)
	since := end.Add(-time.Hour)
	blocks := sampleBlocks(t)
	rng := rand.New(rand.NewPCG(8, 3))
	clockLog{blocks: blocks, start: end.Add(-48 * time.Hour), span: 48 * time.Hour, loc: time.UTC, rng: rng}.writeFile(t, base, 8<<20, end)
	clockLog{blocks: blocks, start: end.Add(-96 * time.Hour), span: 47 * time.Hour, loc: time.UTC, rng: rng}.writeFile(t, base+".1", 16<<20, end) // a copy or touch gave it a new mtime
	if err := os.WriteFile(base+".2.gz", bytes.Repeat([]byte("not gzip\n"), 1<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	old := end.Add(-50 * time.Hour)
	if err := os.Chtimes(base+".2.gz", old, old); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	want := len(scanIn(t, data, time.UTC, since))

	before := rchar(t)
	s := Summarize(context.Background(), []string{base}, since, time.UTC)
	read := rchar(t) - before

	if len(s.Files) != 2 {
		t.Fatalf("files %+v, want error.log.1 and error.log (the .gz left out by its mtime)", s.Files)
	}
	rotated, current := s.Files[0], s.Files[1]
	if rotated.Path != base+".1" || rotated.Err != nil || !rotated.Read || rotated.Entries != 0 {
		t.Errorf("error.log.1: %+v, want read (nothing in the window) with 0 entries", rotated)
	}
	if current.Path != base || current.Err != nil || !current.Read || current.Entries != want || s.Entries+s.Own != want {
		t.Errorf("error.log: %+v, summary entries %d own %d; want %d entries", current, s.Entries, s.Own, want)
	}
	window := int64(len(data)) / 48 // one hour of 48
	t.Logf("read %d KiB of %d MiB on disk for a %d KiB window", read>>10, (24<<20+9<<20)>>20, window>>10)
	if read > window+1<<20 { // error.log's search is under 1 MiB; a search of error.log.1 instead of its last line would pass it
		t.Errorf("read %d bytes; the window is about %d: the rotated files were searched or read", read, window)
	}
}
