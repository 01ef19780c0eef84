package logfile

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// stampLayout is the error log's timestamp, the one the tests' logs use.
const stampLayout = "2006/01/02 15:04:05"

// stampTime is a LineTime for lines that start with stampLayout.
func stampTime(line []byte) (time.Time, bool) {
	if len(line) < len(stampLayout) {
		return time.Time{}, false
	}
	t, err := time.Parse(stampLayout, string(line[:len(stampLayout)]))
	return t, err == nil
}

// t0 is the tests' first second.
var t0 = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

// sec is t0 plus n seconds.
func sec(n int) time.Time { return t0.Add(time.Duration(n) * time.Second) }

// logLine is one line of a generated log: timed (an entry start) or a continuation.
type logLine struct {
	t     time.Time
	timed bool
	text  string
}

// genLog is a generated log and where each of its lines starts.
type genLog struct {
	data   []byte
	starts []int64
	lines  []logLine
}

// build writes lines, each ended by '\n' but the last when unterminated.
func build(lines []logLine, unterminated bool) genLog {
	var b bytes.Buffer
	g := genLog{lines: lines}
	for i, l := range lines {
		g.starts = append(g.starts, int64(b.Len()))
		if l.timed {
			b.WriteString(l.t.Format(stampLayout))
			b.WriteByte(' ')
		}
		b.WriteString(l.text)
		if i < len(lines)-1 || !unterminated {
			b.WriteByte('\n')
		}
	}
	g.data = b.Bytes()
	return g
}

// firstAtOrAfter is the start of the first timed line with time >= t, or the size.
func (g genLog) firstAtOrAfter(t time.Time) int64 {
	for i, l := range g.lines {
		if l.timed && !l.t.Before(t) {
			return g.starts[i]
		}
	}
	return int64(len(g.data))
}

// seek runs SeekSince on g.
func (g genLog) seek(t *testing.T, since time.Time) int64 {
	t.Helper()
	off, err := SeekSince(bytes.NewReader(g.data), int64(len(g.data)), since, stampTime)
	if err != nil {
		t.Fatal(err)
	}
	return off
}

// perSecond is n entries, every one a second after the previous, about 150 bytes each.
func perSecond(n int) []logLine {
	out := make([]logLine, n)
	for i := range out {
		out[i] = logLine{t: sec(i), timed: true, text: fmt.Sprintf("[error] 11#11: *%d connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1", i)}
	}
	return out
}

func TestSeekSinceBeforeFirstAfterLastMiddle(t *testing.T) {
	g := build(perSecond(20000), false) // 3 MB: a real search
	eq(t, g.seek(t, sec(-100)), 0)
	eq(t, g.seek(t, sec(20000+int(SeekMargin/time.Second))), int64(len(g.data)))
	for _, s := range []int{1, 7, 4321, 10000, 19990, 19999} {
		want := g.firstAtOrAfter(sec(s).Add(-SeekMargin))
		if got := g.seek(t, sec(s)); got != want {
			t.Errorf("since +%ds: offset %d, want %d (line of +%ds)", s, got, want, s-5)
		}
	}
	eq(t, g.seek(t, time.Time{}), 0) // no since: everything
}

func TestSeekSinceEqualTimestamps(t *testing.T) {
	var lines []logLine
	for i := range 30000 { // 30000 lines of one second, several bisect spans
		l := perSecond(1)[0]
		l.t = sec(100)
		if i < 5000 {
			l.t = sec(10)
		}
		lines = append(lines, l)
	}
	lines = append(lines, logLine{t: sec(200), timed: true, text: "later"})
	g := build(lines, false)
	eq(t, g.seek(t, sec(100)), g.starts[5000])
	eq(t, g.seek(t, sec(16)), g.starts[5000]) // since − SeekMargin is after the first block
	eq(t, g.seek(t, sec(15)), 0)              // and here it is not
	eq(t, g.seek(t, sec(10)), 0)
	eq(t, g.seek(t, sec(150)), g.starts[30000])
}

