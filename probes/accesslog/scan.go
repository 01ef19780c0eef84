package accesslog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"ngx502/probes/logfile"
)

// readBuf is the read size: big reads keep syscalls rare on multi-GB
// logs; a line longer than this is counted bad and skipped.
const readBuf = 1 << 20

// scanFile reads r to its end, a line at a time, checking ctx between
// buffers. ngx502's marker is searched once per buffer, not per line. A
// last line without its newline is counted only if it parses (nginx may
// have been writing it at open).
func (t *tally) scanFile(ctx context.Context, r io.Reader) error {
	if t.buf == nil {
		t.buf = make([]byte, readBuf)
	}
	buf := t.buf
	n := 0            // bytes held in buf
	skipping := false // inside a line longer than buf
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		m, err := io.ReadFull(r, buf[n:])
		n += m
		eof := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
		if err != nil && !eof {
			return fmt.Errorf("read access log: %w", err)
		}
		data := buf[:n]
		start := 0
		mark := logfile.NextMark(data)
		for {
			i := bytes.IndexByte(data[start:], '\n')
			if i < 0 {
				break
			}
			end := start + i
			if skipping {
				skipping = false
			} else {
				t.line(data[start:end], mark >= 0 && mark < end)
			}
			if mark >= 0 && mark < end {
				if mark = logfile.NextMark(data[end:]); mark >= 0 {
					mark += end
				}
			}
			start = end + 1
		}
		if eof {
			if rest := data[start:]; len(rest) > 0 && !skipping {
				t.partial(rest)
			}
			return nil
		}
		if start == 0 { // no newline in a full buffer
			if !skipping {
				t.countBad(data)
			}
			skipping, n = true, 0
			continue
		}
		n = copy(buf, data[start:])
	}
}

// partial counts an unterminated last line when it is a whole line.
func (t *tally) partial(line []byte) {
	var v fields
	if t.f.splitAll(line, &v) {
		t.line(line, logfile.Marked(line))
	}
}
