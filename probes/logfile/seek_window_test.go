package logfile

import (
	"bytes"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// lastTimeOf runs LastTime on data.
func lastTimeOf(t *testing.T, data []byte) (time.Time, bool) {
	t.Helper()
	tm, ok, err := LastTime(bytes.NewReader(data), int64(len(data)), stampTime)
	if err != nil {
		t.Fatal(err)
	}
	return tm, ok
}

func TestLastTime(t *testing.T) {
	entries := build(perSecond(3000), false)
	tm, ok := lastTimeOf(t, entries.data)
	eq(t, ok, true)
	eq(t, tm, sec(2999))

	// the last entry goes on in continuation lines, the last one unterminated
	cont := build(append(perSecond(10), logLine{text: "PHP message: a"}, logLine{text: "PHP message: b"}), true)
	tm, ok = lastTimeOf(t, cont.data)
	eq(t, ok && tm.Equal(sec(9)), true)

	// a last line longer than a window, its time at its start
	long := build(append(perSecond(10), logLine{t: sec(50), timed: true, text: strings.Repeat("x", 200<<10)}), false)
	tm, ok = lastTimeOf(t, long.data)
	eq(t, ok && tm.Equal(sec(50)), true)

	// over 1 MiB of untimed lines at the end: not known
	tail := append(bytes.Clone(entries.data), bytes.Repeat([]byte("no time here\n"), 100000)...)
	_, ok = lastTimeOf(t, tail)
	eq(t, ok, false)

	_, ok = lastTimeOf(t, nil)
	eq(t, ok, false)
	tm, ok = lastTimeOf(t, build(perSecond(1), true).data)
	eq(t, ok && tm.Equal(sec(0)), true)
}

// TestLastTimeSmallWindows walks back through windows shorter than the lines.
func TestLastTimeSmallWindows(t *testing.T) {
	g := build(append(perSecond(30), logLine{text: strings.Repeat("c", 700)}, logLine{text: "cont"}), false)
	for _, sp := range smallSpans {
		tm, ok, err := newSeeker(bytes.NewReader(g.data), int64(len(g.data)), stampTime, sp).lastTime()
		if err != nil {
			t.Fatal(err)
		}
		if sp.last > 1000 && !(ok && tm.Equal(sec(29))) {
			t.Errorf("spans %+v: last time %v %v, want +29s", sp, tm.Sub(t0), ok)
		}
		if ok && !tm.Equal(sec(29)) {
			t.Errorf("spans %+v: last time %v, want +29s or none", sp, tm.Sub(t0))
		}
	}
}

// window opens path and returns what Window gives for since.
func window(t *testing.T, path string, since time.Time, lineTime LineTime) (*io.SectionReader, int64) {
	t.Helper()
	r, err := open(t, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	w, err := r.Window(since, lineTime)
	if err != nil {
		t.Fatal(err)
	}
	if w == nil {
		return nil, r.Size()
	}
	if _, off, n := w.Outer(); off+n != r.Size() {
		t.Errorf("window [%d, %d) does not end at the size at open %d", off, off+n, r.Size())
	}
	return w, r.Size()
}

// offsetOf returns where a section starts in its file.
func offsetOf(w *io.SectionReader) int64 {
	_, off, _ := w.Outer()
	return off
}

func TestWindow(t *testing.T) {
	dir := t.TempDir()
	g := build(perSecond(5000), false)
	plain := filepath.Join(dir, "error.log")
	write(t, plain, string(g.data), time.Now())

	w, _ := window(t, plain, sec(4000), stampTime)
	eq(t, offsetOf(w), g.firstAtOrAfter(sec(4000).Add(-SeekMargin)))
	head := make([]byte, len(stampLayout))
	if _, err := w.ReadAt(head, 0); err != nil || string(head) != sec(3995).Format(stampLayout) {
		t.Errorf("window starts with %q, %v", head, err)
	}

	// every line older: nothing to read, found from the last line alone
	w, size := window(t, plain, sec(6000), stampTime)
	eq(t, offsetOf(w), size)
	eq(t, w.Size(), 0)

	// no since, or no time in the format: all of it
	w, size = window(t, plain, time.Time{}, stampTime)
	eq(t, offsetOf(w) == 0 && w.Size() == size, true)
	w, size = window(t, plain, sec(4000), nil)
	eq(t, offsetOf(w) == 0 && w.Size() == size, true)

	// a .gz cannot seek: nil, read it forward
	gz := filepath.Join(dir, "error.log.2.gz")
	write(t, gz, string(g.data), time.Now())
	w, _ = window(t, gz, sec(4000), stampTime)
	eq(t, w == nil, true)
}
