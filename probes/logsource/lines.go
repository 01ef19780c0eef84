package logsource

import (
	"bufio"
	"errors"
	"io"
)

// maxLine bounds one input line: nginx's entries stop at 2047 bytes and a
// journal or syslog prefix adds a few dozen, so longer lines are cut here.
const maxLine = 8 << 10

// lineFunc turns one input line (without its newline) into output, or
// returns nil to drop it. The slice it returns may alias line.
type lineFunc func(line []byte) []byte

// lineReader is an io.Reader that passes each line of r through fn.
type lineReader struct {
	br   *bufio.Reader
	fn   lineFunc
	out  []byte // transformed bytes not yet returned, from pos
	pos  int
	long []byte // the kept prefix of a line longer than the buffer
	big  bool   // long holds such a line
	err  error
}

// newLineReader filters r line by line through fn.
func newLineReader(r io.Reader, fn lineFunc) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 64<<10), fn: fn}
}

// Read returns transformed lines, each ending in "\n".
func (l *lineReader) Read(p []byte) (int, error) {
	for l.pos == len(l.out) && l.err == nil {
		l.out, l.pos = l.out[:0], 0
		l.next()
	}
	if l.pos < len(l.out) {
		n := copy(p, l.out[l.pos:])
		l.pos += n
		return n, nil
	}
	return 0, l.err
}

// next reads one line and appends what fn makes of it to out. A final
// line without "\n" is still a line; a line cut short by a read error
// (not EOF) is dropped, since it is not whole.
func (l *lineReader) next() {
	line, err := l.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		l.long = append(l.long, line[:min(len(line), max(0, maxLine-len(l.long)))]...)
		l.big = true
		return
	}
	if l.big {
		l.long = append(l.long, line[:min(len(line), max(0, maxLine-len(l.long)))]...)
		line, l.long, l.big = l.long, l.long[:0], false
	}
	if len(line) > maxLine {
		line = line[:maxLine]
	}
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	if err == nil || (errors.Is(err, io.EOF) && len(line) > 0) {
		if res := l.fn(line); res != nil {
			l.out = append(append(l.out, res...), '\n')
		}
	}
	if err != nil {
		l.err = err
	}
}
