package accesslog

import "bytes"

// span is a value's [start, end) in a line; int32 because lines are
// bounded by the reader's buffer.
type span struct{ start, end int32 }

// fields holds the spans of the roles a format has. A successful split
// writes every role of the format, so it is reused without clearing.
type fields struct{ at [numRoles]span }

// get returns the value of role r in line, or nil when the format lacks it.
func (f *Format) get(line []byte, v *fields, r role) []byte {
	if f.roles[r] < 0 {
		return nil
	}
	s := v.at[r]
	return line[s.start:s.end]
}

// splitAll locates every value of line; false when line does not match.
func (f *Format) splitAll(line []byte, v *fields) bool {
	pos, ok := f.splitLead(line)
	if !ok {
		return false
	}
	_, ok = f.split(line, v, 0, len(f.toks), pos)
	return ok
}

// splitLead checks the literal before the first variable.
func (f *Format) splitLead(line []byte) (int, bool) {
	if len(line) < len(f.lead) || string(line[:len(f.lead)]) != f.lead {
		return 0, false
	}
	return len(f.lead), true
}

// split locates the values of tokens [from, to) starting at pos and
// returns the position after token to-1 and its literal: a caller can
// stop after the time, decide, and go on from there.
func (f *Format) split(line []byte, v *fields, from, to, pos int) (int, bool) {
	for i := from; i < to; i++ {
		t := &f.toks[i]
		end := t.valueEnd(line, pos, i == len(f.toks)-1)
		if end < 0 {
			return 0, false
		}
		if t.role >= 0 {
			v.at[t.role] = span{int32(pos), int32(end)}
		}
		pos = end + len(t.lit)
	}
	return pos, true
}

// valueEnd returns where the value starting at pos ends (its literal
// follows there), or -1 when the line does not match. The last token's
// literal must end the line.
func (t *token) valueEnd(line []byte, pos int, last bool) int {
	var end int
	switch t.span {
	case spanFixed26, spanFixed25:
		end = pos + 26
		if t.span == spanFixed25 {
			end = pos + 25
		}
		if end > len(line) {
			return -1
		}
	case spanNumber:
		end = pos
		for end < len(line) && (line[end] >= '0' && line[end] <= '9' || line[end] == '.') {
			end++
		}
		if end == pos && end < len(line) && line[end] == '-' {
			end++
		}
	default:
		switch {
		case last && t.lit == "":
			if t.span == spanList && hasLoneSpace(line[pos:]) {
				return -1 // not a list: the line goes on past the format
			}
			return len(line)
		case last:
			end = len(line) - len(t.lit) // the literal is the line's tail
			if end < pos {
				return -1
			}
		case t.lit == "":
			return pos // two variables with nothing between: the first one's value is lost
		default:
			return t.find(line, pos) // verified the literal
		}
	}
	if !t.litAt(line, end) || last && end+len(t.lit) != len(line) {
		return -1
	}
	return end
}

// litAt reports whether the token's literal is at line[at:]: a byte loop,
// cheaper than a call to memequal for the few bytes a literal has.
func (t *token) litAt(line []byte, at int) bool {
	lit := t.lit
	if len(line)-at < len(lit) {
		return false
	}
	rest := line[at : at+len(lit)]
	for k := 0; k < len(lit); k++ {
		if rest[k] != lit[k] {
			return false
		}
	}
	return true
}

// find returns the index of the token's literal at or after pos, or -1,
// skipping occurrences that belong to the value: a `"` escaped as \"
// (escape=json) and the spaces of a list's ", " and " : " separators.
func (t *token) find(line []byte, pos int) int {
	first := t.lit[0]
	for {
		i := bytes.IndexByte(line[pos:], first)
		if i < 0 {
			return -1
		}
		j := pos + i
		pos = j + 1
		if !t.litAt(line, j) {
			continue
		}
		if t.skipEscaped && escapedQuote(line, j) {
			continue
		}
		if t.span == spanList && first == ' ' && listSpace(line, j) {
			continue
		}
		return j
	}
}

// escapedQuote reports whether the byte at j follows an odd run of backslashes.
func escapedQuote(line []byte, j int) bool {
	n := 0
	for k := j - 1; k >= 0 && line[k] == '\\'; k-- {
		n++
	}
	return n%2 == 1
}

// listSpace reports whether the space at j is part of ", " or " : ".
func listSpace(line []byte, j int) bool {
	return j > 0 && line[j-1] == ',' ||
		j+2 < len(line) && line[j+1] == ':' && line[j+2] == ' ' ||
		j > 1 && line[j-1] == ':' && line[j-2] == ' '
}

// hasLoneSpace reports whether b has a space outside ", " and " : ".
func hasLoneSpace(b []byte) bool {
	for j, c := range b {
		if c == ' ' && !listSpace(b, j) {
			return true
		}
	}
	return false
}
