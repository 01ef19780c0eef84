package logsource

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// rsFacilities are rsyslog's facility names and numbers.
var rsFacilities = map[string]int{
	"kern": 0, "user": 1, "mail": 2, "daemon": 3, "auth": 4, "security": 4, "syslog": 5, "lpr": 6,
	"news": 7, "uucp": 8, "cron": 9, "authpriv": 10, "ftp": 11, "ntp": 12, "audit": 13, "alert": 14,
	"clock": 15, "local0": 16, "local1": 17, "local2": 18, "local3": 19, "local4": 20, "local5": 21,
	"local6": 22, "local7": 23,
}

// rsSeverities are rsyslog's severity names and numbers.
var rsSeverities = map[string]int{
	"emerg": 0, "panic": 0, "alert": 1, "crit": 2, "err": 3, "error": 3,
	"warning": 4, "warn": 4, "notice": 5, "info": 6, "debug": 7,
}

// severityWords are the names rsyslog prints for $syslogseverity-text.
var severityWords = []string{"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"}

// facilityWord is the name rsyslog prints for $syslogfacility-text.
func facilityWord(n int) string {
	best := ""
	for name, v := range rsFacilities {
		if v == n && (best == "" || name < best) && name != "security" {
			best = name
		}
	}
	return best
}

// selector is one "facility.priority" of a legacy rule.
type selector struct {
	all  bool  // facility "*"
	facs []int // the facilities named
	none bool  // priority "none": the facilities are excluded
	neg  bool  // "!": exclude the priorities
	eq   bool  // "=": this priority only, not those above it
	pri  int   // -1 for "*"
}

// errNotSelector marks a line that is not a legacy selector rule.
var errNotSelector = errors.New("not a selector line")

// parseSelectorLine splits a legacy rule "sel[;sel…]  action" into its
// selectors and the action text.
func parseSelectorLine(text string) ([]selector, string, error) {
	i := strings.IndexAny(text, " \t")
	if i <= 0 {
		return nil, "", errNotSelector
	}
	act := strings.TrimSpace(text[i:])
	if act == "" {
		return nil, "", errNotSelector
	}
	var sels []selector
	for _, part := range strings.Split(text[:i], ";") {
		s, err := parseSelector(part)
		if err != nil {
			return nil, "", err
		}
		sels = append(sels, s)
	}
	return sels, act, nil
}

// parseSelector parses one "fac[,fac…].[!][=]pri".
func parseSelector(part string) (selector, error) {
	facText, pri, ok := strings.Cut(strings.ToLower(part), ".")
	if !ok || facText == "" || pri == "" {
		return selector{}, fmt.Errorf("%q: %w", part, errNotSelector)
	}
	var s selector
	for _, f := range strings.Split(facText, ",") {
		if f == "*" {
			s.all = true
			continue
		}
		n, ok := rsFacilities[f]
		if !ok {
			return selector{}, fmt.Errorf("%q: unknown facility %q: %w", part, f, errNotSelector)
		}
		s.facs = append(s.facs, n)
	}
	if pri == "none" {
		s.none = true
		return s, nil
	}
	pri, s.neg = strings.CutPrefix(pri, "!")
	pri, s.eq = strings.CutPrefix(pri, "=")
	if pri == "*" {
		s.pri = -1
		return s, nil
	}
	n, ok := rsSeverities[pri]
	if !ok {
		return selector{}, fmt.Errorf("%q: unknown priority %q: %w", part, pri, errNotSelector)
	}
	s.pri = n
	return s, nil
}

// matchSelectors applies selectors left to right, as sysklogd and
// rsyslog do: a selector naming m's facility includes or (none, "!")
// excludes its priorities, later ones overriding earlier ones.
func matchSelectors(sels []selector, m message) tri {
	in := false
	for _, s := range sels {
		if !s.all && !containsInt(s.facs, m.facility) {
			continue
		}
		covers := s.pri == -1 || (s.eq && m.severity == s.pri) || (!s.eq && m.severity <= s.pri)
		switch {
		case s.none:
			in = false
		case s.neg && covers:
			in = false
		case !s.neg && covers:
			in = true
		}
	}
	return triOf(in)
}

// containsInt reports whether n is in list.
func containsInt(list []int, n int) bool {
	for _, v := range list {
		if v == n {
			return true
		}
	}
	return false
}

