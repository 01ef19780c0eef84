package httpprobe

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"ngx502/probes/explain"
)

// Errors of a response header nginx would not accept (wrapped with details).
var (
	// ErrNotHTTP: the status line is not "HTTP/x.y NNN"; nginx logs "upstream sent no
	// valid HTTP/1.0 header".
	ErrNotHTTP = errors.New("no valid HTTP status line")
	// ErrHeaderTooBig: no end of the header within 1 MiB.
	ErrHeaderTooBig = errors.New("response header of more than 1 MiB")
	// ErrInvalidHeader: a header line or value nginx rejects ("upstream sent invalid
	// header", "…invalid \"Content-Length\"", "…unknown \"Transfer-Encoding\"").
	ErrInvalidHeader = errors.New("invalid response header")
)

// responseHead is a parsed response header.
type responseHead struct {
	proto      string // "HTTP/1.1"
	status     int
	headers    []Header
	size       int   // bytes on the wire, blank line included
	length     int64 // Content-Length, -1 when absent
	chunked    bool
	close      bool          // Connection: close
	keepAlive  time.Duration // Keep-Alive: timeout=N
	hasBodyLen bool          // framed by Content-Length or chunked
}

// headerEnd returns the size of the header block at the start of b (through the
// blank line, CRLF or bare LF, as nginx accepts both), or -1 when it is incomplete.
// The scan resumes at from, so a header read in pieces is scanned once.
func headerEnd(b []byte, from int) int {
	for i := max(from, 0); i < len(b); i++ {
		if b[i] != '\n' {
			continue
		}
		switch {
		case i+1 < len(b) && b[i+1] == '\n':
			return i + 2
		case i+2 < len(b) && b[i+1] == '\r' && b[i+2] == '\n':
			return i + 3
		}
	}
	return -1
}

// readHeader reads from w until the response header is complete (at most
// maxHeaderBytes), failing as soon as the bytes cannot start an HTTP status line.
// It returns what it read even on error, so the size is known.
func readHeader(w *wire) (responseHead, int, error) {
	scanned := 0
	// Each round reads at least one byte, so the cap bounds the rounds.
	for range maxHeaderBytes + 1 {
		b := w.pending()
		if err := checkStatusPrefix(b); err != nil {
			return responseHead{}, len(b), err
		}
		if end := headerEnd(b[:min(len(b), maxHeaderBytes)], scanned-2); end >= 0 {
			h, err := parseHead(b[:end])
			w.consume(end)
			return h, end, err
		}
		if len(b) >= maxHeaderBytes {
			return responseHead{}, len(b), ErrHeaderTooBig
		}
		scanned = len(b)
		if err := w.fill(); err != nil {
			return responseHead{}, len(w.pending()), err
		}
	}
	return responseHead{}, len(w.pending()), ErrHeaderTooBig
}

// checkStatusPrefix fails early on bytes that cannot begin a status line, so a peer
// that sends a banner and waits (SSH, SMTP) is recognised without waiting for it.
func checkStatusPrefix(b []byte) error {
	const prefix = "HTTP/"
	n := min(len(b), len(prefix))
	if string(b[:n]) != prefix[:n] {
		return fmt.Errorf("%w: %q", ErrNotHTTP, explain.Printable(firstLine(b)))
	}
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		if _, _, err := parseStatusLine(b[:i+1]); err != nil {
			return err
		}
	}
	return nil
}

// parseStatusLine follows nginx's ngx_http_parse_status_line: "HTTP/", a major version
// 1–99, ".", a minor 0–99, spaces, three digits, then a space, "." (IIS's 403.1) or
// the end of the line; the reason phrase is optional.
func parseStatusLine(line []byte) (proto string, status int, err error) {
	bad := func() (string, int, error) {
		return "", 0, fmt.Errorf("%w: %q", ErrNotHTTP, explain.Printable(line))
	}
	s := strings.TrimSuffix(strings.TrimSuffix(string(line), "\n"), "\r")
	if strings.ContainsAny(s, "\r\n") || !strings.HasPrefix(s, "HTTP/") {
		return bad()
	}
	rest := s[len("HTTP/"):]
	major, rest, ok := versionNumber(rest, true)
	if !ok || !strings.HasPrefix(rest, ".") {
		return bad()
	}
	minor, rest, ok := versionNumber(rest[1:], false)
	if !ok || !strings.HasPrefix(rest, " ") {
		return bad()
	}
	rest = strings.TrimLeft(rest, " ")
	if len(rest) < 3 || !isDigits(rest[:3]) || (len(rest) > 3 && rest[3] != ' ' && rest[3] != '.') {
		return bad()
	}
	status, _ = strconv.Atoi(rest[:3])
	return fmt.Sprintf("HTTP/%d.%d", major, minor), status, nil
}

