package accesslog

import (
	"bytes"
	"context"
	"hash/maphash"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// windowLines returns n lines of SuggestedFormat, 20 a second from 12:00,
// a line in 10 a second early (within logfile.SeekMargin), with 502s,
// retries, ngx502's own requests and a few bad lines.
func windowLines(rng *rand.Rand, n int) []string {
	lines := make([]string, 0, n)
	for i := range n {
		sec := i / 20
		if rng.IntN(10) == 0 {
			sec -= 1 + rng.IntN(3)
		}
		addr := "10.0.0." + strconv.Itoa(1+rng.IntN(6)) + ":80"
		switch p := rng.IntN(100); {
		case p < 5:
			lines = append(lines, line(sec, "GET /a/"+strconv.Itoa(i%50)+" HTTP/1.1", 502, "502", addr, "0.001", "curl"))
		case p < 8:
			lines = append(lines, line(sec, "GET /c HTTP/1.1", 200, "502, 200", "10.0.0.9:80, "+addr, "-, 0.002", "curl"))
		case p < 9:
			lines = append(lines, line(sec, "GET /?ngx502-probe=1 HTTP/1.0", 502, "502", addr, "-", "x"))
		case p < 10:
			lines = append(lines, "garbage "+strconv.Itoa(i))
		default:
			lines = append(lines, line(sec, "GET /d HTTP/1.1", 200, "200", addr, "0.001", "curl"))
		}
	}
	return lines
}

// fullRead is the Summary of reading data from its start (no seek).
func fullRead(t *testing.T, f *Format, data []byte, since time.Time, recent time.Duration) Summary {
	t.Helper()
	acc := newTally(f, since, recent, MaxGroups, MaxUpstreams, maphash.MakeSeed())
	if err := acc.scanFile(context.Background(), bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	return acc.summary(Summary{Since: since})
}

// sameWindow fails unless a and b count the same requests (bad lines
// before the window are not read by a seek, so Bad may differ).
func sameWindow(t *testing.T, what string, got, want Summary) {
	t.Helper()
	groups := func(s Summary) (n int) {
		for _, g := range s.Groups {
			n += g.Count
		}
		return n + s.Overflow.Count
	}
	if got.Requests != want.Requests || got.Classes != want.Classes || got.Own != want.Own ||
		got.Grouped != want.Grouped || groups(got) != groups(want) || !got.Newest.Equal(want.Newest) ||
		got.RecentRequests != want.RecentRequests || got.RecentFailed != want.RecentFailed {
		t.Fatalf("%s: seeking read %d requests %v own %d grouped %d recent %d/%d newest %v; from the start %d %v own %d grouped %d recent %d/%d newest %v",
			what, got.Requests, got.Classes, got.Own, got.Grouped, got.RecentRequests, got.RecentFailed, got.Newest,
			want.Requests, want.Classes, want.Own, want.Grouped, want.RecentRequests, want.RecentFailed, want.Newest)
	}
}

// TestSummarizeWindowMatchesFullRead: on random logs, Summarize with a
// since (which seeks) counts what a read from the start counts.
func TestSummarizeWindowMatchesFullRead(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 4))
	f := mustFormat(t, sfmt)
	dir := t.TempDir()
	for i := range 15 {
		n := rng.IntN(30000)
		data := []byte(strings.Join(windowLines(rng, n), "\n") + "\n")
		path := filepath.Join(dir, "access"+strconv.Itoa(i)+".log")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		since := at12(rng.IntN(n/20+20) - 10)
		got := Summarize(context.Background(), []string{path}, f, since, 2*time.Minute)
		want := fullRead(t, &f, data, since, 2*time.Minute)
		sameWindow(t, "log "+strconv.Itoa(i)+" since "+since.Format(time.TimeOnly), got, want)
		if len(got.Files) != 1 || got.Files[0].Err != nil || !got.Files[0].Read || got.Files[0].Requests != want.Requests {
			t.Fatalf("log %d: files %+v, want read with %d requests", i, got.Files, want.Requests)
		}
	}
}

