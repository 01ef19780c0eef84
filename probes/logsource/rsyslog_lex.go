package logsource

import (
	"strings"
)

// maxStmtLines bounds how many lines one statement may join (an if
// block, a multi-line action()).
const maxStmtLines = 200

// rsStmt is one rsyslog statement: a legacy line, or a RainerScript
// construct joined across lines until its brackets close.
type rsStmt struct {
	file string
	line int // where it starts
	text string
}

// splitStatements cuts config text into statements: comments ("#" at a
// line start or after a blank, /* … */) removed, lines joined while a
// "(", "{" or "[" is open or the text ends in "then", "and", "or", "not".
func splitStatements(data, file string, firstLine int) []rsStmt {
	var (
		out     []rsStmt
		cur     strings.Builder
		start   int
		depth   int
		joined  int
		comment bool
	)
	emit := func() {
		if t := strings.TrimSpace(cur.String()); t != "" {
			out = append(out, rsStmt{file: file, line: start, text: t})
		}
		cur.Reset()
		depth, joined = 0, 0
	}
	for i, line := range strings.Split(data, "\n") {
		clean, delta := scanLine(line, &comment)
		if cur.Len() == 0 {
			if strings.TrimSpace(clean) == "" {
				continue
			}
			start = firstLine + i
		} else {
			cur.WriteByte('\n')
		}
		cur.WriteString(clean)
		depth = max(depth+delta, 0)
		joined++
		if joined < maxStmtLines && (depth > 0 || endsOpen(cur.String())) {
			continue
		}
		emit()
	}
	emit()
	return out
}

// endsOpen reports whether a statement obviously goes on: it ends in a
// keyword that needs more.
func endsOpen(s string) bool {
	f := strings.Fields(s)
	if len(f) == 0 {
		return false
	}
	switch strings.ToLower(f[len(f)-1]) {
	case "then", "and", "or", "not", "else":
		return true
	}
	return false
}

// scanLine removes comments from one line and counts its bracket depth
// change, outside quotes; comment carries an open /* across lines.
// Quotes do not span lines, so a stray one cannot swallow the file.
func scanLine(line string, comment *bool) (string, int) {
	var b strings.Builder
	depth := 0
	var quote byte
	// A legacy $Directive line is one token to rsyslog's lexer: its
	// "/etc/rsyslog.d/*.conf" opens no comment and its brackets count for nothing.
	legacy := !*comment && strings.HasPrefix(strings.TrimLeft(line, " \t"), "$")
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case *comment:
			if c == '*' && i+1 < len(line) && line[i+1] == '/' {
				*comment = false
				i++
			}
			continue
		case quote != 0:
			if c == '\\' && i+1 < len(line) {
				b.WriteByte(c)
				i++
				c = line[i]
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case legacy:
			if c == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t') {
				return b.String(), 0
			}
		case c == '/' && i+1 < len(line) && line[i+1] == '*' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t'):
			*comment = true
			i++
			continue
		case c == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t'):
			return b.String(), depth
		case c == '(' || c == '{' || c == '[':
			depth++
		case c == ')' || c == '}' || c == ']':
			depth--
		}
		b.WriteByte(c)
	}
	return b.String(), depth
}

// matching returns the index of the bracket closing s[open], outside
// quotes, or -1.
func matching(s string, open int) int {
	depth := 0
	var quote byte
	for i := open; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(' || c == '{' || c == '[':
			depth++
		case c == ')' || c == '}' || c == ']':
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return -1
}

// topLevelWord finds the word w (lower case) in s outside quotes and
// brackets, returning its index or -1.
func topLevelWord(s, w string) int {
	depth := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
			continue
		case c == '"' || c == '\'':
			quote = c
			continue
		case c == '(' || c == '{' || c == '[':
			depth++
			continue
		case c == ')' || c == '}' || c == ']':
			depth--
			continue
		}
		if depth == 0 && hasWordAt(s, i, w) {
			return i
		}
	}
	return -1
}

// hasWordAt reports whether s holds the word w (case-insensitive) at i,
// with no word character on either side.
func hasWordAt(s string, i int, w string) bool {
	if i+len(w) > len(s) || !strings.EqualFold(s[i:i+len(w)], w) {
		return false
	}
	wordChar := func(c byte) bool { return isAlnum(c) || c == '_' || c == '$' || c == '-' || c == '.' }
	return (i == 0 || !wordChar(s[i-1])) && (i+len(w) == len(s) || !wordChar(s[i+len(w)]))
}

// params reads key="value" pairs of an object like action(…) or
// input(…); keys are lower-cased, and an array value keeps its raw text.
func params(s string) map[string]string {
	out := map[string]string{}
	open := strings.IndexByte(s, '(')
	end := matching(s, open)
	if open < 0 || end < 0 {
		return out
	}
	body := s[open+1 : end]
	for len(body) > 0 {
		body = strings.TrimLeft(body, " \t\n,")
		eq := strings.IndexByte(body, '=')
		if eq <= 0 {
			break
		}
		key := strings.ToLower(strings.TrimSpace(body[:eq]))
		rest := strings.TrimLeft(body[eq+1:], " \t\n")
		if rest == "" {
			break
		}
		var val string
		switch rest[0] {
		case '"', '\'':
			v, n, ok := unquote(rest)
			if !ok {
				return out
			}
			val, body = v, rest[n:]
		case '[':
			e := matching(rest, 0)
			if e < 0 {
				return out
			}
			val, body = rest[:e+1], rest[e+1:]
		default:
			n := strings.IndexAny(rest, " \t\n")
			if n < 0 {
				n = len(rest)
			}
			val, body = rest[:n], rest[n:]
		}
		out[key] = val
	}
	return out
}

// unquote reads a quoted string at the start of s (backslash escapes),
// returning its value and the bytes consumed.
func unquote(s string) (string, int, bool) {
	if s == "" || (s[0] != '"' && s[0] != '\'') {
		return "", 0, false
	}
	q := s[0]
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case c == q:
			return b.String(), i + 1, true
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, false
}