// versionNumber reads one or two digits (no leading zero for a major version).
func versionNumber(s string, major bool) (int, string, bool) {
	n := 0
	for n < len(s) && n < 3 && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	if n == 0 || n > 2 || (major && s[0] == '0') {
		return 0, s, false
	}
	v, _ := strconv.Atoi(s[:n])
	return v, s[n:], true
}

func isDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// parseHead parses a complete header block. Like nginx it is lenient with odd header
// names and lines without a colon, and rejects a NUL byte or a CR not followed by LF.
func parseHead(b []byte) (responseHead, error) {
	h := responseHead{size: len(b), length: -1}
	nl := bytes.IndexByte(b, '\n')
	var err error
	if h.proto, h.status, err = parseStatusLine(b[:nl+1]); err != nil {
		return h, err
	}
	for _, raw := range bytes.Split(b[nl+1:], []byte("\n")) {
		line := string(bytes.TrimSuffix(raw, []byte("\r")))
		if line == "" {
			continue // the blank line, and the empty piece after it
		}
		if strings.ContainsAny(line, "\x00\r") {
			return h, fmt.Errorf("%w: %q (nginx logs \"upstream sent invalid header\")", ErrInvalidHeader, explain.Printable([]byte(line)))
		}
		name, value, _ := strings.Cut(line, ":")
		h.headers = append(h.headers, Header{Name: name, Value: strings.Trim(value, " \t")})
	}
	return h, h.frame()
}

// frame reads Content-Length, Transfer-Encoding, Connection and Keep-Alive, with the
// checks nginx 1.21.1+ makes before it accepts a response.
func (h *responseHead) frame() error {
	var te string
	for _, f := range h.headers {
		switch strings.ToLower(f.Name) {
		case "content-length":
			n, err := strconv.ParseInt(f.Value, 10, 64)
			if err != nil || n < 0 || !isDigits(f.Value) {
				return fmt.Errorf("%w: Content-Length %q (nginx logs \"upstream sent invalid \\\"Content-Length\\\" header\")", ErrInvalidHeader, f.Value)
			}
			h.length = n
		case "transfer-encoding":
			te = f.Value
		case "connection":
			h.close = h.close || hasToken(f.Value, "close")
		case "keep-alive":
			h.keepAlive = keepAliveTimeout(f.Value)
		}
	}
	if te != "" {
		if !strings.EqualFold(te, "chunked") {
			return fmt.Errorf("%w: Transfer-Encoding %q (nginx logs \"upstream sent unknown \\\"Transfer-Encoding\\\"\")", ErrInvalidHeader, te)
		}
		if h.length >= 0 {
			return fmt.Errorf("%w: both Content-Length and Transfer-Encoding (nginx logs \"upstream sent \\\"Content-Length\\\" and \\\"Transfer-Encoding\\\" headers at the same time\")", ErrInvalidHeader)
		}
		h.chunked = true
	}
	h.hasBodyLen = h.chunked || h.length >= 0 || !hasBody(h.status)
	return nil
}

// hasBody is false for the statuses that never carry one.
func hasBody(status int) bool {
	return status >= 200 && status != 204 && status != 304
}

// hasToken reports whether a comma-separated header value holds token.
func hasToken(value, token string) bool {
	for _, v := range strings.Split(value, ",") {
		if strings.EqualFold(strings.TrimSpace(v), token) {
			return true
		}
	}
	return false
}

// keepAliveTimeout reads "timeout=N" from a Keep-Alive value; 0 when absent.
func keepAliveTimeout(value string) time.Duration {
	for _, p := range strings.Split(value, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "timeout") {
			continue
		}
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 && n < 1<<20 {
			return time.Duration(n) * time.Second
		}
	}
	return 0
}

// firstLine is b up to its first line feed.
func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i]
	}
	return b
}
