package logsource

import (
	"strings"
)

// maxNGTokens bounds the tokens of one syslog-ng config file.
const maxNGTokens = 200_000

// ngToken is one token of a syslog-ng config.
type ngToken struct {
	str  bool   // a quoted string (text unescaped)
	text string // a word, a string's value, or one of ( ) { } ; ,
	line int
}

// lexSyslogNG tokenizes syslog-ng config text: words, "…" strings with
// backslash escapes, '…' strings without, punctuation; "#" comments and
// @-lines (handled by the caller) are skipped.
func lexSyslogNG(data string, firstLine int) []ngToken {
	var out []ngToken
	line := firstLine
	for i := 0; i < len(data) && len(out) < maxNGTokens; {
		c := data[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '#':
			for i < len(data) && data[i] != '\n' {
				i++
			}
		case c == '"' || c == '\'':
			var b strings.Builder
			j := i + 1
			for ; j < len(data) && data[j] != c; j++ {
				if data[j] == '\\' && c == '"' && j+1 < len(data) {
					j++
				}
				if data[j] == '\n' {
					line++
				}
				b.WriteByte(data[j])
			}
			out = append(out, ngToken{str: true, text: b.String(), line: line})
			i = j + 1
		case strings.IndexByte("(){};,", c) >= 0:
			out = append(out, ngToken{text: string(c), line: line})
			i++
		default:
			j := i
			for j < len(data) && strings.IndexByte(" \t\r\n(){};,\"'#", data[j]) < 0 {
				j++
			}
			out = append(out, ngToken{text: data[i:j], line: line})
			i = j
		}
	}
	return out
}

// group returns the tokens inside the bracket at toks[i] and the index
// after its closing bracket; the whole rest when it never closes.
func group(toks []ngToken, i int) ([]ngToken, int) {
	depth := 0
	for j := i; j < len(toks); j++ {
		if toks[j].str {
			continue
		}
		switch toks[j].text {
		case "(", "{":
			depth++
		case ")", "}":
			if depth--; depth == 0 {
				return toks[i+1 : j], j + 1
			}
		}
	}
	return toks[min(i+1, len(toks)):], len(toks)
}

// isPunct reports whether t is the unquoted punctuation p.
func (t ngToken) isPunct(p string) bool { return !t.str && t.text == p }

// calls splits a body into its top-level items "name(args)" or
// "name { body }", each as its name and inner tokens.
func calls(body []ngToken) []ngCall {
	var out []ngCall
	for i := 0; i < len(body); {
		t := body[i]
		if t.str || i+1 >= len(body) || !(body[i+1].isPunct("(") || body[i+1].isPunct("{")) {
			i++
			continue
		}
		inner, next := group(body, i+1)
		out = append(out, ngCall{name: strings.ToLower(t.text), brace: body[i+1].isPunct("{"), args: inner, line: t.line})
		i = next
	}
	return out
}

// ngCall is one "name(args)" or "name { … }" item.
type ngCall struct {
	name  string
	brace bool
	args  []ngToken
	line  int
}

// firstString is the first quoted string among toks, or "".
func firstString(toks []ngToken) string {
	for _, t := range toks {
		if t.str {
			return t.text
		}
	}
	return ""
}

// option finds the option name(…) among toks (one level deep) and
// returns its first value.
func option(toks []ngToken, name string) (string, bool) {
	for _, c := range calls(toks) {
		if c.name == name && len(c.args) > 0 {
			return c.args[0].text, true
		}
	}
	return "", false
}
