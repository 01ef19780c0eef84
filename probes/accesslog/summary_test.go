package accesslog

import (
	"compress/gzip"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// writeLog writes lines to path (gzip when it ends in .gz) and sets its mtime.
func writeLog(t testing.TB, path string, mtime time.Time, lines ...string) {
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

// sfmt is the suggested format; line builds one of its lines.
const sfmt = SuggestedFormat

// line is a line of SuggestedFormat at second s of 12:00 on the test day.
func line(s int, req string, status int, us, ua, uht, agent string) string {
	ts := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC).Add(time.Duration(s) * time.Second).Format("02/Jan/2006:15:04:05 -0700")
	return "10.0.0.1 - - [" + ts + `] "` + req + `" ` + strconv.Itoa(status) + ` 157 "-" "` + agent + `" host=shop.example us=` + us + " ua=" + ua + " rt=0.002 urt=0.001 uht=" + uht
}

// itoa is strconv.Itoa.
func itoa(n int) string { return strconv.Itoa(n) }

// at12 is second s after 12:00 on the test day.
func at12(s int) time.Time {
	return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC).Add(time.Duration(s) * time.Second)
}

func TestSummarizeGroups(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "access.log")
	const app, dead, pool = "10.0.0.5:8080", "10.0.0.6:8080", "unix:/run/app.sock"
	writeLog(t, base+".1", at12(100),
		line(0, "GET /old HTTP/1.1", 502, "502", app, "0.001", "curl/8"), // before since
		line(50, "GET /api/a HTTP/1.1", 502, "502", app, "0.001", "curl/8"),
		line(60, "GET /api/b HTTP/1.1", 502, "502", dead, "-", "curl/8"))
	writeLog(t, base, at12(400),
		line(200, "GET /api/c HTTP/1.1", 502, "502", app, "0.001", "curl/8"),
		line(210, "GET /api/d HTTP/1.1", 200, "502, 200", dead+", "+app, "-, 0.001", "curl/8"),
		line(220, "GET /api/e HTTP/1.1", 502, "502 : 502", dead+" : "+pool, "- : 0.002", "curl/8"),
		line(230, "GET /static HTTP/1.1", 200, "-", "-", "-", "curl/8"),
		line(240, "GET /api/?ngx502-probe=3f2a1c HTTP/1.0", 502, "502", dead, "-", "ngx502-probe/run1"),
		line(241, "GET /api/ HTTP/1.0", 502, "502", dead, "-", "ngx502-probe/run1"),
		"this is not an access log line",
		line(250, "GET /api/f HTTP/1.1", 504, "504", app, "-", "curl/8"),
		line(300, "GET /api/g?ngx502-probe HTTP/1.1", 502, "502", app, "0.001", "curl/8")) // the stem alone: counted
	s := Summarize(context.Background(), []string{base}, mustFormat(t, sfmt), at12(10), 60*time.Second)
	for _, f := range s.Files {
		if !f.Read || f.Err != nil {
			t.Errorf("file %+v", f)
		}
	}
	eq(t, len(s.Files), 2)
	eq(t, s.Requests, 8)
	eq(t, s.Own, 2)
	eq(t, s.Bad, 1)
	eq(t, s.BadSample, "this is not an access log line")
	eq(t, s.Classes, [6]int{0, 0, 2, 0, 0, 6})
	eq(t, s.Newest, at12(300))
	eq(t, s.RecentFrom, at12(240))
	eq(t, s.RecentRequests, 2) // 250 and 300
	eq(t, s.RecentFailed, 2)
	eq(t, s.Grouped, 6)
	type key struct {
		addr        string
		status, ust int
		origin      Origin
	}
	got := map[key]Group{}
	for _, g := range s.Groups {
		got[key{g.Addr, g.Status, g.UpstreamStatus, g.Origin}] = g
	}
	if len(got) != 4 {
		t.Fatalf("groups = %+v", s.Groups)
	}
	own := got[key{app, 502, 502, OriginApp}]
	eq(t, own.Count, 3)
	eq(t, own.AppOwn, true)
	eq(t, own.First, at12(50))
	eq(t, own.Last, at12(300))
	eq(t, own.RecentCount, 1)
	eq(t, own.Sample.URI, "/api/g?ngx502-probe")
	eq(t, own.MaxRequestTime, 2*time.Millisecond)
	refused := got[key{dead, 502, 502, OriginNginx}]
	eq(t, refused.Count, 1)
	eq(t, refused.AppOwn, false)
	eq(t, got[key{pool, 502, 502, OriginApp}].Count, 1) // error_page to a second group: its answer is the app's
	eq(t, got[key{app, 504, 504, OriginNginx}].Count, 1)

	ups := map[string]Upstream{}
	for _, u := range s.Upstreams {
		ups[u.Addr] = u
	}
	eq(t, ups[app], Upstream{Addr: app, Requests: 5, Failed: 4, LastFailed: at12(300)})
	eq(t, ups[dead], Upstream{Addr: dead, Requests: 3, Failed: 3, Retried: 1, LastFailed: at12(220)})
	eq(t, ups[pool], Upstream{Addr: pool, Requests: 1, Failed: 1, LastFailed: at12(220)})
	eq(t, s.Upstreams[0].Addr, app)
}

func TestSummarizeNotFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "access.log")
	writeLog(t, good, time.Now(), line(0, "GET / HTTP/1.1", 200, "-", "-", "-", "x"))
	paths := []string{"syslog:server=unix:/dev/log", "/dev/stdout", filepath.Join(dir, "missing.log"), good}
	s := Summarize(context.Background(), paths, mustFormat(t, sfmt), time.Time{}, time.Minute)
	eq(t, len(s.Files), 4)
	if !errors.Is(s.Files[0].Err, ErrNotFile) || !errors.Is(s.Files[1].Err, ErrNotFile) {
		t.Errorf("special: %v / %v, want ErrNotFile", s.Files[0].Err, s.Files[1].Err)
	}
	if !errors.Is(s.Files[2].Err, fs.ErrNotExist) {
		t.Errorf("missing: %v", s.Files[2].Err)
	}
	eq(t, s.Files[3].Read, true)
	eq(t, s.Files[3].Requests, 1)
	eq(t, s.Requests, 1)
}

func TestSummaryCounts5xxPerMinute(t *testing.T) {
	f, err := ParseFormat(`$remote_addr [$time_local] "$request" $status`)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "access.log")
	lines := `127.0.0.1 [02/Dec/2026:05:00:01 +0000] "GET / HTTP/1.1" 502
127.0.0.1 [02/Dec/2026:05:00:40 +0000] "GET / HTTP/1.1" 200
127.0.0.1 [02/Dec/2026:05:00:59 +0000] "GET / HTTP/1.1" 504
127.0.0.1 [02/Dec/2026:05:03:00 +0000] "GET / HTTP/1.1" 502
`
	if err := os.WriteFile(path, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	s := Summarize(context.Background(), []string{path}, f, time.Time{}, 0)
	m := s.Minutes5xx
	if m.Total() != 3 || len(m.Counts) != 4 || m.Counts[0] != 2 || m.Counts[3] != 1 {
		t.Errorf("5xx per minute %+v", m)
	}
}
