package logfile

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// entriesFrom reads data forward from off the way a log reader does and
// returns the start of every entry (a timed line and the untimed lines
// after it) whose time is >= since.
func entriesFrom(data []byte, off int64, since time.Time, lineTime LineTime) []int64 {
	var out []int64
	for pos := off; pos < int64(len(data)); {
		line := data[pos:]
		end := bytes.IndexByte(line, '\n')
		if end >= 0 {
			line = line[:end]
		}
		if t, ok := lineTime(line); ok && len(line) > 0 && !t.Before(since) {
			out = append(out, pos)
		}
		if end < 0 {
			break
		}
		pos += int64(end) + 1
	}
	return out
}

// jitteredLog generates n lines from fuzz-like choices: entries whose
// clock runs forward but each of which may be stamped up to SeekMargin
// early (a worker's stale clock), continuation lines, and lines of any
// length. pick(k) returns a choice in [0, k).
func jitteredLog(n int, pick func(k int) int) genLog {
	var lines []logLine
	clock := 0
	for range n {
		if pick(4) == 0 && len(lines) > 0 {
			lines = append(lines, logLine{text: "PHP message: " + strings.Repeat("c", pick(60))})
			continue
		}
		clock += pick(3)
		t := sec(clock).Add(-time.Duration(pick(int(SeekMargin/time.Second)+1)) * time.Second)
		text := strings.Repeat("m", pick(120))
		if pick(500) == 0 {
			text = strings.Repeat("L", 5000) // longer than a small probe
		}
		lines = append(lines, logLine{t: t, timed: true, text: text})
	}
	return build(lines, pick(2) == 0)
}

// checkSeek runs the search on g with budgets sp and checks what SeekSince
// promises on a log whose order is off by at most SeekMargin: the offset
// is 0, the size, or an entry start; and reading from it finds exactly the
// entries a full read finds.
func checkSeek(t *testing.T, g genLog, since time.Time, sp spans) int64 {
	t.Helper()
	size := int64(len(g.data))
	off, err := newSeeker(bytes.NewReader(g.data), size, stampTime, sp).seekSince(since)
	if err != nil {
		t.Fatal(err)
	}
	checkOffset(t, g.data, off, stampTime)
	want := entriesFrom(g.data, 0, since, stampTime)
	got := entriesFrom(g.data, off, since, stampTime)
	if !slices.Equal(got, want) {
		t.Fatalf("since %v, spans %+v, %d bytes: offset %d finds %d entries, a full read %d (first at %v)",
			since.Sub(t0), sp, size, off, len(got), len(want), want[:min(1, len(want))])
	}
	return off
}

// checkOffset fails unless off is 0, the size, or the start of a line lineTime reads.
func checkOffset(t *testing.T, data []byte, off int64, lineTime LineTime) {
	t.Helper()
	if off < 0 || off > int64(len(data)) {
		t.Fatalf("offset %d outside [0, %d]", off, len(data))
	}
	if off == 0 || off == int64(len(data)) {
		return
	}
	line, _, _ := bytes.Cut(data[off:], []byte{'\n'})
	if _, ok := lineTime(line); data[off-1] != '\n' || !ok {
		t.Fatalf("offset %d is not at a timed line's start: %.40q", off, data[off:])
	}
}

// smallSpans are budgets small enough that short logs take every path.
var smallSpans = []spans{
	{probe: 16, bisect: 16, final: 64, last: 256},
	{probe: 300, bisect: 100, final: 1000, last: 4000},
	{probe: 4096, bisect: 4096, final: 16384, last: 65536},
}

// TestSeekSinceProperty: on random logs out of order by up to SeekMargin,
// reading from the offset finds the same entries as reading it all.
func TestSeekSinceProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 1))
	late, skipped := 0, 0 // a search that always says 0 would pass the rest
	for i := range 300 {
		g := jitteredLog(rng.IntN(3000), rng.IntN)
		last := 0
		for _, l := range g.lines {
			if l.timed {
				last = max(last, int(l.t.Sub(t0)/time.Second))
			}
		}
		since := sec(rng.IntN(last+20) - 10)
		off := checkSeek(t, g, since, defaultSpans())
		checkSeek(t, g, since, smallSpans[i%len(smallSpans)])
		if since.After(sec(30)) && since.Before(sec(last-30)) {
			late++
			if off > 0 {
				skipped++
			}
		}
	}
	if skipped < late*9/10 {
		t.Errorf("only %d of %d searches for a window inside the log skipped anything", skipped, late)
	}
}

// fuzzTime is a LineTime for arbitrary bytes: "T" and four digits are a second.
func fuzzTime(line []byte) (time.Time, bool) {
	if len(line) < 5 || line[0] != 'T' {
		return time.Time{}, false
	}
	n := 0
	for _, c := range line[1:5] {
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
		n = n*10 + int(c-'0')
	}
	return sec(n), true
}

// inOrder reports whether no timed line of data is more than SeekMargin
// older than a timed line before it.
func inOrder(data []byte, lineTime LineTime) bool {
	var newest time.Time
	for line := range bytes.SplitSeq(data, []byte{'\n'}) {
		t, ok := lineTime(line)
		if !ok {
			continue
		}
		if t.Before(newest.Add(-SeekMargin)) {
			return false
		}
		if t.After(newest) {
			newest = t
		}
	}
	return true
}

// FuzzSeekSince: on any bytes the offset is in [0, size] and at a timed
// line start (or 0 or size); on a log built from the bytes whose order is
// off by at most SeekMargin, it is never after the first entry >= since.
func FuzzSeekSince(f *testing.F) {
	f.Add([]byte("T0001 a\nT0002 b\ncont\nT0009 c\n"), uint16(5), uint8(0))
	f.Add([]byte("\n\n\nT99\nT0005\nT0004 x"), uint16(9), uint8(1))
	f.Add(bytes.Repeat([]byte("T0010 entry\n  more\n"), 40), uint16(12), uint8(2))
	var seed strings.Builder
	for i := range 200 {
		fmt.Fprintf(&seed, "T%04d line %d\n", i/3, i)
	}
	f.Add([]byte(seed.String()), uint16(30), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, sinceSec uint16, spanPick uint8) {
		sp := smallSpans[int(spanPick)%len(smallSpans)]
		since := sec(int(sinceSec % 10000))
		off, err := newSeeker(bytes.NewReader(data), int64(len(data)), fuzzTime, sp).seekSince(since)
		if err != nil {
			t.Fatal(err)
		}
		checkOffset(t, data, off, fuzzTime)
		if inOrder(data, fuzzTime) {
			if first := entriesFrom(data, 0, since, fuzzTime); len(first) > 0 && off > first[0] {
				t.Fatalf("offset %d after the first entry >= since at %d", off, first[0])
			}
		}
		if _, _, err := newSeeker(bytes.NewReader(data), int64(len(data)), fuzzTime, sp).lastTime(); err != nil {
			t.Fatal(err)
		}
		// the same bytes as choices of a log in order within the margin
		i := 0
		pick := func(k int) int {
			if i >= len(data) {
				return 0
			}
			i++
			return int(data[i-1]) % k
		}
		g := jitteredLog(len(data)/2, pick)
		checkSeek(t, g, sec(int(sinceSec%200)), sp)
	})
}
