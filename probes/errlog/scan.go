package errlog

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// readBuf is the bufio size: big reads keep syscalls rare on multi-GB logs.
const readBuf = 1 << 20

// Scan reads entries from r (bytes, not UTF-8) and calls fn for each entry with Time >= since (zero since = all).
// Continuation lines (multi-line FastCGI stderr) join the previous entry
// while it is still open: nginx writes the context last, so a line after
// the one carrying ", client: " cannot belong to it, nor can anything past
// nginx's 2047-byte entry cap. Other stray lines are dropped. ctx is
// checked every few thousand lines.
func Scan(ctx context.Context, r io.Reader, loc *time.Location, since time.Time, fn func(Entry)) error {
	br := bufio.NewReaderSize(r, readBuf)
	p := parser{loc: loc}
	var (
		cur      []byte // the pending entry
		lastLine int    // offset of its last physical line in cur
		pending  bool   // cur holds an entry to deliver
		long     []byte // a line longer than the reader's buffer
	)
	flush := func() {
		if pending {
			fn(p.parse(string(cur)))
			pending = false
		}
	}
	for n := 0; ; n++ {
		if n&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) || long != nil {
			// no nginx line is this long: keep a bounded prefix, drop the rest
			long = append(long, line[:min(len(line), max(0, 2*maxEntry-len(long)))]...)
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			line, long = long, nil
		}
		line = bytes.TrimSuffix(line, []byte{'\n'})
		if len(line) > 0 {
			if h, ok := readHeader(&p, line); ok {
				flush()
				if !h.time.Before(since) {
					cur, lastLine, pending = append(cur[:0], line...), 0, true
				}
			} else if pending && len(cur)+1+len(line) <= maxEntry && !bytes.Contains(cur[lastLine:], []byte(", client: ")) {
				lastLine = len(cur) + 1
				cur = append(append(cur, '\n'), line...)
			}
		}
		if err != nil {
			flush()
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("read error log: %w", err)
		}
	}
}
