package logsource

import (
	"fmt"
	"path/filepath"
	"strings"
)

// rsyslogConf is rsyslog's main config file.
const rsyslogConf = "/etc/rsyslog.conf"

// maxBlockDepth bounds nested if blocks.
const maxBlockDepth = 8

// rsyslogFiles reads rsyslog's config below root and adds the files its
// rules write m to; false when there is no config to read.
func rsyslogFiles(root string, t Target, m message, c *collector) bool {
	cr := newConfReader(root)
	var stmts []rsStmt
	if !loadRsyslog(cr, rsyslogConf, 0, &stmts) {
		return false
	}
	listen, why := rsyslogInputs(stmts).listens(t)
	e := rsEval{m: m, listen: listen, listenWhy: why, c: c, notes: cr.notes}
	e.run(stmts, yes, 0)
	return true
}

// loadRsyslog appends the statements of path, with its includes
// ($IncludeConfig, include(file=…)) expanded where they stand.
func loadRsyslog(cr *confReader, path string, depth int, out *[]rsStmt) bool {
	data, err := cr.read(path)
	if err != nil {
		cr.note(err)
		return false
	}
	for _, s := range splitStatements(string(data), path, 1) {
		pattern, ok := rsInclude(s.text)
		if !ok {
			*out = append(*out, s)
			continue
		}
		if depth >= maxDepth {
			cr.note(fmt.Errorf("%s:%d: include not followed: more than %d levels", s.file, s.line, maxDepth))
			continue
		}
		for _, p := range cr.expand(pattern, "/") {
			loadRsyslog(cr, p, depth+1, out)
		}
	}
	return true
}

// rsInclude returns the pattern of an include statement.
func rsInclude(text string) (string, bool) {
	f := strings.Fields(text)
	if len(f) >= 2 && strings.EqualFold(f[0], "$IncludeConfig") {
		return f[1], true
	}
	if strings.HasPrefix(strings.ToLower(text), "include(") {
		if p := params(text)["file"]; p != "" {
			return p, true
		}
	}
	return "", false
}

// rsInputs is where rsyslog's config makes it listen.
type rsInputs struct {
	imuxsock, imjournal bool
	sysSockOff          bool
	sysSock             string   // the system socket's name, /dev/log unless renamed
	sockets             []string // extra unix sockets
	udpPorts            []string
}

// rsyslogInputs reads the module, input and legacy directives.
func rsyslogInputs(stmts []rsStmt) rsInputs {
	in := rsInputs{sysSock: "/dev/log"}
	for _, s := range stmts {
		low := strings.ToLower(s.text)
		f := strings.Fields(low)
		switch {
		case strings.HasPrefix(low, "module(") || strings.HasPrefix(low, "input("):
			p := params(s.text)
			kind := p["load"] + p["type"]
			switch kind {
			case "imuxsock":
				in.imuxsock = true
				if strings.EqualFold(p["syssock.use"], "off") {
					in.sysSockOff = true
				}
				if n := p["syssock.name"]; n != "" {
					in.sysSock = n
				}
				if n := p["socket"]; n != "" {
					in.sockets = append(in.sockets, n)
				}
			case "imjournal":
				in.imjournal = true
			case "imudp":
				if port := p["port"]; port != "" {
					in.udpPorts = append(in.udpPorts, strings.Fields(strings.NewReplacer("[", " ", "]", " ", ",", " ", `"`, " ").Replace(port))...)
				}
			}
		case len(f) >= 2 && f[0] == "$modload":
			in.imuxsock = in.imuxsock || f[1] == "imuxsock"
			in.imjournal = in.imjournal || f[1] == "imjournal"
		case len(f) >= 2 && f[0] == "$omitlocallogging":
			in.sysSockOff = f[1] == "on"
		case len(f) >= 2 && f[0] == "$systemlogsocketname":
			in.sysSock = strings.Fields(s.text)[1]
		case len(f) >= 2 && f[0] == "$addunixlistensocket":
			in.sockets = append(in.sockets, strings.Fields(s.text)[1])
		case len(f) >= 2 && (f[0] == "$udpserverrun" || f[0] == "$inputudpserverrun"):
			in.udpPorts = append(in.udpPorts, f[1])
		}
	}
	return in
}

