package errlog

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"ngx502/probes/logfile"
)

// failingAt is a ReaderAt over data that fails every read reaching at.
type failingAt struct {
	data  []byte
	at    int64
	err   error
	reads atomic.Int64
	after func(n int64) // called after every read with the count so far
}

// ReadAt reads data, short and with err when the read reaches at.
func (f *failingAt) ReadAt(p []byte, off int64) (int, error) {
	n := f.reads.Add(1)
	if f.after != nil {
		defer f.after(n)
	}
	if off >= int64(len(f.data)) {
		return 0, io.EOF
	}
	end := min(off+int64(len(p)), int64(len(f.data)))
	if end > f.at {
		return copy(p, f.data[off:max(off, f.at)]), f.err
	}
	k := copy(p, f.data[off:end])
	if k < len(p) {
		return k, io.EOF
	}
	return k, nil
}

// sameTables fails unless two tables freeze to the same groups.
func sameTables(t *testing.T, got, want *groupTable) {
	t.Helper()
	g, w := got.groups(), want.groups()
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("%d groups, want %d; first: %+v\nwant %+v", len(g), len(w), g[:min(1, len(g))], w[:min(1, len(w))])
	}
	if !reflect.DeepEqual(got.over.overflows(), want.over.overflows()) {
		t.Fatal("overflows differ")
	}
}

// TestTallyReadError: a read error mid-file stops the parallel read where
// a sequential one stops, with the same counts and groups, and the error.
func TestTallyReadError(t *testing.T) {
	data := genMixedLog(t, 30, 6000)
	boom := errors.New("EIO")
	at := int64(len(data) * 3 / 5)
	seqAcc, parAcc := newGroupTable(MaxGroups), newGroupTable(MaxGroups)
	want, werr := tallyStream(context.Background(), io.NewSectionReader(&failingAt{data: data, at: at, err: boom}, 0, int64(len(data))), time.UTC, time.Time{}, seqAcc)
	got, gerr := tallyPlanned(context.Background(), &failingAt{data: data, at: at, err: boom}, 0, int64(len(data)), time.UTC, time.Time{}, parAcc, plan{chunk: 8 << 10, workers: 3})
	if !errors.Is(werr, boom) || !errors.Is(gerr, boom) {
		t.Fatalf("errors: sequential %v, parallel %v", werr, gerr)
	}
	if got != want || want.entries == 0 {
		t.Fatalf("tally %+v, want %+v", got, want)
	}
	sameTables(t, parAcc, seqAcc)
}

// TestTallyShrunkFile: a log truncated after it was opened (logrotate's
// copytruncate) is read to its new end, as a stream reads it.
func TestTallyShrunkFile(t *testing.T) {
	data := genMixedLog(t, 31, 8000)
	path := filepath.Join(t.TempDir(), "error.log")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	rc, err := logfile.Open(logfile.File{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	keep := len(data) / 2
	if err := os.Truncate(path, int64(keep)); err != nil {
		t.Fatal(err)
	}
	sec := rc.Section()
	seqAcc, parAcc := newGroupTable(MaxGroups), newGroupTable(MaxGroups)
	want, err := tallyStream(context.Background(), bytes.NewReader(data[:keep]), time.UTC, time.Time{}, seqAcc)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tallyPlanned(context.Background(), sec, 0, sec.Size(), time.UTC, time.Time{}, parAcc, plan{chunk: 16 << 10, workers: 2})
	if err != nil || got != want || sec.Size() != int64(len(data)) {
		t.Fatalf("tally %+v %v, want %+v (size at open %d)", got, err, want, sec.Size())
	}
	sameTables(t, parAcc, seqAcc)
}

// TestTallyCancelled: cancelling mid-read returns ctx's error soon and
// leaves no goroutine behind.
func TestTallyCancelled(t *testing.T) {
	data := genMixedLog(t, 32, 20000)
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ra := &failingAt{data: data, at: int64(len(data)) + 1, after: func(n int64) {
		if n == 20 {
			cancel()
		}
	}}
	_, err := tallyPlanned(ctx, ra, 0, int64(len(data)), time.UTC, time.Time{}, newGroupTable(MaxGroups), plan{chunk: 4 << 10, workers: 3})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := ra.reads.Load(); n > 200 {
		t.Errorf("%d reads after cancelling at the 20th", n)
	}
	for i := 0; runtime.NumGoroutine() > before; i++ { // the pipeline's goroutines have returned
		if i == 100 {
			t.Fatalf("%d goroutines, %d before", runtime.NumGoroutine(), before)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestNextEntryStart: a chunk boundary lands on the next line that starts
// an entry, past continuation and stray lines, also when that line starts
// at the end of a read window, and at end when no line does.
func TestNextEntryStart(t *testing.T) {
	entry := "2026/11/25 12:00:01 [error] 1#1: *2 " + strings.Repeat("x", 200) + "\n"
	pad := "2026/11/25 12:00:00 [error] 1#1: *1 FastCGI sent in stderr: \"a\n" + // an entry
		"continuation " + strings.Repeat("c", 570) + "\n" // 584 bytes in all: entry starts at 584
	data := []byte(pad + "stray\n" + entry)
	start := int64(len(pad) + len("stray\n"))
	p := parser{loc: time.UTC}
	win := make([]byte, probeLen+80) // the entry line starts beyond the first window
	for _, c := range []struct{ from, want int64 }{
		{1, start}, {60, start}, {int64(len(pad)), start}, {start, start}, {start + 1, int64(len(data))},
	} {
		if got := nextEntryStart(bytes.NewReader(data), c.from, int64(len(data)), &p, win); got != c.want {
			t.Errorf("from %d: %d, want %d", c.from, got, c.want)
		}
	}
}
