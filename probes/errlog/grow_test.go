package errlog

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestSummarizeGrowingLog: a log nginx keeps appending to while it is read
// is read only up to its size at open, so Summarize returns although the
// writer is faster than the parser.
func TestSummarizeGrowingLog(t *testing.T) {
	const (
		initialLines = 100_000 // about 25 MB before the writer starts
		batchLines   = 64
		maxWritten   = 512 << 20 // the writer's bound if Summarize never returned
	)
	line := []byte(refusedAt(0, "127.0.0.1:9000", "a") + "\n")
	path := filepath.Join(t.TempDir(), "error.log")
	writeLog(t, path, time.Now(), string(bytes.TrimSuffix(bytes.Repeat(line, initialLines), []byte("\n"))))

	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	batch := bytes.Repeat(line, batchLines)
	stop := make(chan struct{})
	started := make(chan struct{})
	var wg sync.WaitGroup
	var written int
	var writeErr error
	wg.Go(func() {
		for written < maxWritten {
			if _, writeErr = f.Write(batch); writeErr != nil {
				return
			}
			if written == 0 {
				close(started)
			}
			written += len(batch)
			select {
			case <-stop:
				return
			default:
			}
		}
	})
	<-started
	s := Summarize(context.Background(), []string{path}, time.Time{}, time.UTC)
	close(stop)
	wg.Wait()
	if writeErr != nil {
		t.Fatal(writeErr)
	}

	st := s.Files[0]
	if !st.Read || st.Err != nil {
		t.Fatalf("file = %+v", st)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Size() <= st.Size {
		t.Fatalf("the log did not grow while Summarize read it (%d bytes at open, %d now): nothing tested", st.Size, info.Size())
	}
	// st.Size is the fstat at open; a batch may have been half-written then.
	atOpen := int(st.Size) / len(line)
	if s.Entries < initialLines || s.Entries < atOpen || s.Entries > atOpen+1 {
		t.Errorf("entries = %d, want the %d (+1 partial) present at open; %d were there before the writer started",
			s.Entries, atOpen, initialLines)
	}
	t.Logf("read %d entries (%d MB at open) while the writer appended %d MB", s.Entries, st.Size>>20, written>>20)
}