// propValue is what rsyslog's property name holds for m; false for
// properties ngx502 cannot know (the message text, the sender's host).
func propValue(name string, m message) (string, bool) {
	switch strings.ToLower(strings.TrimPrefix(name, "$")) {
	case "programname", "app-name":
		return m.tag, true
	case "syslogtag":
		return m.tag + ":", true
	case "syslogfacility-text":
		return facilityWord(m.facility), true
	case "syslogfacility":
		return strconv.Itoa(m.facility), true
	case "syslogseverity-text", "syslogpriority-text":
		return severityWords[m.severity], true
	case "syslogseverity", "syslogpriority":
		return strconv.Itoa(m.severity), true
	}
	return "", false
}

// propFilter is a legacy property filter ":prop, [!]op, "value"".
type propFilter struct {
	prop, op, value string
	neg             bool
}

// parsePropertyFilter splits ":prop, op, "value" action".
func parsePropertyFilter(text string) (propFilter, string, bool) {
	rest, ok := strings.CutPrefix(text, ":")
	if !ok {
		return propFilter{}, "", false
	}
	prop, rest, ok1 := strings.Cut(rest, ",")
	op, rest, ok2 := strings.Cut(rest, ",")
	if !ok1 || !ok2 {
		return propFilter{}, "", false
	}
	val, n, ok := unquote(strings.TrimLeft(rest, " \t"))
	if !ok {
		return propFilter{}, "", false
	}
	rest = strings.TrimLeft(rest, " \t")[n:]
	f := propFilter{prop: strings.TrimSpace(prop), op: strings.ToLower(strings.TrimSpace(op)), value: val}
	f.op, f.neg = strings.CutPrefix(f.op, "!")
	return f, strings.TrimSpace(rest), true
}

// eval matches f against m.
func (f propFilter) eval(m message) tri {
	v, known := propValue(f.prop, m)
	if !known {
		return maybe
	}
	r := compareOp(f.op, []string{v}, []string{f.value})
	if f.neg {
		return r.not()
	}
	return r
}

// compareOp applies a comparison of rsyslog (legacy or RainerScript) to
// known values: any left value against any right one.
func compareOp(op string, left, right []string) tri {
	var test func(a, b string) tri
	switch op {
	case "==", "isequal":
		test = func(a, b string) tri { return triOf(a == b) }
	case "!=", "<>":
		return compareOp("==", left, right).not()
	case "contains":
		test = func(a, b string) tri { return triOf(strings.Contains(a, b)) }
	case "contains_i":
		test = func(a, b string) tri { return triOf(strings.Contains(strings.ToLower(a), strings.ToLower(b))) }
	case "startswith":
		test = func(a, b string) tri { return triOf(strings.HasPrefix(a, b)) }
	case "startswith_i":
		test = func(a, b string) tri { return triOf(strings.HasPrefix(strings.ToLower(a), strings.ToLower(b))) }
	case "endswith":
		test = func(a, b string) tri { return triOf(strings.HasSuffix(a, b)) }
	case "isempty":
		return triOf(len(left) > 0 && left[0] == "")
	case "regex", "ereregex":
		test = func(a, b string) tri { return regexMatch(op, a, b) }
	case "<", "<=", ">", ">=":
		test = func(a, b string) tri { return numCompare(op, a, b) }
	default:
		return maybe
	}
	r := no
	for _, a := range left {
		for _, b := range right {
			r = r.or(test(a, b))
		}
	}
	return r
}

// regexMatch matches a POSIX regex the way Go would, when the pattern
// means the same in both (no BRE-only escapes); otherwise maybe.
func regexMatch(op, s, pattern string) tri {
	if op == "regex" && strings.ContainsAny(pattern, `\+?|(){}`) {
		return maybe // BRE: these are literal or mean other things
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return maybe
	}
	return triOf(re.MatchString(s))
}

// numCompare compares two integers; maybe when either is not one.
func numCompare(op, a, b string) tri {
	x, err1 := strconv.Atoi(a)
	y, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil {
		return maybe
	}
	switch op {
	case "<":
		return triOf(x < y)
	case "<=":
		return triOf(x <= y)
	case ">":
		return triOf(x > y)
	}
	return triOf(x >= y)
}
