package errlog

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"
)

// FuzzParseMatchesReference: the parser gives, for any line, the Entry the
// parser before issue 8 gave (refParseLine), time included.
func FuzzParseMatchesReference(f *testing.F) {
	addSamples(f)
	f.Fuzz(func(t *testing.T, line string) {
		checkParseMatches(t, line)
	})
}

// checkParseMatches compares ParseLine with refParseLine on line.
func checkParseMatches(t *testing.T, line string) {
	t.Helper()
	got, ok := ParseLine([]byte(line), time.UTC)
	want, wantOK := refParseLine(line, time.UTC)
	if ok != wantOK || got != want {
		t.Fatalf("line %q:\ngot  %v %+v\nwant %v %+v", line, ok, got, wantOK, want)
	}
}

// TestParseMatchesReferenceMutations runs checkParseMatches on every lab
// line and on 20,000 seeded mutations of them: spliced markers, cut
// lines, quotes and parentheses where the peeling rules look.
func TestParseMatchesReferenceMutations(t *testing.T) {
	data, err := os.ReadFile(samples)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		if len(l) > 20 && l[4] == '/' {
			lines = append(lines, l)
		}
	}
	bits := []string{`, referrer: "`, `, host: "`, `, upstream: "`, `, subrequest: "`, `, request: "`,
		", client: ", ", udp client: ", ", resolver: ", ", server: ", ", bytes from/to client:",
		" while ", " (", ")", `"`, "(111: Connection refused)", "\n", "\r", ", ", " in upstream \"x\""}
	rng := rand.New(rand.NewPCG(8, 2))
	for _, l := range lines {
		checkParseMatches(t, l)
	}
	for range 20_000 {
		l := lines[rng.IntN(len(lines))]
		for range 1 + rng.IntN(3) {
			i := 20 + rng.IntN(len(l)-19)
			switch rng.IntN(3) {
			case 0:
				l = l[:i] + bits[rng.IntN(len(bits))] + l[i:]
			case 1:
				l = l[:i]
			case 2:
				l = l[:i] + l[min(len(l), i+1+rng.IntN(20)):]
			}
		}
		checkParseMatches(t, l)
	}
}

// TestStampMinuteCache: with warm caches, every second around this year's
// zone transitions (DST, Lord Howe's 30-minute shift) parses to what
// time.Date gives, read forwards and backwards.
func TestStampMinuteCache(t *testing.T) {
	for _, name := range []string{"UTC", "Local", "Europe/Berlin", "Australia/Lord_Howe", "America/St_Johns"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			missing(t, "no zone "+name+": "+err.Error())
		}
		var walls []time.Time // wall clocks, as UTC, around each transition
		for at := time.Date(2026, 1, 1, 0, 0, 0, 0, loc); at.Year() == 2026; {
			_, end := at.ZoneBounds()
			if end.IsZero() {
				break
			}
			w := end.In(loc)
			base := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), 0, 0, time.UTC)
			for s := -150; s <= 150; s++ {
				walls = append(walls, base.Add(time.Duration(s)*time.Second))
			}
			at = end.Add(time.Hour)
		}
		if name != "UTC" && name != "Local" && len(walls) == 0 {
			t.Fatalf("%s: no transition found in 2026", name)
		}
		for _, order := range []string{"forwards", "backwards"} {
			p := parser{loc: loc}
			for i := range walls {
				w := walls[i]
				if order == "backwards" {
					w = walls[len(walls)-1-i]
				}
				ts := w.Format("2006/01/02 15:04:05")
				got, ok := stamp(&p, ts)
				want := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, loc)
				if !ok || got != want {
					t.Fatalf("%s %s: %s = %v, want %v", name, order, ts, got, want)
				}
			}
		}
	}
}

// TestScanMatchesReference: Scan, on the reader shared with the new path,
// gives the entries the Scan before issue 8 gave, on generated logs with
// continuation lines, stray, empty, CR-ended and over-long lines, read
// through readers that return a few bytes at a time.
func TestScanMatchesReference(t *testing.T) {
	for seed := range uint64(6) {
		data := genMixedLog(t, seed, 3000)
		since := time.Time{}
		if seed%2 == 1 {
			since = time.Date(2026, 11, 25, 12, 30, 0, 0, time.UTC)
		}
		var want, got []Entry
		if err := refScan(context.Background(), bytes.NewReader(data), time.UTC, since, func(e Entry) { want = append(want, e) }); err != nil {
			t.Fatal(err)
		}
		var r interface{ Read([]byte) (int, error) } = bytes.NewReader(data)
		if seed%3 == 2 {
			r = &trickle{data: data, rng: rand.New(rand.NewPCG(seed, 1))}
		}
		if err := Scan(context.Background(), r, time.UTC, since, func(e Entry) { got = append(got, e) }); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("seed %d: %d entries, want %d", seed, len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("seed %d entry %d:\ngot  %+v\nwant %+v", seed, i, got[i], want[i])
			}
		}
	}
}

// trickle returns data a few bytes at a time.
type trickle struct {
	data []byte
	rng  *rand.Rand
}

// Read gives at most 1..4096 bytes.
func (tr *trickle) Read(p []byte) (int, error) {
	if len(tr.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), 1+tr.rng.IntN(4096))], tr.data)
	tr.data = tr.data[n:]
	return n, nil
}

// TestMsgCacheMatchesParse: msgCache.parse gives parseWith's Entry and
// Classify's and Status's results, on a miss and on every later hit, for
// the lab lines, mixed logs and mutations of them.
func TestMsgCacheMatchesParse(t *testing.T) {
	var lines []string
	for _, l := range strings.Split(string(errorSections(t))+string(genMixedLog(t, 3, 4000)), "\n") {
		lines = append(lines, l)
	}
	rng := rand.New(rand.NewPCG(5, 5))
	for range 5000 {
		l := lines[rng.IntN(len(lines))]
		if len(l) > 40 {
			i := 30 + rng.IntN(len(l)-30)
			l = l[:i] + []string{"unix:", " while x", "(13: Permission denied)", ")", "://unix:/s"}[rng.IntN(5)] + l[i:]
		}
		lines = append(lines, l)
	}
	var c msgCache
	for pass := range 2 {
		for _, l := range lines {
			p := parser{loc: time.UTC}
			h, ok := readHeader(&p, l)
			if !ok {
				continue
			}
			var want, got Entry
			parseWith(&want, l, h)
			v := c.parse(&got, l, &h)
			if got != want || v.kind != Classify(want) || v.status != Status(want) || v.peerOf(&got) != Peer(want) {
				t.Fatalf("pass %d, %q:\ngot  %+v %q %d %q\nwant %+v %q %d %q", pass, l, got, v.kind, v.status, v.peerOf(&got),
					want, Classify(want), Status(want), Peer(want))
			}
		}
	}
}

// TestCutAfterSocket: the one-pass cut agrees with trying each suffix in
// turn, on paths with several sockets and suffixes in any order.
func TestCutAfterSocket(t *testing.T) {
	exts := []string{".sock/", ".socket/", ".sock?", ".socket?"}
	ref := func(p string) string {
		for _, ext := range exts {
			if i := strings.Index(p, ext); i >= 0 {
				return p[:i+len(ext)-1]
			}
		}
		return p
	}
	parts := []string{"/run/a", ".sock", ".socket", "/", "?", "x", "et", ".so", "ck/"}
	rng := rand.New(rand.NewPCG(9, 9))
	for range 20_000 {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		if p := b.String(); cutAfterSocket(p) != ref(p) {
			t.Fatalf("%q: %q, want %q", p, cutAfterSocket(p), ref(p))
		}
	}
}
