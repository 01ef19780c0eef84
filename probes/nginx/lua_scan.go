package nginx

// luaBody scans a Lua block body, b starting just after the block's '{', as
// Lua does: short strings '…' "…" with backslash escapes, long brackets
// [[…]] [==[…]==], comments -- to the line end and --[[…]] --[==[…]==]. It
// returns the index of the '}' closing the block, or -1 when it never
// closes. It edits b in place, keeping its length and line ends, so that
// crossplane's Lua lexer (braces counted outside quotes, quotes toggled, no
// escapes) ends the block at that same '}':
//   - comments become spaces;
//   - in long brackets, braces and quotes become spaces;
//   - in a short string, an escaped delimiter becomes the other quote
//     ("a \" b" → "a \' b", still valid Lua);
//   - a short string cut by a line end (invalid Lua) loses its quote marks,
//     braces included, so it cannot swallow the rest of the block.
func luaBody(b []byte) int {
	depth := 1
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '{':
			depth++
		case '}':
			if depth--; depth == 0 {
				return i
			}
		case '"', '\'':
			i = luaShortString(b, i)
		case '-':
			if i+1 < len(b) && b[i+1] == '-' {
				i = luaComment(b, i)
			}
		case '[':
			if level, ok := luaLongOpen(b, i); ok {
				from := i + level + 2
				close := luaLongClose(b, from, level)
				if close < 0 {
					blankBracesAndQuotes(b[from:])
					return -1
				}
				blankBracesAndQuotes(b[from:close])
				i = close + level + 1 // the closing bracket's last byte
			}
		}
	}
	return -1
}

// luaShortString handles the string opening at b[i] and returns the index
// of its last byte (the closing quote, or the byte before the cut).
func luaShortString(b []byte, i int) int {
	q, other := b[i], byte('\'')
	if q == '\'' {
		other = '"'
	}
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case q:
			return j
		case '\n':
			cutString(b[i:j])
			return j - 1
		case '\\':
			j++
			switch {
			case j >= len(b):
			case b[j] == q:
				b[j] = other
			case b[j] == '\r' && j+1 < len(b) && b[j+1] == '\n':
				j++ // an escaped CRLF is one line end
			case b[j] == 'z': // \z skips the white space that follows, line ends too
				for j+1 < len(b) && isLuaSpace(b[j+1]) {
					j++
				}
			}
		}
	}
	cutString(b[i:])
	return len(b) - 1
}

// cutString neutralises an unterminated short string s (opening quote first).
func cutString(s []byte) {
	s[0] = ' '
	blankBracesAndQuotes(s[1:])
}

// luaComment blanks the comment starting at b[i] ("--") and returns the
// index of its last byte.
func luaComment(b []byte, i int) int {
	end := len(b)
	if level, ok := luaLongOpen(b, i+2); ok {
		if close := luaLongClose(b, i+2+level+2, level); close >= 0 {
			end = close + level + 2
		}
	} else if nl := indexByteFrom(b, i, '\n'); nl >= 0 {
		end = nl
	}
	blank(b[i:end])
	return end - 1
}

// luaLongOpen reports whether b[i:] opens a long bracket, and its level
// (the number of '=' between the brackets).
func luaLongOpen(b []byte, i int) (int, bool) {
	if i >= len(b) || b[i] != '[' {
		return 0, false
	}
	j := i + 1
	for j < len(b) && b[j] == '=' {
		j++
	}
	return j - i - 1, j < len(b) && b[j] == '['
}

// luaLongClose returns the index of the "]==]" of level that closes a long
// bracket whose text starts at from, or -1 when it never closes.
func luaLongClose(b []byte, from, level int) int {
	for i := from; i < len(b); i++ {
		if b[i] != ']' {
			continue
		}
		j := i + 1
		for j < len(b) && b[j] == '=' {
			j++
		}
		if j-i-1 == level && j < len(b) && b[j] == ']' {
			return i
		}
	}
	return -1
}

// blankBracesAndQuotes turns the bytes crossplane's Lua lexer reacts to
// into spaces.
func blankBracesAndQuotes(b []byte) {
	for i, c := range b {
		switch c {
		case '{', '}', '"', '\'':
			b[i] = ' '
		}
	}
}

func isLuaSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func indexByteFrom(b []byte, from int, c byte) int {
	for i := from; i < len(b); i++ {
		if b[i] == c {
			return i
		}
	}
	return -1
}
