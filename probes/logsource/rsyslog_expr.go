package logsource

import (
	"strings"
)

// maxExprTokens bounds a RainerScript condition; past it the answer is maybe.
const maxExprTokens = 512

// exprToken is one token of a RainerScript condition.
type exprToken struct {
	kind byte // 'v' $variable, 's' string, 'n' number, 'w' word, 'p' punctuation or operator
	text string
}

// lexExpr tokenizes a RainerScript condition; false past the bound or on
// an unterminated string.
func lexExpr(s string) ([]exprToken, bool) {
	var out []exprToken
	for i := 0; i < len(s); {
		if len(out) > maxExprTokens {
			return nil, false
		}
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '"' || c == '\'':
			v, n, ok := unquote(s[i:])
			if !ok {
				return nil, false
			}
			out = append(out, exprToken{'s', v})
			i += n
		case c == '$':
			j := i + 1
			for j < len(s) && (isAlnum(s[j]) || strings.IndexByte("_-!.", s[j]) >= 0) {
				j++
			}
			out = append(out, exprToken{'v', strings.ToLower(s[i+1 : j])})
			i = j
		case isDigit(c):
			j := i
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			out = append(out, exprToken{'n', s[i:j]})
			i = j
		case isAlnum(c) || c == '_':
			j := i
			for j < len(s) && (isAlnum(s[j]) || s[j] == '_') {
				j++
			}
			out = append(out, exprToken{'w', strings.ToLower(s[i:j])})
			i = j
		default:
			n := 1
			if i+1 < len(s) {
				switch s[i : i+2] {
				case "==", "!=", "<>", "<=", ">=", "=~":
					n = 2
				}
			}
			out = append(out, exprToken{'p', s[i : i+n]})
			i += n
		}
	}
	return out, true
}

// evalCondition evaluates a RainerScript condition against m: comparisons
// of the properties propValue knows, joined by and, or, not and
// parentheses. Whatever it cannot read is maybe.
func evalCondition(cond string, m message) tri {
	toks, ok := lexExpr(cond)
	if !ok {
		return maybe
	}
	p := exprParser{toks: toks, m: m}
	r := p.or(0)
	if p.pos != len(p.toks) {
		return maybe
	}
	return r
}

// exprParser is a recursive-descent reader of a condition.
type exprParser struct {
	toks []exprToken
	pos  int
	m    message
}

// maxExprDepth bounds nesting of parentheses and "not".
const maxExprDepth = 32

// peekWord reports whether the next token is the word w.
func (p *exprParser) peekWord(w string) bool {
	return p.pos < len(p.toks) && p.toks[p.pos].kind == 'w' && p.toks[p.pos].text == w
}

// peekPunct reports whether the next token is the punctuation s.
func (p *exprParser) peekPunct(s string) bool {
	return p.pos < len(p.toks) && p.toks[p.pos].kind == 'p' && p.toks[p.pos].text == s
}

// or reads and-expressions joined by "or".
func (p *exprParser) or(depth int) tri {
	r := p.and(depth)
	for p.peekWord("or") {
		p.pos++
		r = r.or(p.and(depth))
	}
	return r
}

// and reads not-expressions joined by "and".
func (p *exprParser) and(depth int) tri {
	r := p.not(depth)
	for p.peekWord("and") {
		p.pos++
		r = r.and(p.not(depth))
	}
	return r
}

// not reads "not X" or a comparison.
func (p *exprParser) not(depth int) tri {
	if depth > maxExprDepth {
		p.pos = len(p.toks) + 1 // abandon: the result is maybe
		return maybe
	}
	if p.peekWord("not") {
		p.pos++
		return p.not(depth + 1).not()
	}
	if p.peekPunct("(") {
		p.pos++
		r := p.or(depth + 1)
		if !p.peekPunct(")") {
			p.pos = len(p.toks) + 1
			return maybe
		}
		p.pos++
		return r
	}
	left, lok := p.operand()
	if p.pos >= len(p.toks) || p.peekWord("and") || p.peekWord("or") || p.peekPunct(")") {
		return maybe // a bare value: its truth is not ours to know
	}
	op := p.toks[p.pos].text
	p.pos++
	right, rok := p.operand()
	if !lok || !rok {
		return maybe
	}
	return compareOp(op, left, right)
}

// operand reads a $property, literal, array or function call; false when
// its value is unknown here.
func (p *exprParser) operand() ([]string, bool) {
	if p.pos >= len(p.toks) {
		return nil, false
	}
	t := p.toks[p.pos]
	p.pos++
	switch t.kind {
	case 'v':
		v, ok := propValue(t.text, p.m)
		return []string{v}, ok
	case 's', 'n':
		return []string{t.text}, true
	case 'w':
		if p.peekPunct("(") { // a function call: skip its arguments
			p.skipGroup()
		}
		return nil, false
	case 'p':
		if t.text == "[" {
			var vals []string
			for p.pos < len(p.toks) && !p.peekPunct("]") {
				if k := p.toks[p.pos].kind; k == 's' || k == 'n' {
					vals = append(vals, p.toks[p.pos].text)
				}
				p.pos++
			}
			p.pos++
			return vals, true
		}
	}
	return nil, false
}

// skipGroup skips a parenthesised group starting at the current "(".
func (p *exprParser) skipGroup() {
	depth := 0
	for ; p.pos < len(p.toks); p.pos++ {
		switch {
		case p.peekPunct("("):
			depth++
		case p.peekPunct(")"):
			if depth--; depth == 0 {
				p.pos++
				return
			}
		}
	}
}