// listens says whether rsyslog receives what nginx sends to t, and if
// not, why not.
func (in rsInputs) listens(t Target) (tri, string) {
	if t.Unix != "" {
		if (t.Unix == in.sysSock && in.imuxsock && !in.sysSockOff) || containsString(in.sockets, t.Unix) {
			return yes, ""
		}
		if t.Unix == "/dev/log" && in.imjournal {
			return yes, "" // journald owns /dev/log and rsyslog reads the journal
		}
		return no, fmt.Sprintf("rsyslog does not listen on unix:%s (imuxsock)", t.Unix)
	}
	if containsString(in.udpPorts, fmt.Sprint(t.Port)) {
		return yes, ""
	}
	return no, fmt.Sprintf("rsyslog has no UDP input on port %d (imudp)", t.Port)
}

// containsString reports whether s is in list.
func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// rsEval walks rsyslog's rules in order for one message.
type rsEval struct {
	m          message
	listen     tri
	listenWhy  string
	c          *collector
	notes      []string
	prev       tri  // the last rule's filter result, for "&" lines
	elseCtx    tri  // where an "else" on the next statement applies: the last if's condition, negated
	stopped    bool // a rule surely discarded the message
	mayStopped bool // a rule may have
}

// run evaluates stmts under ctx, the truth of the enclosing conditions.
func (e *rsEval) run(stmts []rsStmt, ctx tri, depth int) {
	for _, s := range stmts {
		if e.stopped {
			return
		}
		e.stmt(s, ctx, depth)
	}
}

// stmt evaluates one statement.
func (e *rsEval) stmt(s rsStmt, ctx tri, depth int) {
	text := s.text
	low := strings.ToLower(text)
	pendingElse := e.elseCtx
	e.elseCtx = no // only an if statement leaves an else open
	switch {
	case text[0] == '&':
		e.action(s, e.prev, strings.TrimSpace(text[1:]))
	case hasWordAt(low, 0, "if"):
		e.ifStmt(s, ctx, depth)
		return
	case hasWordAt(low, 0, "else"):
		// the else of an if whose block closed on an earlier line
		e.elseStmt(s, strings.TrimSpace(text[4:]), pendingElse, depth)
	case text[0] == ':':
		f, act, ok := parsePropertyFilter(text)
		if !ok {
			e.prev = no
			return
		}
		e.prev = ctx.and(f.eval(e.m))
		e.action(s, e.prev, act)
	case text[0] == '$':
		// a legacy directive: rsyslogInputs read the ones that matter
	case strings.HasPrefix(low, "action(") || low == "stop" || text == "~":
		e.prev = ctx
		e.action(s, ctx, text)
	case isObject(low):
		// module(), input(), template(), ruleset() {…}: not the default ruleset's rules
	default:
		sels, act, err := parseSelectorLine(text)
		if err != nil {
			e.prev = no
			return
		}
		e.prev = ctx.and(matchSelectors(sels, e.m))
		e.action(s, e.prev, act)
	}
}

// isObject reports whether text starts with "name(" (a RainerScript object).
func isObject(low string) bool {
	i := strings.IndexByte(low, '(')
	return i > 0 && strings.Trim(low[:i], "abcdefghijklmnopqrstuvwxyz_") == ""
}

