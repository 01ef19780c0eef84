package errlog

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"ngx502/probes/logfile"
)

// mixedLog shapes genMixedLog's output.
type mixedLog struct {
	peers   int  // distinct upstream peers the generated failures go to
	servers int  // distinct server names
	long    bool // add two lines longer than readBuf
}

// genMixedLog writes n entries of a busy, messy error log: the lab entries
// (multi-line FastCGI stderr included), refused connects and timeouts to
// many peers and servers, ngx502's own requests, client-side and other
// non-upstream lines, stray, empty and CR-ended lines, FastCGI stderr
// whose continuation comes after the context (dropped), clocks that step
// back a little (several workers), and with shape.long two lines past
// readBuf. The same seed gives the same bytes.
func genMixedLog(tb testing.TB, seed uint64, n int, shape ...mixedLog) []byte {
	tb.Helper()
	sh := mixedLog{peers: 30, servers: 12}
	if len(shape) > 0 {
		sh = shape[0]
	}
	lab := labEntries(tb)
	rng := rand.New(rand.NewPCG(seed, 42))
	peer := func() string {
		i := rng.IntN(sh.peers)
		if i%7 == 3 {
			return fmt.Sprintf("unix:/run/php/pool%d.sock", i)
		}
		return fmt.Sprintf("10.%d.%d.%d:%d", i>>16&255, i>>8&255, i&255, 8000+i%3)
	}
	server := func() string { return fmt.Sprintf("site%d.example", rng.IntN(sh.servers)) }
	levels := []string{"error", "error", "error", "warn", "crit", "info", "alert", "emerg", "notice"}
	var b bytes.Buffer
	clock := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	latest := clock
	for i := range n {
		switch r := rng.IntN(100); {
		case r < 3: // another worker's older second, as far back as nginx's workers drift
			clock = later(clock.Add(-time.Duration(rng.IntN(5))*time.Second), latest.Add(-4*time.Second))
		case r < 60:
			clock = clock.Add(time.Duration(rng.IntN(2)) * time.Second)
		}
		latest = later(latest, clock)
		ts := clock.Format("2006/01/02 15:04:05")
		lvl := levels[rng.IntN(len(levels))]
		cid := i + 1
		switch r := rng.IntN(100); {
		case r < 25:
			fmt.Fprintf(&b, "%s%s\n", ts, lab[rng.IntN(len(lab))])
		case r < 45:
			p := peer()
			up := "http://" + p + "/api"
			msg := "connect() failed (111: Connection refused)"
			if strings.HasPrefix(p, "unix:") {
				up, msg = "fastcgi://"+p+":", "connect() to "+p+" failed (2: No such file or directory)"
			}
			fmt.Fprintf(&b, `%s [%s] 7#7: *%d %s while connecting to upstream, client: 10.9.8.%d, server: %s, request: "GET /r%d HTTP/1.1", upstream: "%s", host: "h"`+"\n",
				ts, lvl, cid, msg, i%250, server(), i, up)
		case r < 55:
			fmt.Fprintf(&b, `%s [error] 7#7: *%d upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.1.1.1, server: %s, request: "GET /slow HTTP/1.1", upstream: "http://%s/slow", host: "h"`+"\n",
				ts, cid, server(), peer())
		case r < 60:
			fmt.Fprintf(&b, `%s [error] 7#7: *%d connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: %s, request: "GET /p?%s%x HTTP/1.0", upstream: "http://%s/", host: "h"`+"\n",
				ts, cid, server(), logfile.ProbeMarker, i, peer())
		case r < 75:
			fmt.Fprintf(&b, `%s [error] 7#7: *%d open() "/srv/www/f%d" failed (2: No such file or directory), client: 10.2.2.2, server: %s, request: "GET /f%d HTTP/1.1", host: "h"`+"\n",
				ts, cid, i, server(), i)
		case r < 80:
			fmt.Fprintf(&b, `%s [info] 7#7: *%d SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking, client: 10.3.3.3, server: 0.0.0.0:443`+"\n", ts, cid)
		case r < 84:
			fmt.Fprintf(&b, `%s [%s] 7#7: *%d FastCGI sent in stderr: "PHP message: PHP Warning:  x in /a.php on line %d`+"\nPHP message: PHP Fatal error:  y\" while reading response header from upstream, client: 10.4.4.4, server: %s, request: \"GET /a.php HTTP/1.1\", upstream: \"fastcgi://%s\", host: \"h\"\n",
				ts, lvl, cid, i, server(), peer())
		case r < 86: // the context is on the first line: what follows is not part of it
			fmt.Fprintf(&b, `%s [error] 7#7: *%d FastCGI sent in stderr: "x" while reading upstream, client: 10.4.4.4, server: %s, request: "GET / HTTP/1.1", upstream: "fastcgi://%s", host: "h"`+"\nstray after the context\nmore stray\n",
				ts, cid, server(), peer())
		case r < 89:
			b.WriteString([]string{"", "stray line\n", "\n", "   \n", "2026/11/25 nonsense\n"}[rng.IntN(5)])
		case r < 91:
			fmt.Fprintf(&b, "%s [error] 7#7: *%d no live upstreams while connecting to upstream, client: 1.1.1.1, server: %s, request: \"GET / HTTP/1.1\", upstream: \"http://group%d/\", host: \"h\"\r\n",
				ts, cid, server(), rng.IntN(4))
		case r < 93:
			fmt.Fprintf(&b, "%s [error] 7#7: send() failed (111: Connection refused) while resolving, resolver: 127.0.0.%d:53\n", ts, rng.IntN(3))
		default:
			fmt.Fprintf(&b, "%s [%s] 7#7: *%d upstream prematurely closed connection while reading response header from upstream, client: 1.1.1.1, server: %s, request: \"GET / HTTP/1.1\", upstream: \"http://%s/\", host: \"h\"\n",
				ts, lvl, cid, server(), peer())
		}
		if sh.long && (i == n/3 || i == 2*n/3) {
			fmt.Fprintf(&b, "%s [error] 7#7: *%d connect() failed (111: Connection refused) while connecting to upstream, client: 1.1.1.1, server: s, request: \"GET /%s\n",
				ts, cid, strings.Repeat("a", readBuf+rng.IntN(3)-1))
		}
	}
	return b.Bytes()
}

