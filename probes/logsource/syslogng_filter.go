package logsource

import (
	"path"
	"regexp"
	"strconv"
	"strings"
)

// ngFilterEval evaluates syslog-ng filter expressions for one message.
type ngFilterEval struct {
	m       message
	filters map[string]ngObj
	memo    map[string]tri // each named filter is evaluated once: references may repeat or loop
}

// eval evaluates a filter body ("expr;"), depth bounding filter() references.
func (f ngFilterEval) eval(body []ngToken, depth int) tri {
	if depth > maxExprDepth {
		return maybe
	}
	if n := len(body); n > 0 && body[n-1].isPunct(";") {
		body = body[:n-1]
	}
	p := ngParser{toks: body, f: f, depth: depth}
	r := p.or()
	if p.pos != len(p.toks) {
		return maybe
	}
	return r
}

// ngParser is a recursive-descent reader of one filter expression.
type ngParser struct {
	toks  []ngToken
	pos   int
	f     ngFilterEval
	depth int
}

// peekWord reports whether the next token is the unquoted word w.
func (p *ngParser) peekWord(w string) bool {
	return p.pos < len(p.toks) && !p.toks[p.pos].str && strings.EqualFold(p.toks[p.pos].text, w)
}

// or reads and-expressions joined by "or".
func (p *ngParser) or() tri {
	r := p.and()
	for p.peekWord("or") {
		p.pos++
		r = r.or(p.and())
	}
	return r
}

// and reads not-expressions joined by "and".
func (p *ngParser) and() tri {
	r := p.not(0)
	for p.peekWord("and") {
		p.pos++
		r = r.and(p.not(0))
	}
	return r
}

// not reads "not X", "( X )" or a filter function.
func (p *ngParser) not(n int) tri {
	if n > maxExprDepth || p.pos >= len(p.toks) {
		p.pos = len(p.toks) + 1
		return maybe
	}
	if p.peekWord("not") {
		p.pos++
		return p.not(n + 1).not()
	}
	if p.toks[p.pos].isPunct("(") {
		inner, next := group(p.toks, p.pos)
		p.pos = next
		sub := ngParser{toks: inner, f: p.f, depth: p.depth + 1}
		r := sub.or()
		if sub.pos != len(sub.toks) {
			return maybe
		}
		return r
	}
	name := strings.ToLower(p.toks[p.pos].text)
	if p.pos+1 >= len(p.toks) || !p.toks[p.pos+1].isPunct("(") {
		p.pos = len(p.toks) + 1
		return maybe
	}
	args, next := group(p.toks, p.pos+1)
	p.pos = next
	return p.f.call(name, args, p.depth)
}

// call evaluates one filter function.
func (f ngFilterEval) call(name string, args []ngToken, depth int) tri {
	switch name {
	case "facility":
		return f.inList(args, rsFacilities, f.m.facility)
	case "level", "priority", "severity":
		return f.inList(args, rsSeverities, f.m.severity)
	case "program":
		return matchPattern(f.m.tag, args)
	case "match":
		if v, ok := option(args, "value"); ok && strings.EqualFold(strings.Trim(v, `"$`), "PROGRAM") {
			return matchPattern(f.m.tag, args)
		}
		return maybe
	case "filter":
		if len(args) == 0 {
			return maybe
		}
		name := args[0].text
		if r, ok := f.memo[name]; ok {
			return r
		}
		obj, ok := f.filters[name]
		if !ok {
			return maybe
		}
		f.memo[name] = maybe // a filter that refers to itself cannot be told
		r := f.eval(obj.body, depth+1)
		f.memo[name] = r
		return r
	}
	return maybe // host(), message(), netmask(), tags(): not known from the config alone
}

// inList matches n against names or numbers, and "from..to" ranges.
func (f ngFilterEval) inList(args []ngToken, names map[string]int, n int) tri {
	num := func(s string) (int, bool) {
		if v, ok := names[strings.ToLower(s)]; ok {
			return v, true
		}
		v, err := strconv.Atoi(s)
		return v, err == nil
	}
	var words []string
	for _, a := range args {
		if !a.isPunct(",") {
			words = append(words, a.text)
		}
	}
	for i := 0; i < len(words); i++ {
		w := words[i]
		from, to, isRange := strings.Cut(w, "..")
		if !isRange && i+2 < len(words) && words[i+1] == ".." {
			from, to, isRange = w, words[i+2], true // "err .. emerg"
			i += 2
		}
		if isRange {
			x, ok1 := num(from)
			y, ok2 := num(to)
			if !ok1 || !ok2 {
				return maybe
			}
			if min(x, y) <= n && n <= max(x, y) {
				return yes
			}
			continue
		}
		v, ok := num(w)
		if !ok {
			return maybe
		}
		if v == n {
			return yes
		}
	}
	return no
}

// matchPattern matches s against the pattern of program() or match():
// pcre (syslog-ng's default, unanchored), string (exact, or with flags
// prefix/substring) or glob, ignore-case honoured.
func matchPattern(s string, args []ngToken) tri {
	if len(args) == 0 {
		return maybe
	}
	pat := args[0].text
	typ, _ := option(args, "type")
	var flags string
	for _, c := range calls(args) {
		if c.name == "flags" {
			for _, a := range c.args {
				flags += " " + strings.ToLower(a.text)
			}
		}
	}
	if strings.Contains(flags, "ignore-case") {
		s, pat = strings.ToLower(s), strings.ToLower(pat)
	}
	switch strings.ToLower(typ) {
	case "string":
		switch {
		case strings.Contains(flags, "prefix"):
			return triOf(strings.HasPrefix(s, pat))
		case strings.Contains(flags, "substring"):
			return triOf(strings.Contains(s, pat))
		}
		return triOf(s == pat)
	case "glob":
		ok, err := path.Match(pat, s)
		if err != nil {
			return maybe
		}
		return triOf(ok)
	case "", "pcre", "posix":
		re, err := regexp.Compile(pat)
		if err != nil {
			return maybe
		}
		return triOf(re.MatchString(s))
	}
	return maybe
}
