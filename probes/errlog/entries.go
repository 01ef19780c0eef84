package errlog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// entryFunc receives an entry's bytes and its header, both valid only
// during the call; a non-nil error stops the read and is returned as it is.
type entryFunc func(raw []byte, h *header) error

// entryReader cuts a log into entries as Scan documents, reading into a
// buffer it owns, so an entry of one line (nearly all of them) is handed
// over in place and only entries of several lines are copied, joined, into
// cur. Lines are what bufio.Reader.ReadSlice with a readBuf buffer gives:
// a line of readBuf bytes or more keeps only its first 2*maxEntry.
type entryReader struct {
	p     parser
	since time.Time
	buf   []byte // read buffer, 2*readBuf: a line under readBuf and room to read
	r, w  int    // unread bytes are buf[r:w]
	rerr  error  // the source's error once it gave one (io.EOF at the end)
	cur   []byte // the pending entry when it is not a line of buf
	long  []byte // the kept prefix of an over-long line
	pend  pending
	hs    [2]header // the pending entry's header and the next line's, taking turns
	next  int       // hs[next] is free for the next line
}

// pending is the entry read so far, delivered when the next one starts.
type pending struct {
	ok          bool
	inBuf       bool // the entry is buf[start:end]; else cur
	start, end  int
	h           *header // in entryReader.hs
	lastLine    int     // offset of its last physical line
	closedKnown bool    // closed was computed for that line
	closed      bool    // that line carries ", client: ": nothing can follow it
}

// read reads src to its end (or first error) and calls fn for each entry
// with Time >= since. ctx is checked before every read from src.
func (er *entryReader) read(ctx context.Context, src io.Reader, fn entryFunc) error {
	if er.buf == nil {
		er.buf = make([]byte, 2*readBuf)
	}
	er.r, er.w, er.rerr, er.pend = 0, 0, nil, pending{}
	return er.scan(ctx, src, fn)
}

// readBytes is read of a source whose bytes are all in data (a mapped
// chunk): the same entries, cut in place, with nothing copied or read.
// ctx is checked once.
func (er *entryReader) readBytes(ctx context.Context, data []byte, fn entryFunc) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	own := er.buf
	defer func() { er.buf = own }()
	er.buf, er.r, er.w, er.rerr, er.pend = data, 0, len(data), io.EOF, pending{}
	return er.scan(ctx, nil, fn)
}

// scan cuts entries out of buf[r:w], filling it from src as it goes; with
// rerr set (readBytes) it never reads.
func (er *entryReader) scan(ctx context.Context, src io.Reader, fn entryFunc) error {
	skipping := false // inside an over-long line: drop up to its '\n'
	for {
		i := bytes.IndexByte(er.buf[er.r:er.w], '\n')
		switch {
		case skipping && i >= 0:
			er.r += i + 1
			skipping = false
			if err := er.line(-1, er.long, fn); err != nil {
				return err
			}
			continue
		case skipping:
			er.r = er.w
		case i >= 0 && i < readBuf:
			start := er.r
			er.r += i + 1
			if err := er.line(start, er.buf[start:start+i], fn); err != nil {
				return err
			}
			continue
		case i >= 0 || er.w-er.r >= readBuf: // ReadSlice would give it in pieces
			er.long = append(er.long[:0], er.buf[er.r:er.r+2*maxEntry]...)
			if i < 0 {
				er.r, skipping = er.w, true
				break
			}
			er.r += i + 1
			if err := er.line(-1, er.long, fn); err != nil {
				return err
			}
			continue
		}
		// no whole line is buffered
		if er.rerr != nil {
			return er.finish(skipping, fn)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		er.fill(src)
	}
}

// finish delivers the unterminated last line and the pending entry.
func (er *entryReader) finish(skipping bool, fn entryFunc) error {
	var err error
	switch {
	case skipping:
		err = er.line(-1, er.long, fn)
	case er.r < er.w:
		start := er.r
		er.r = er.w
		err = er.line(start, er.buf[start:er.w], fn)
	}
	if err == nil {
		err = er.flush(fn)
	}
	switch {
	case err != nil:
		return err
	case errors.Is(er.rerr, io.EOF):
		return nil
	}
	return fmt.Errorf("read error log: %w", er.rerr)
}

// fill moves the unread bytes to the front and reads once more from src.
func (er *entryReader) fill(src io.Reader) {
	if er.pend.ok && er.pend.inBuf { // about to be overwritten
		er.cur = append(er.cur[:0], er.buf[er.pend.start:er.pend.end]...)
		er.pend.inBuf = false
	}
	er.w = copy(er.buf, er.buf[er.r:er.w])
	er.r = 0
	for range 100 { // bufio's bound on empty reads
		n, err := src.Read(er.buf[er.w:min(len(er.buf), er.w+readChunk)])
		er.w += n
		if err != nil {
			er.rerr = err
			return
		}
		if n > 0 {
			return
		}
	}
	er.rerr = io.ErrNoProgress
}

// line handles one physical line, without its '\n': at start in buf, or
// in a scratch buffer when start < 0.
func (er *entryReader) line(start int, line []byte, fn entryFunc) error {
	if len(line) == 0 {
		return nil
	}
	pd := &er.pend
	if h := &er.hs[er.next]; readHeaderInto(&er.p, line, h) {
		if err := er.flush(fn); err != nil {
			return err
		}
		if h.time.Before(er.since) {
			return nil
		}
		*pd = pending{ok: true, h: h, inBuf: start >= 0, start: start, end: start + len(line)}
		er.next ^= 1
		if start < 0 {
			er.cur = append(er.cur[:0], line...)
		}
		return nil
	}
	// a continuation, while the entry is open and within nginx's cap
	if !pd.ok || er.pendingLen()+1+len(line) > maxEntry {
		return nil
	}
	if !pd.closedKnown {
		pd.closed = bytes.Contains(er.pendingBytes()[pd.lastLine:], []byte(", client: "))
		pd.closedKnown = true
	}
	if pd.closed {
		return nil
	}
	if pd.inBuf {
		er.cur = append(er.cur[:0], er.buf[pd.start:pd.end]...)
		pd.inBuf = false
	}
	pd.lastLine, pd.closedKnown = len(er.cur)+1, false
	er.cur = append(append(er.cur, '\n'), line...)
	return nil
}

// pendingBytes is the pending entry.
func (er *entryReader) pendingBytes() []byte {
	if er.pend.inBuf {
		return er.buf[er.pend.start:er.pend.end]
	}
	return er.cur
}

// pendingLen is len(er.pendingBytes()).
func (er *entryReader) pendingLen() int {
	if er.pend.inBuf {
		return er.pend.end - er.pend.start
	}
	return len(er.cur)
}

// flush delivers the pending entry, if any.
func (er *entryReader) flush(fn entryFunc) error {
	if !er.pend.ok {
		return nil
	}
	er.pend.ok = false
	return fn(er.pendingBytes(), er.pend.h)
}
