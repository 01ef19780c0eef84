package accesslog

import (
	"context"
	"hash/maphash"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"time"
)

// mixedLog writes n varied lines (statuses, retries, own requests, bad
// lines, out-of-order seconds) and returns the path.
func mixedLog(t *testing.T, n int) string {
	rng := rand.New(rand.NewPCG(7, 8))
	lines := make([]string, 0, n)
	for i := range n {
		sec := i/20 - rng.IntN(2)
		addr := "10.0.0." + strconv.Itoa(1+rng.IntN(6)) + ":80"
		switch p := rng.IntN(100); {
		case p < 5:
			lines = append(lines, line(sec, "GET /a/"+strconv.Itoa(i)+" HTTP/1.1", 502, "502", addr, "0.001", "curl"))
		case p < 9:
			lines = append(lines, line(sec, "GET /b HTTP/1.1", 504, "504", addr, "-", "curl"))
		case p < 12:
			lines = append(lines, line(sec, "GET /c HTTP/1.1", 200, "502, 200", "10.0.0.9:80, "+addr, "-, 0.002", "curl"))
		case p < 13:
			lines = append(lines, line(sec, "GET /?ngx502-probe=1 HTTP/1.0", 502, "502", addr, "-", "x"))
		case p < 14:
			lines = append(lines, "garbage "+strconv.Itoa(i))
		default:
			lines = append(lines, line(sec, "GET /d HTTP/1.1", 200, "200", addr, "0.001", "curl"))
		}
	}
	path := filepath.Join(t.TempDir(), "access.log")
	writeLog(t, path, time.Now(), lines...)
	return path
}

// TestScanChunksMatchesSequential: cutting a file into chunks scanned
// concurrently gives exactly the sequential Summary.
func TestScanChunksMatchesSequential(t *testing.T) {
	path := mixedLog(t, 20000)
	f := mustFormat(t, sfmt)
	sum := func(workers int) Summary {
		fh, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer fh.Close()
		info, _ := fh.Stat()
		acc := newTally(&f, at12(30), 2*time.Minute, MaxGroups, MaxUpstreams, maphash.MakeSeed())
		if err := acc.scanChunks(context.Background(), fh, info.Size(), workers); err != nil {
			t.Fatal(err)
		}
		return acc.summary(Summary{})
	}
	want := sum(1)
	if want.Requests < 15000 || want.Own == 0 || want.Bad == 0 || len(want.Groups) < 10 || want.RecentRequests == 0 {
		t.Fatalf("the log does not exercise much: %+v", want)
	}
	for _, w := range []int{2, 3, 7, 64} {
		if got := sum(w); !reflect.DeepEqual(got, want) {
			t.Errorf("%d workers: summary differs\n got %+v\nwant %+v", w, got, want)
		}
	}
}

func TestLineStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x")
	if err := os.WriteFile(path, []byte("ab\ncd\n\nef"), 0o644); err != nil {
		t.Fatal(err)
	}
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	for off, want := range map[int64]int64{0: 0, 1: 3, 3: 3, 4: 6, 6: 6, 7: 7, 8: 9, 9: 9} {
		got, err := lineStart(fh, off, 9)
		if err != nil || got != want {
			t.Errorf("lineStart(%d) = %d, %v; want %d", off, got, err, want)
		}
	}
}
