package httpprobe

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"ngx502/probes/explain"
)

// ErrBadChunk is a chunked body nginx cannot decode ("upstream sent invalid chunked
// response").
var ErrBadChunk = errors.New("invalid chunked body")

// maxChunkLine bounds a chunk-size or trailer line.
const maxChunkLine = 4 << 10

// readBody reads the body h announces, at most limit bytes of it. complete says
// whether the body's end was reached (for a body cut at limit it is false).
func readBody(w *wire, h responseHead, limit int) (n int, complete bool, err error) {
	switch {
	case !hasBody(h.status):
		return 0, true, nil
	case h.chunked:
		return readChunked(w, limit)
	case h.length >= 0:
		n, err := readN(w, int(min(h.length, int64(limit))))
		if err == nil && int64(n) < h.length {
			return n, false, nil // cut at limit
		}
		return n, err == nil, err
	}
	// Neither length nor chunks: the body ends when the backend closes.
	for n < limit {
		if len(w.pending()) == 0 {
			if err := w.fill(); errors.Is(err, io.EOF) {
				return n, true, nil
			} else if err != nil {
				return n, false, err
			}
		}
		k := min(len(w.pending()), limit-n)
		w.consume(k)
		n += k
	}
	return n, false, nil
}

// readN consumes exactly want bytes; EOF before them is io.ErrUnexpectedEOF.
func readN(w *wire, want int) (int, error) {
	n := 0
	for n < want {
		if len(w.pending()) == 0 {
			if err := w.fill(); err != nil {
				if errors.Is(err, io.EOF) {
					err = io.ErrUnexpectedEOF
				}
				return n, err
			}
		}
		k := min(len(w.pending()), want-n)
		w.consume(k)
		n += k
	}
	return n, nil
}

// readChunked decodes chunks (size line, data, CRLF) up to the last chunk and its
// trailer, counting data bytes up to limit.
func readChunked(w *wire, limit int) (n int, complete bool, err error) {
	// Every chunk but the last brings at least one byte towards limit.
	for range limit + 1 {
		line, err := readLine(w)
		if err != nil {
			return n, false, err
		}
		size, err := chunkSize(line)
		if err != nil {
			return n, false, err
		}
		if size == 0 {
			return n, true, readTrailer(w)
		}
		take := int(min(size, int64(limit-n)))
		k, err := readN(w, take)
		n += k
		if err != nil {
			return n, false, err
		}
		if int64(take) < size {
			return n, false, nil // cut at limit
		}
		if line, err := readLine(w); err != nil {
			return n, false, err
		} else if len(line) != 0 {
			return n, false, fmt.Errorf("%w: %q after a chunk", ErrBadChunk, explain.Printable(line))
		}
	}
	return n, false, nil
}

// readTrailer skips trailer fields up to the blank line that ends the message.
func readTrailer(w *wire) error {
	for range 64 {
		line, err := readLine(w)
		if err != nil || len(line) == 0 {
			return err
		}
	}
	return fmt.Errorf("%w: too many trailer lines", ErrBadChunk)
}

// readLine returns the next line without its CRLF (or LF), at most maxChunkLine long.
func readLine(w *wire) ([]byte, error) {
	for range maxChunkLine + 2 {
		b := w.pending()
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			w.consume(i + 1)
			return bytes.TrimSuffix(b[:i], []byte("\r")), nil
		}
		if len(b) > maxChunkLine {
			return nil, fmt.Errorf("%w: a line of more than %d bytes", ErrBadChunk, maxChunkLine)
		}
		if err := w.fill(); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
	return nil, fmt.Errorf("%w: a line of more than %d bytes", ErrBadChunk, maxChunkLine)
}

// chunkSize parses a hexadecimal chunk size, ignoring extensions after ";".
func chunkSize(line []byte) (int64, error) {
	s, _, _ := strings.Cut(string(line), ";")
	s = strings.TrimRight(s, " \t")
	n, err := strconv.ParseInt(s, 16, 64)
	if err != nil || n < 0 || strings.HasPrefix(s, "+") || strings.HasPrefix(s, "-") {
		return 0, fmt.Errorf("%w: chunk size %q", ErrBadChunk, explain.Printable(line))
	}
	return n, nil
}
