package errlog

import (
	"bufio"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"
)

// stampLayout is how nginx writes an entry's time (local time).
const stampLayout = "2006/01/02 15:04:05"

// sampleBlocks returns the lab's entries without their timestamps: each
// the header's rest (" [error] ...") and the continuation lines after it,
// so multi-line FastCGI entries stay whole.
func sampleBlocks(tb testing.TB) []string {
	tb.Helper()
	var blocks []string
	for _, l := range strings.Split(string(errorSections(tb)), "\n") {
		switch {
		case len(l) > 20 && l[4] == '/' && l[19] == ' ':
			blocks = append(blocks, l[19:])
		case l != "" && len(blocks) > 0:
			blocks[len(blocks)-1] += "\n" + l
		}
	}
	if len(blocks) < 50 {
		tb.Fatalf("only %d sample entries", len(blocks))
	}
	return blocks
}

// clockLog is how writeClockLog stamps entries: evenly from start over
// span, like a busy server, with one entry in 40 written by a worker whose
// cached clock is up to 3 s behind (within logfile.SeekMargin).
type clockLog struct {
	blocks []string
	start  time.Time
	span   time.Duration
	loc    *time.Location
	rng    *rand.Rand
	from   time.Time // written.from counts the entries stamped at or after it
}

// written counts what write wrote.
type written struct{ entries, from int }

// write writes about size bytes of entries to w.
func (c clockLog) write(w io.Writer, size int64) (written, error) {
	avg := 0
	for _, b := range c.blocks {
		avg += len(b) + len(stampLayout) + 1
	}
	avg /= len(c.blocks)
	step := c.span / time.Duration(max(size/int64(avg), 1))
	bw := bufio.NewWriterSize(w, 1<<20)
	var line []byte
	var out written
	for bytes := int64(0); bytes < size; out.entries++ {
		t := c.start.Add(time.Duration(out.entries) * step).Truncate(time.Second)
		if c.rng.IntN(40) == 0 {
			t = t.Add(-time.Duration(1+c.rng.IntN(3)) * time.Second)
		}
		if !c.from.IsZero() && !t.Before(c.from) {
			out.from++
		}
		line = t.In(c.loc).AppendFormat(line[:0], stampLayout)
		line = append(append(line, c.blocks[c.rng.IntN(len(c.blocks))]...), '\n')
		if _, err := bw.Write(line); err != nil {
			return out, err
		}
		bytes += int64(len(line))
	}
	return out, bw.Flush()
}

// writeFile writes about size bytes of entries to path with mtime.
func (c clockLog) writeFile(tb testing.TB, path string, size int64, mtime time.Time) written {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	n, err := c.write(f, size)
	if err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		tb.Fatal(err)
	}
	return n
}
