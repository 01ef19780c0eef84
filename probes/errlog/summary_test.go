package errlog

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// at builds a UTC time on the lab day.
func at(h, m, s int) time.Time { return time.Date(2026, 11, 25, h, m, s, 0, time.UTC) }

// writeLog writes lines to path (gzip when it ends in .gz) and sets its mtime.
func writeLog(t *testing.T, path string, mtime time.Time, lines ...string) {
	t.Helper()
	data := []byte(strings.Join(lines, "\n") + "\n")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".gz") {
		zw := gzip.NewWriter(f)
		if _, err := zw.Write(data); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	} else if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

// refused is a real-shaped refused line at ts for server srv.
func refused(ts, srv string) string {
	return ts + ` [error] 3459#3459: *133 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: ` + srv + `, request: "GET /refused HTTP/1.1", upstream: "http://127.0.0.1:18099/refused", host: "127.0.0.1:18080"`
}

func TestSummarizeRotated(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "error.log")
	since := at(12, 43, 30)
	writeLog(t, base, at(12, 44, 30),
		refused("2026/11/25 12:44:01", "a.example"),
		`2026/11/25 12:44:01 [warn] 3459#3459: *133 upstream server temporarily disabled while connecting to upstream, client: 127.0.0.1, server: a.example, request: "GET /refused HTTP/1.1", upstream: "http://127.0.0.1:18099/refused", host: "127.0.0.1:18080"`,
		refused("2026/11/25 12:44:20", "a.example"),
		`2026/11/25 12:44:25 [error] 3459#3459: *147 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 127.0.0.1, server: a.example, request: "GET /slow HTTP/1.1", upstream: "http://127.0.0.1:18005/slow", host: "127.0.0.1:18080"`)
	writeLog(t, base+".1", at(12, 43, 45),
		refused("2026/11/25 12:43:00", "old.example"), // before since: filtered by time
		refused("2026/11/25 12:43:40", "b.example"))
	writeLog(t, base+".2.gz", at(12, 43, 36),
		`2026/11/25 12:43:35 [error] 3459#3459: *172 no live upstreams while connecting to upstream, client: 127.0.0.1, server: lab.example, request: "GET /twodead HTTP/1.1", upstream: "http://twodead/twodead", host: "127.0.0.1:18080"`)
	// mtime before since: never opened, although its entry would pass the time filter
	writeLog(t, base+".3.gz", at(12, 43, 10), refused("2026/11/25 12:43:35", "stale.example"))
	writeLog(t, filepath.Join(dir, "error.log.bak"), at(12, 44, 0), refused("2026/11/25 12:44:00", "bak.example"))

	s := Summarize(context.Background(), []string{base, base}, since, time.UTC)

	var read []string
	for _, f := range s.Files {
		if f.Err != nil {
			t.Errorf("%s: %v", f.Path, f.Err)
		}
		if f.Read {
			read = append(read, filepath.Base(f.Path))
		}
	}
	eq(t, strings.Join(read, ","), "error.log.2.gz,error.log.1,error.log")
	eq(t, len(s.Files), 3) // the duplicate path is read once
	eq(t, s.Entries, 6)
	eq(t, s.Upstream, 5)
	eq(t, s.Since, since)
	if len(s.Groups) != 3 {
		t.Fatalf("groups = %+v", s.Groups)
	}
	g := s.Groups[0]
	eq(t, g.Peer, "127.0.0.1:18099")
	eq(t, g.Kind, KindRefused)
	eq(t, g.Count, 3)
	eq(t, g.Status, 502)
	eq(t, g.First, at(12, 43, 40))
	eq(t, g.Last, at(12, 44, 20))
	eq(t, strings.Join(g.Servers, ","), "a.example,b.example")
	eq(t, g.Sample.Time, at(12, 44, 20))
	// equal counts: the most recent group first
	eq(t, s.Groups[1].Kind, KindTimeout)
	eq(t, s.Groups[1].Status, 504)
	eq(t, s.Groups[2].Kind, KindNoLive)
	eq(t, s.Groups[2].Peer, "twodead")

	all := Summarize(context.Background(), []string{base}, time.Time{}, time.UTC)
	eq(t, len(all.Files), 4) // .3.gz too when there is no window
	eq(t, all.Groups[0].Count, 5)
}

