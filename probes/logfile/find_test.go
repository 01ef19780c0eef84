package logfile

import (
	"compress/gzip"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// at is a time on the test day.
func at(h, m int) time.Time { return time.Date(2026, 11, 25, h, m, 0, 0, time.UTC) }

// write creates path with text (gzip for .gz) and sets its mtime.
func write(t *testing.T, path, text string, mtime time.Time) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".gz") {
		zw := gzip.NewWriter(f)
		if _, err := zw.Write([]byte(text)); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	} else if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

// names returns the base names of a log's files, stale ones marked with !.
func names(lg Log) string {
	var s []string
	for _, f := range lg.Files {
		n := filepath.Base(f.Path)
		if f.Stale {
			n += "!"
		}
		s = append(s, n)
	}
	return strings.Join(s, ",")
}

func TestFindRotatedOldestFirst(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "access.log")
	write(t, base, "now\n", at(12, 0))
	write(t, base+".1", "1\n", at(11, 0))
	write(t, base+".2.gz", "2\n", at(10, 0))
	write(t, base+".10.gz", "10\n", at(9, 0))
	write(t, base+"-20261120.gz", "d20\n", at(8, 0))
	write(t, base+"-20261121", "d21\n", at(8, 30))
	write(t, base+".bak", "no\n", at(12, 0))  // not logrotate's
	write(t, base+"x.1", "no\n", at(12, 0))   // another log's sibling
	write(t, base+".-1", "no\n", at(12, 0))   // not a number
	write(t, base+"-2026", "no\n", at(12, 0)) // too short for a date
	if err := os.Mkdir(base+".3", 0o755); err != nil {
		t.Fatal(err)
	}

	logs := Find([]string{base}, time.Time{})
	if len(logs) != 1 || logs[0].Err != nil {
		t.Fatalf("logs = %+v", logs)
	}
	want := "access.log-20261120.gz,access.log-20261121,access.log.10.gz,access.log.2.gz,access.log.1,access.log"
	if got := names(logs[0]); got != want {
		t.Errorf("files = %s\nwant    %s", got, want)
	}
	if !logs[0].Files[3].Compressed() || logs[0].Files[4].Compressed() {
		t.Error("Compressed() does not follow the .gz name")
	}

	// A window starting at 10:30 stops at .2.gz (mtime 10:00) and everything older.
	logs = Find([]string{base}, at(10, 30))
	if got := names(logs[0]); got != "access.log.1,access.log" {
		t.Errorf("since 10:30: files = %s", got)
	}
	// The configured file itself outside the window is listed as stale, alone.
	logs = Find([]string{base}, at(13, 0))
	if got := names(logs[0]); got != "access.log!" {
		t.Errorf("since 13:00: files = %s", got)
	}
}

func TestFindDedupesByInode(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "access.log")
	write(t, base, "x\n", at(12, 0))
	write(t, base+".1", "y\n", at(11, 0))
	link := filepath.Join(dir, "link.log")
	if err := os.Symlink(base, link); err != nil {
		t.Fatal(err)
	}
	logs := Find([]string{base, link, dir + "/./access.log"}, time.Time{})
	if len(logs) != 1 || names(logs[0]) != "access.log.1,access.log" {
		t.Fatalf("logs = %+v, want the one file listed once", logs)
	}
}

func TestFindNotFiles(t *testing.T) {
	dir := t.TempDir()
	paths := []string{"stderr", "syslog:server=unix:/dev/log", "memory:32m", dir, "/dev/null", filepath.Join(dir, "missing.log")}
	logs := Find(paths, time.Time{})
	if len(logs) != len(paths) {
		t.Fatalf("logs = %+v", logs)
	}
	for i, lg := range logs[:5] {
		if lg.Path != paths[i] || len(lg.Files) != 0 || !errors.Is(lg.Err, ErrNotFile) {
			t.Errorf("%s: %+v, want ErrNotFile", paths[i], lg)
		}
	}
	if !errors.Is(logs[5].Err, fs.ErrNotExist) {
		t.Errorf("missing: %v, want fs.ErrNotExist", logs[5].Err)
	}
	for _, want := range []string{"journalctl", "syslog", "memory buffer", "directory", "character device"} {
		found := false
		for _, lg := range logs {
			found = found || strings.Contains(lg.Err.Error(), want)
		}
		if !found {
			t.Errorf("no error says %q", want)
		}
	}
	if Special("/var/log/nginx/access.log") != nil {
		t.Error("a plain path is not special")
	}
}