func TestSeekSinceOutOfOrderWithinMargin(t *testing.T) {
	// workers' clocks interleave: a line 4 s late sits after newer ones
	var lines []logLine
	for i := range 20000 {
		s := i / 3
		if i%17 == 0 {
			s -= 4
		}
		lines = append(lines, logLine{t: sec(s), timed: true, text: "x " + strings.Repeat("y", i%200)})
	}
	g := build(lines, false)
	for _, since := range []int{1000, 3333, 5000, 6600} {
		off := g.seek(t, sec(since))
		if first := g.firstAtOrAfter(sec(since)); off > first {
			t.Errorf("since +%ds: offset %d after the first line in the window at %d", since, off, first)
		}
		if first := g.firstAtOrAfter(sec(since - 10)); off < first {
			t.Errorf("since +%ds: offset %d reads from before +%ds (%d)", since, off, since-10, first)
		}
	}
}

func TestSeekSinceContinuationLines(t *testing.T) {
	var lines []logLine
	for i := range 8000 {
		lines = append(lines, logLine{t: sec(i), timed: true, text: "[error] FastCGI sent in stderr: \"PHP message: a"})
		for k := range 3 {
			lines = append(lines, logLine{text: fmt.Sprintf("PHP message: frame %d of entry %d", k, i)})
		}
	}
	g := build(lines, false)
	for _, s := range []int{6, 2000, 7999} {
		off := g.seek(t, sec(s))
		eq(t, off, g.firstAtOrAfter(sec(s).Add(-SeekMargin)))
		if _, ok := stampTime(g.data[off:]); !ok {
			t.Errorf("since +%ds: offset %d is not at an entry start: %.40q", s, off, g.data[off:])
		}
	}
}

func TestSeekSinceNoTimestamps(t *testing.T) {
	data := bytes.Repeat([]byte("no time on this line at all, only words\n"), 50000)
	off, err := SeekSince(bytes.NewReader(data), int64(len(data)), sec(0), stampTime)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, off, 0) // nothing to judge by: read it all
}

func TestSeekSinceLinesLongerThanProbe(t *testing.T) {
	var lines []logLine
	for i := range 40 {
		lines = append(lines, logLine{t: sec(10 * i), timed: true, text: strings.Repeat("z", int(3*defaultSpans().probe/2))})
	}
	g := build(lines, false)
	for _, s := range []int{0, 55, 200, 390, 500} {
		eq(t, g.seek(t, sec(s)), g.firstAtOrAfter(sec(s).Add(-SeekMargin)))
	}
}

func TestSeekSinceTinyFiles(t *testing.T) {
	one := build([]logLine{{t: sec(5), timed: true, text: "only"}}, false)
	eq(t, one.seek(t, sec(0)), 0)
	eq(t, one.seek(t, sec(10)), 0) // within the margin
	eq(t, one.seek(t, sec(11)), int64(len(one.data)))
	partial := build([]logLine{{t: sec(5), timed: true, text: "being written"}}, true)
	eq(t, partial.seek(t, sec(60)), int64(len(partial.data)))
	eq(t, partial.seek(t, sec(1)), 0)
	empty := genLog{}
	eq(t, empty.seek(t, sec(1)), 0)
}

// eq fails the test when got != want.
func eq[T comparable](t *testing.T, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("got %v, want %v", got, want)
	}
}

// countingReaderAt counts the bytes read through it.
type countingReaderAt struct {
	r     *bytes.Reader
	bytes int64
}

// ReadAt reads from the wrapped reader and counts what it returned.
func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.bytes += int64(n)
	return n, err
}

// TestSeekSinceReadsLittle: on a 30 MB log the search reads about 64 KiB
// a halving and a short scan at the end, not the file.
func TestSeekSinceReadsLittle(t *testing.T) {
	g := build(perSecond(230000), false)
	for _, s := range []int{100, 115000, 229000} {
		c := &countingReaderAt{r: bytes.NewReader(g.data)}
		off, err := SeekSince(c, int64(len(g.data)), sec(s), stampTime)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, off, g.firstAtOrAfter(sec(s).Add(-SeekMargin)))
		t.Logf("since +%ds in %d MB: read %d KiB", s, len(g.data)>>20, c.bytes>>10)
		if c.bytes > 2<<20 {
			t.Errorf("since +%ds: read %d bytes of %d", s, c.bytes, len(g.data))
		}
	}
}