func TestSummarizeCurrentFileOutsideWindow(t *testing.T) {
	base := filepath.Join(t.TempDir(), "error.log")
	writeLog(t, base, at(12, 0, 0), refused("2026/11/25 12:00:00", "a"))
	s := Summarize(context.Background(), []string{base}, at(13, 0, 0), time.UTC)
	if len(s.Files) != 1 || s.Files[0].Read || s.Files[0].Err != nil || s.Files[0].Size == 0 {
		t.Errorf("Files = %+v, want one skipped file without error", s.Files)
	}
	eq(t, s.Entries, 0)
}

func TestSummarizeNotFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.log")
	writeLog(t, good, time.Now(), refused("2026/11/25 12:44:01", "a"))
	zero := filepath.Join(dir, "mode0000.log")
	writeLog(t, zero, time.Now(), refused("2026/11/25 12:44:02", "z"))
	if err := os.Chmod(zero, 0); err != nil {
		t.Fatal(err)
	}
	paths := []string{"stderr", "syslog:server=unix:/dev/log", "memory:32m", dir, filepath.Join(dir, "missing.log"), "/dev/null", zero, good}
	s := Summarize(context.Background(), paths, time.Time{}, time.UTC)
	if len(s.Files) != len(paths) {
		t.Fatalf("files = %+v", s.Files)
	}
	for i, p := range paths[:4] {
		f := s.Files[i]
		if f.Read || !errors.Is(f.Err, ErrNotFile) {
			t.Errorf("%s: read=%v err=%v, want ErrNotFile", p, f.Read, f.Err)
		}
	}
	if f := s.Files[4]; !errors.Is(f.Err, fs.ErrNotExist) {
		t.Errorf("missing: err = %v, want fs.ErrNotExist", f.Err)
	}
	if f := s.Files[5]; !errors.Is(f.Err, ErrNotFile) {
		t.Errorf("/dev/null: err = %v, want ErrNotFile (a device is never read)", f.Err)
	}
	// Root bypasses file modes (CAP_DAC_OVERRIDE): mode 0000 is readable
	// here, and TestSummarizePermissionDenied provokes the denial honestly.
	if f := s.Files[6]; os.Geteuid() == 0 && (!f.Read || f.Err != nil) {
		t.Errorf("mode 0000 as root: read=%v err=%v", f.Read, f.Err)
	} else if os.Geteuid() != 0 && !errors.Is(f.Err, fs.ErrPermission) {
		t.Errorf("mode 0000 as non-root: err = %v, want fs.ErrPermission", f.Err)
	}
	if f := s.Files[7]; !f.Read || f.Entries != 1 {
		t.Errorf("good file after failures: %+v", f)
	}
	if !strings.Contains(s.Files[0].Err.Error(), "journalctl") {
		t.Errorf("stderr error says nothing useful: %v", s.Files[0].Err)
	}
}

func TestSummarizeCancelled(t *testing.T) {
	base := filepath.Join(t.TempDir(), "error.log")
	writeLog(t, base, time.Now(), refused("2026/11/25 12:44:01", "a"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := Summarize(ctx, []string{base}, time.Time{}, time.UTC)
	if len(s.Files) != 1 || s.Files[0].Read || !errors.Is(s.Files[0].Err, context.Canceled) {
		t.Errorf("Files = %+v, want the cancelled file", s.Files)
	}
}

// A source that is not a file (the journal, a syslog daemon's file) is
// read like one, and every upstream entry counts into the minutes.
func TestSummarizeWithSource(t *testing.T) {
	line := "2026/12/02 05:00:%02d [error] 1#1: *%d connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: a, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:8080/\", host: \"a\"\n"
	var text strings.Builder
	for i := range 3 {
		fmt.Fprintf(&text, line, i, i)
	}
	src := Source{Name: "journal of nginx.service", Open: func(context.Context) (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(text.String())), nil
	}}
	s := SummarizeWith(context.Background(), nil, []Source{src}, time.Time{}, time.UTC)
	if len(s.Files) != 1 || !s.Files[0].Read || s.Files[0].Entries != 3 || s.Upstream != 3 || len(s.Groups) != 1 || s.Groups[0].Peer != "127.0.0.1:8080" {
		t.Fatalf("summary %+v", s)
	}
	if s.Minutes.Total() != 3 || len(s.Minutes.Counts) != 1 {
		t.Errorf("minutes %+v, want 3 in one minute", s.Minutes)
	}
}
