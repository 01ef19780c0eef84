//go:build unix

package errlog

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ngx502/probes/logfile"
)

// TestMappedChunkShrinks: a file truncated under a mapped chunk (logrotate's
// copytruncate) faults on the pages it lost; the fault becomes errShrunk,
// not a crash, and the table lends no sample of the lost bytes.
func TestMappedChunkShrinks(t *testing.T) {
	data := genMixedLog(t, 33, 4000)
	path := filepath.Join(t.TempDir(), "error.log")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if len(data) < 8*os.Getpagesize() {
		t.Fatalf("log of %d bytes: too short to lose pages", len(data))
	}
	rc, err := logfile.Open(logfile.File{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	sec := rc.Section()
	whole := mapChunk(sec, 0, sec.Size())
	if whole == nil {
		t.Fatal("a plain file's chunk was not mapped")
	}
	acc := newGroupTable(MaxGroups)
	var w chunkWorker
	w.er = entryReader{p: parser{loc: time.UTC}}

	// intact: the same tally as reading the bytes
	tab := takeTable(nil, acc)
	w.tl.tally, w.tl.acc = tally{}, tab
	if err := w.classifyMapped(context.Background(), whole, tab); err != nil {
		t.Fatal(err)
	}
	want, err := tallyStream(context.Background(), sec, time.UTC, time.Time{}, newGroupTable(MaxGroups))
	if err != nil || w.tl.tally != want {
		t.Fatalf("mapped tally %+v, read %+v %v", w.tl.tally, want, err)
	}
	for _, g := range tab.heap {
		if g.sample.lent {
			t.Fatalf("group %v still lends its sample", g.key)
		}
	}

	if err := os.Truncate(path, 100); err != nil {
		t.Fatal(err)
	}
	tab = takeTable(nil, acc)
	w.tl.tally, w.tl.acc = tally{}, tab
	if err := w.classifyMapped(context.Background(), whole, tab); !errors.Is(err, errShrunk) {
		t.Fatalf("err = %v, want errShrunk", err)
	}
	for _, g := range tab.heap {
		if g.sample.lent {
			t.Fatalf("group %v lends a sample of lost bytes", g.key)
		}
	}
	whole.unmap()
	if m := mapChunk(sec, 0, sec.Size()); m != nil {
		t.Fatal("mapped a chunk the file no longer holds")
	}
}