// TestSummarizeWindowTimeFormats: $time_iso8601 and $msec formats seek by
// their own time; a format without a time reads every line.
func TestSummarizeWindowTimeFormats(t *testing.T) {
	dir := t.TempDir()
	const n = 40000 // 2000 s, about 2 MB: a real search
	for _, tc := range []struct {
		format string
		line   func(tm time.Time, i int) string
		want   int // requests since 12:25:00
	}{
		{`$remote_addr [$time_iso8601] "$request" $status`, func(tm time.Time, i int) string {
			return "10.0.0.1 [" + tm.Format("2006-01-02T15:04:05-07:00") + `] "GET /` + itoa(i) + ` HTTP/1.1" 200`
		}, n - 1500*20},
		{`$msec $remote_addr "$request" $status`, func(tm time.Time, i int) string {
			return strconv.FormatInt(tm.Unix(), 10) + ".250 10.0.0.1 \"GET /" + itoa(i) + ` HTTP/1.1" 200`
		}, n - 1500*20},
		{`$remote_addr "$request" $status`, func(tm time.Time, i int) string {
			return `10.0.0.1 "GET /` + itoa(i) + ` HTTP/1.1" 200`
		}, n},
	} {
		f := mustFormat(t, tc.format)
		lines := make([]string, n)
		for i := range lines {
			lines[i] = tc.line(at12(i/20), i)
		}
		path := filepath.Join(dir, "access.log")
		writeLog(t, path, time.Now(), lines...)
		since := at12(1500)
		before := rchar(t)
		s := Summarize(context.Background(), []string{path}, f, since, time.Minute)
		read := rchar(t) - before
		eq(t, s.Requests, tc.want)
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if timed := tc.want < n; timed && read > info.Size()/2 || !timed && read < info.Size() {
			t.Errorf("%s: read %d bytes of %d for the last quarter", tc.format, read, info.Size())
		}
		eq(t, s.Bad, 0)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		sameWindow(t, tc.format, s, fullRead(t, &f, data, since, time.Minute))
	}
}

// TestSummarizeWindowWrongFormat: when no line matches the format no time
// is found, so the whole file is read and every line is reported bad.
func TestSummarizeWindowWrongFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.log")
	lines := make([]string, 30000)
	for i := range lines {
		lines[i] = line(i/20, "GET / HTTP/1.1", 200, "200", "10.0.0.1:80", "0.001", "curl")
	}
	writeLog(t, path, time.Now(), lines...)
	s := Summarize(context.Background(), []string{path}, mustFormat(t, `$remote_addr $status [$time_local]`), at12(1000), time.Minute)
	eq(t, s.Bad, len(lines))
	eq(t, s.Requests, 0)
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

// TestSummarizeWindowRotatedUnread: access.log.1, touched after since but
// with its last line before it, is not read; access.log only from its window.
func TestSummarizeWindowRotatedUnread(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "access.log")
	rng := rand.New(rand.NewPCG(8, 5))
	old := windowLines(rng, 60000) // 12:00 to 12:50
	writeLog(t, base+".1", time.Now(), old...)
	cur := make([]string, 60000)
	for i := range cur {
		cur[i] = line(3600+i/20, "GET /d HTTP/1.1", 200, "200", "10.0.0.1:80", "0.001", "curl") // 13:00 to 13:50
	}
	writeLog(t, base, time.Now(), cur...)
	since := at12(3600 + 2900) // the last 100 s
	before := rchar(t)
	s := Summarize(context.Background(), []string{base}, mustFormat(t, sfmt), since, time.Minute)
	read := rchar(t) - before
	eq(t, len(s.Files), 2)
	eq(t, s.Files[0].Path, base+".1")
	eq(t, s.Files[0].Read && s.Files[0].Err == nil && s.Files[0].Requests == 0 && s.Files[0].Bad == 0, true)
	eq(t, s.Requests, 100*20)
	t.Logf("read %d KiB of %d MiB", read>>10, (len(strings.Join(old, "\n"))+len(strings.Join(cur, "\n")))>>20)
	if read > 1<<20+100*20*250 { // a search and the window's 2000 lines
		t.Errorf("read %d bytes: more than the window", read)
	}
}
