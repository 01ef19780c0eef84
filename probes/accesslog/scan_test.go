package accesslog

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// summarizeFile runs Summarize over one log with the suggested format.
func summarizeFile(t *testing.T, path string) Summary {
	t.Helper()
	return Summarize(context.Background(), []string{path}, mustFormat(t, sfmt), time.Time{}, time.Minute)
}

// TestScanBufferBoundaries: lines straddling the 1 MiB read buffer, and
// ngx502's marker among them, are each counted exactly once.
func TestScanBufferBoundaries(t *testing.T) {
	plain := line(1, "GET /api/items/1 HTTP/1.1", 200, "200", "10.0.0.5:80", "0.001", "curl/8")
	own := line(1, "GET /api/?ngx502-probe=3f2a1c HTTP/1.0", 502, "502", "10.0.0.5:80", "-", "curl/8")
	var lines []string
	want, wantOwn := 0, 0
	for size := 0; size < 3*readBuf+5000; {
		l := plain
		if len(lines)%7 == 3 {
			l, wantOwn = own, wantOwn+1
		} else {
			want++
		}
		lines = append(lines, l)
		size += len(l) + 1
	}
	path := filepath.Join(t.TempDir(), "access.log")
	writeLog(t, path, time.Now(), lines...)
	s := summarizeFile(t, path)
	eq(t, s.Requests, want)
	eq(t, s.Own, wantOwn)
	eq(t, s.Bad, 0)
}

func TestScanLongAndUnterminatedLines(t *testing.T) {
	ok := line(1, "GET / HTTP/1.1", 200, "-", "-", "-", "curl")
	long := line(2, "GET /"+strings.Repeat("a", readBuf+100)+" HTTP/1.1", 200, "-", "-", "-", "curl")
	path := filepath.Join(t.TempDir(), "access.log")
	// nginx was writing the last line at open: half of it is on disk
	data := ok + "\n" + long + "\n" + ok + "\n" + ok[:40]
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	s := summarizeFile(t, path)
	eq(t, s.Requests, 2)
	eq(t, s.Bad, 1) // the over-long line, once
	eq(t, len(s.BadSample), maxBadSample)

	// a whole last line without its newline is counted
	if err := os.WriteFile(path, []byte(ok+"\n"+ok), 0o644); err != nil {
		t.Fatal(err)
	}
	eq(t, summarizeFile(t, path).Requests, 2)
}

func TestSummarizeRotatedGzipAndSince(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "access.log")
	writeLog(t, base, at12(300), line(290, "GET /now HTTP/1.1", 502, "502", "10.0.0.5:80", "-", "c"))
	writeLog(t, base+".1", at12(200), line(190, "GET /one HTTP/1.1", 502, "502", "10.0.0.5:80", "-", "c"))
	writeLog(t, base+".2.gz", at12(100),
		line(5, "GET /early HTTP/1.1", 502, "502", "10.0.0.5:80", "-", "c"), // before since
		line(90, "GET /two HTTP/1.1", 502, "502", "10.0.0.5:80", "-", "c"))
	writeLog(t, base+".3.gz", at12(9), line(8, "GET /three HTTP/1.1", 502, "502", "10.0.0.5:80", "-", "c")) // mtime before since
	s := Summarize(context.Background(), []string{base}, mustFormat(t, sfmt), at12(10), time.Minute)
	var read []string
	for _, f := range s.Files {
		if !f.Read || f.Err != nil {
			t.Errorf("file %+v", f)
		}
		read = append(read, filepath.Base(f.Path)+":"+itoa(f.Requests))
	}
	eq(t, strings.Join(read, " "), "access.log.2.gz:1 access.log.1:1 access.log:1")
	eq(t, s.Requests, 3)
	g := s.Groups[0]
	eq(t, g.Count, 3)
	eq(t, g.First, at12(90))
	eq(t, g.Last, at12(290))
	eq(t, g.Sample.URI, "/now")
	eq(t, g.RecentCount, 1)

	// the live file itself older than the window: listed, not read
	s = Summarize(context.Background(), []string{base}, mustFormat(t, sfmt), at12(400), time.Minute)
	if len(s.Files) != 1 || s.Files[0].Read || s.Files[0].Err != nil || s.Files[0].Size == 0 {
		t.Errorf("files = %+v, want the one stale file", s.Files)
	}
}

func TestSummarizeCancelled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.log")
	writeLog(t, path, time.Now(), line(1, "GET / HTTP/1.1", 502, "502", "10.0.0.5:80", "-", "c"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := Summarize(ctx, []string{path, path + ".other"}, mustFormat(t, sfmt), time.Time{}, time.Minute)
	if len(s.Files) != 1 || s.Files[0].Read || !errors.Is(s.Files[0].Err, context.Canceled) {
		t.Errorf("files = %+v, want the cancelled file only", s.Files)
	}
}

// TestSummarizeWrongFormat: a log written in another format is all bad
// lines, with a sample to show.
func TestSummarizeWrongFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.log")
	combined := `127.0.0.1 - - [25/Nov/2026:12:43:26 +0000] "GET /own502 HTTP/1.1" 502 3 "-" "curl/7.88.1"`
	writeLog(t, path, time.Now(), combined, combined)
	s := summarizeFile(t, path)
	eq(t, s.Requests, 0)
	eq(t, s.Bad, 2)
	eq(t, s.BadSample, combined)
	eq(t, s.Files[0].Bad, 2)
	// and read by its own format it is fine
	s = Summarize(context.Background(), []string{path}, mustFormat(t, "combined"), time.Time{}, time.Minute)
	eq(t, s.Requests, 2)
	eq(t, s.Groups[0].Origin, OriginUnknown) // combined cannot tell whose 502 it is
	eq(t, s.Groups[0].Addr, "")
}

// TestOwnOnlyInRequestOrAgent: the marker in another field (a referer
// copied from a page that linked to a probe URL) is someone else's request.
func TestOwnOnlyInRequestOrAgent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.log")
	ref := strings.Replace(line(1, "GET / HTTP/1.1", 502, "502", "10.0.0.5:80", "-", "curl"), `157 "-"`, `157 "http://x/?ngx502-probe=1"`, 1)
	writeLog(t, path, time.Now(), ref,
		line(2, "GET / HTTP/1.1", 502, "502", "10.0.0.5:80", "-", "ngx502-probe/run7"),
		line(3, "GET /?a=1&ngx502-probe=2 HTTP/1.0", 502, "502", "10.0.0.5:80", "-", "curl"))
	s := summarizeFile(t, path)
	eq(t, s.Own, 2)
	eq(t, s.Requests, 1)
	eq(t, s.Groups[0].Count, 1)
}
