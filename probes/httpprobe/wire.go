package httpprobe

import (
	"io"
	"net"
	"time"
)

// wire reads a connection through a buffer and times the gaps between reads that
// brought data, which is what nginx's proxy_read_timeout bounds.
type wire struct {
	conn      net.Conn
	buf       []byte // unread bytes are buf[pos:]
	pos       int
	chunk     []byte
	last      time.Time // when data last arrived (or the request was sent)
	firstByte time.Time
	maxGap    time.Duration
	received  int
	head      []byte // the first bytes received, for "not HTTP" diagnosis
}

// readChunk is how much one read asks for.
const readChunk = 32 << 10

func newWire(c net.Conn, sent time.Time) *wire {
	return &wire{conn: c, last: sent, chunk: make([]byte, readChunk)}
}

// fill reads once more from the connection and appends what came to the buffer: at
// least one byte, or an error, so every loop over fill makes progress.
func (w *wire) fill() error {
	if w.pos > 0 && w.pos == len(w.buf) {
		w.buf, w.pos = w.buf[:0], 0 // everything consumed: reuse the buffer
	}
	n, err := w.conn.Read(w.chunk)
	for empty := 0; n == 0 && err == nil; empty++ {
		if empty == 100 {
			return io.ErrNoProgress // as bufio says of a reader that never delivers
		}
		n, err = w.conn.Read(w.chunk)
	}
	if n > 0 {
		now := time.Now()
		if w.firstByte.IsZero() {
			w.firstByte = now
		}
		w.maxGap = max(w.maxGap, now.Sub(w.last))
		w.last = now
		w.received += n
		if room := 64 - len(w.head); room > 0 {
			w.head = append(w.head, w.chunk[:min(room, n)]...)
		}
		w.buf = append(w.buf, w.chunk[:n]...)
	}
	if n > 0 && err != nil {
		// The data counts; the error comes back on the next read.
		return nil
	}
	return err
}

// pending returns the unread bytes.
func (w *wire) pending() []byte { return w.buf[w.pos:] }

// consume marks n pending bytes as read.
func (w *wire) consume(n int) { w.pos += n }

// gap is how long the current wait for data has lasted.
func (w *wire) gap() time.Duration { return time.Since(w.last) }