// ifStmt evaluates "if COND then BODY [else BODY]".
func (e *rsEval) ifStmt(s rsStmt, ctx tri, depth int) {
	text := s.text
	i := topLevelWord(text, "then")
	if i < 0 || depth >= maxBlockDepth {
		return
	}
	cond := evalCondition(text[2:i], e.m)
	body := strings.TrimSpace(text[i+4:])
	if body == "" {
		return
	}
	if body[0] != '{' {
		var elseBody string
		if j := topLevelWord(body, "else"); j >= 0 {
			body, elseBody = body[:j], strings.TrimSpace(body[j+4:])
		}
		e.prev = ctx.and(cond)
		e.action(s, e.prev, body)
		if elseBody != "" {
			e.elseStmt(s, elseBody, ctx.and(cond.not()), depth)
			return
		}
		e.elseCtx = ctx.and(cond.not())
		return
	}
	end := matching(body, 0)
	if end < 0 {
		return
	}
	e.run(splitStatements(body[1:end], s.file, s.line), ctx.and(cond), depth+1)
	if rest, ok := cutWord(strings.TrimSpace(body[end+1:]), "else"); ok {
		e.elseStmt(s, strings.TrimSpace(rest), ctx.and(cond.not()), depth)
		return
	}
	e.elseCtx = ctx.and(cond.not())
}

// elseStmt evaluates the body of an else: a block, an if, or one action.
func (e *rsEval) elseStmt(s rsStmt, body string, ctx tri, depth int) {
	switch {
	case ctx == no || body == "" || depth >= maxBlockDepth:
	case body[0] == '{':
		if end := matching(body, 0); end > 0 {
			e.run(splitStatements(body[1:end], s.file, s.line), ctx, depth+1)
		}
	case hasWordAt(body, 0, "if"):
		e.ifStmt(rsStmt{file: s.file, line: s.line, text: body}, ctx, depth+1)
	default:
		e.action(s, ctx, body)
	}
}

// cutWord cuts the leading word w off s.
func cutWord(s, w string) (string, bool) {
	if !hasWordAt(s, 0, w) {
		return "", false
	}
	return s[len(w):], true
}

// action applies the action text of a rule whose filter is f: files are
// candidates, stop and ~ discard.
func (e *rsEval) action(s rsStmt, f tri, act string) {
	if f == no {
		return
	}
	for _, item := range actionItems(act) {
		low := strings.ToLower(item)
		switch {
		case low == "stop" || item == "~":
			if f == yes {
				e.stopped = true
				return
			}
			e.mayStopped = true
		case strings.HasPrefix(low, "action("):
			p := params(item)
			if strings.EqualFold(p["type"], "omfile") && strings.HasPrefix(p["file"], "/") {
				e.file(s, f, p["file"])
			}
		case strings.HasPrefix(item, "/") || strings.HasPrefix(item, "-/"):
			path, _, _ := strings.Cut(strings.TrimPrefix(item, "-"), ";")
			e.file(s, f, path)
		}
	}
}

// file lists path as a candidate, Sure only when nothing is in doubt.
func (e *rsEval) file(s rsStmt, f tri, path string) {
	why := fmt.Sprintf("rsyslog %s:%d: %s", s.file, s.line, oneLine(s.text))
	var doubts []string
	if f != yes {
		doubts = append(doubts, "its filter cannot be evaluated here")
	}
	if e.mayStopped {
		doubts = append(doubts, "an earlier rule may discard the entries")
	}
	if e.listen != yes {
		doubts = append(doubts, e.listenWhy)
	}
	if len(e.notes) > 0 {
		doubts = append(doubts, "not read: "+strings.Join(e.notes, "; "))
	}
	if len(doubts) > 0 {
		why += " (" + strings.Join(doubts, "; ") + ")"
	}
	e.c.add(filepath.Clean(path), why, f == yes && !e.mayStopped && e.listen == yes)
}

// actionItems splits action text into its parts: action(…) objects and
// words (a file, stop, ~).
func actionItems(act string) []string {
	var out []string
	for len(out) < 64 {
		act = strings.TrimLeft(act, " \t\n;")
		if act == "" {
			break
		}
		if strings.HasPrefix(strings.ToLower(act), "action(") {
			end := matching(act, len("action"))
			if end < 0 {
				break
			}
			out = append(out, act[:end+1])
			act = act[end+1:]
			continue
		}
		n := strings.IndexAny(act, " \t\n")
		if n < 0 {
			n = len(act)
		}
		out = append(out, act[:n])
		act = act[n:]
	}
	return out
}
