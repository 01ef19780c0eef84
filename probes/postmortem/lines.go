package postmortem

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
)

// Bounds of every parser here.
const (
	maxLine  = 8 << 10  // a longer line is cut: no log line worth reading is longer
	maxInput = 64 << 20 // a parser stops reading after this much input
	maxKept  = 100      // events kept per kind: the most recent ones
)

// eachLine calls fn with every line of r (without "\n" or "\r", NUL bytes
// removed, cut at maxLine), stopping after maxInput bytes or when fn
// returns false. A read error ends the lines; what was read still counts.
func eachLine(r io.Reader, fn func(line string) bool) {
	br := bufio.NewReaderSize(io.LimitReader(r, maxInput), 64<<10)
	var long []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = appendCapped(long, chunk)
			continue
		}
		line := chunk
		if long != nil {
			line, long = appendCapped(long, chunk), nil
		}
		if len(line) > 0 && !fn(cleanLine(line)) {
			return
		}
		if err != nil {
			return
		}
	}
}

// appendCapped appends b to dst without letting dst grow past maxLine.
func appendCapped(dst, b []byte) []byte {
	if dst == nil {
		dst = make([]byte, 0, maxLine)
	}
	return append(dst, b[:min(len(b), max(0, maxLine-len(dst)))]...)
}

// cleanLine is line without its line end and NUL bytes, cut at maxLine.
func cleanLine(line []byte) string {
	line = line[:min(len(line), maxLine)]
	line = bytes.TrimRight(line, "\r\n")
	if bytes.IndexByte(line, 0) >= 0 {
		line = bytes.ReplaceAll(line, []byte{0}, nil)
	}
	return string(line)
}

// journalLine splits "STAMP HOST IDENT[PID]: MSG" (journalctl -o short-iso,
// or a syslog file with an RFC 3339 stamp) into its parts; ok is false
// when the line has no such shape.
func journalLine(line string) (stamp, ident, msg string, ok bool) {
	stamp, rest, ok := strings.Cut(line, " ")
	if !ok {
		return "", "", "", false
	}
	_, rest, ok = strings.Cut(rest, " ") // the host
	if !ok {
		return "", "", "", false
	}
	head, msg, ok := strings.Cut(rest, ": ")
	if !ok {
		head, ok = strings.CutSuffix(rest, ":")
		if !ok {
			return "", "", "", false
		}
	}
	if i := strings.IndexByte(head, '['); i > 0 && strings.HasSuffix(head, "]") {
		head = head[:i]
	}
	if head == "" || strings.ContainsAny(head, " \t") {
		return "", "", "", false
	}
	return stamp, head, msg, true
}

// cutInt parses the leading decimal digits of s (at most 9 of them).
func cutInt(s string) (n int, rest string, ok bool) {
	i := 0
	for i < len(s) && i < 9 && s[i] >= '0' && s[i] <= '9' {
		n = n*10 + int(s[i]-'0')
		i++
	}
	return n, s[i:], i > 0
}