// later is the later of two times.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// TestTallyMatchesReference: for generated logs (continuation lines, own
// requests, non-upstream lines, few and many peers, table bounds small
// enough to evict), the new path's Summary — sequential, and parallel in
// chunks down to a few hundred bytes — equals the sequential path's
// before issue 8 (refSummarize), field by field.
func TestTallyMatchesReference(t *testing.T) {
	plans := []plan{{chunk: 1 << 40, workers: 1}, {chunk: 256 << 10, workers: 2}, {chunk: 64 << 10, workers: 2},
		{chunk: 4096, workers: 3}, {chunk: 700, workers: 4}}
	cases := []struct {
		name      string
		shape     mixedLog
		n         int
		maxGroups int
		since     time.Time
	}{
		{"few peers", mixedLog{peers: 30, servers: 12}, 20_000, MaxGroups, time.Time{}},
		{"many servers", mixedLog{peers: 5, servers: 200}, 10_000, MaxGroups, time.Time{}},
		{"window", mixedLog{peers: 30, servers: 12}, 20_000, MaxGroups, time.Date(2026, 11, 25, 12, 40, 0, 0, time.UTC)},
		{"evicting", mixedLog{peers: 400, servers: 12}, 8_000, 40, time.Time{}},
		{"more keys than a chunk table", mixedLog{peers: 700, servers: 12}, 20_000, MaxGroups, time.Time{}},
		{"more keys than the table", mixedLog{peers: 3000, servers: 12}, 20_000, MaxGroups, time.Time{}},
		{"tiny table", mixedLog{peers: 30, servers: 3}, 5_000, 3, time.Time{}},
		{"over-long lines", mixedLog{peers: 30, servers: 12, long: true}, 6_000, MaxGroups, time.Time{}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "error.log")
			if err := os.WriteFile(path, genMixedLog(t, uint64(i), c.n, c.shape), 0o644); err != nil {
				t.Fatal(err)
			}
			want := refSummarize(context.Background(), []string{path}, c.since, time.UTC, c.maxGroups)
			if want.Upstream == 0 || want.Own == 0 || want.Entries == want.Upstream {
				t.Fatalf("the log does not mix what it should: %d entries, %d upstream, %d own", want.Entries, want.Upstream, want.Own)
			}
			for _, pl := range plans {
				got := tallySummarize(context.Background(), []string{path}, c.since, time.UTC, c.maxGroups, pl)
				diffSummaries(t, fmt.Sprintf("%+v", pl), got, want)
			}
		})
	}
}

// TestTallyMatchesReferenceRotated: a rotated, compressed sibling is read
// as a stream and its groups carry on into the current file's.
func TestTallyMatchesReferenceRotated(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "error.log")
	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	if _, err := zw.Write(genMixedLog(t, 20, 3000)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(base+".1.gz", zb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(base, genMixedLog(t, 21, 8000), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(base+".1.gz", old, old); err != nil {
		t.Fatal(err)
	}
	want := refSummarize(context.Background(), []string{base}, time.Time{}, time.UTC, MaxGroups)
	if len(want.Files) != 2 {
		t.Fatalf("files = %+v", want.Files)
	}
	got := tallySummarize(context.Background(), []string{base}, time.Time{}, time.UTC, MaxGroups, plan{chunk: 2048, workers: 2})
	diffSummaries(t, "rotated", got, want)
}

// diffSummaries fails with the first difference between two Summaries.
func diffSummaries(t *testing.T, what string, got, want Summary) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	if !reflect.DeepEqual(got.Files, want.Files) || got.Entries != want.Entries || got.Own != want.Own || got.Upstream != want.Upstream {
		t.Fatalf("%s: files %+v entries %d own %d upstream %d\nwant files %+v entries %d own %d upstream %d",
			what, got.Files, got.Entries, got.Own, got.Upstream, want.Files, want.Entries, want.Own, want.Upstream)
	}
	if len(got.Groups) != len(want.Groups) {
		t.Fatalf("%s: %d groups, want %d", what, len(got.Groups), len(want.Groups))
	}
	for i := range got.Groups {
		if !reflect.DeepEqual(got.Groups[i], want.Groups[i]) {
			t.Fatalf("%s: group %d\ngot  %+v\nwant %+v", what, i, got.Groups[i], want.Groups[i])
		}
	}
	t.Fatalf("%s: overflow\ngot  %+v\nwant %+v", what, got.Overflow, want.Overflow)
}
