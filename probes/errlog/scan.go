package errlog

import (
	"context"
	"io"
	"time"
)

// readBuf is the read buffer size: big reads keep syscalls rare on
// multi-GB logs, and a line this long is no nginx line.
const readBuf = 1 << 20

// Scan reads entries from r (bytes, not UTF-8) and calls fn for each entry with Time >= since (zero since = all).
// Continuation lines (multi-line FastCGI stderr) join the previous entry
// while it is still open: nginx writes the context last, so a line after
// the one carrying ", client: " cannot belong to it, nor can anything past
// nginx's 2047-byte entry cap. Other stray lines are dropped. ctx is
// checked before every read from r.
func Scan(ctx context.Context, r io.Reader, loc *time.Location, since time.Time, fn func(Entry)) error {
	er := entryReader{p: parser{loc: loc}, since: since}
	return er.read(ctx, r, func(raw []byte, h header) error {
		var e Entry
		parseWith(&e, string(raw), h)
		fn(e)
		return nil
	})
}
