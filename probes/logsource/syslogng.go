package logsource

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// syslogngConf is syslog-ng's main config file; its relative @include
// paths are looked up next to it, then in its include-path.
const (
	syslogngConf    = "/etc/syslog-ng/syslog-ng.conf"
	syslogngInclude = "/usr/share/syslog-ng/include"
)

// ngObj is a named object's body (source, destination, filter) or a log path's.
type ngObj struct {
	file string
	line int
	body []ngToken
}

// ngModel is what syslog-ng's config defines.
type ngModel struct {
	sources, dests, filters map[string]ngObj
	logs                    []ngObj
}

// syslogngFiles reads syslog-ng's config below root and adds the files
// its log paths write m to; false when there is no config to read.
func syslogngFiles(root string, t Target, m message, c *collector) bool {
	cr := newConfReader(root)
	mdl := &ngModel{sources: map[string]ngObj{}, dests: map[string]ngObj{}, filters: map[string]ngObj{}}
	if !mdl.load(cr, syslogngConf, 0) {
		return false
	}
	mdl.eval(t, m, c, cr.notes)
	return true
}

// load reads path into the model, expanding @include lines where they stand.
func (mdl *ngModel) load(cr *confReader, path string, depth int) bool {
	data, err := cr.read(path)
	if err != nil {
		cr.note(err)
		return false
	}
	lines := strings.Split(string(data), "\n")
	var seg strings.Builder
	segStart := 1
	flush := func(next int) {
		mdl.parse(path, lexSyslogNG(seg.String(), segStart))
		seg.Reset()
		segStart = next
	}
	for i, line := range lines {
		trimmed := strings.TrimSpace(line)
		if !strings.HasPrefix(trimmed, "@") {
			seg.WriteString(line)
			seg.WriteByte('\n')
			continue
		}
		flush(i + 2)
		rest, ok := strings.CutPrefix(trimmed, "@include")
		if !ok {
			continue // @version, @define, @module, @requires
		}
		pattern := strings.Trim(strings.TrimSpace(rest), `"'`)
		if depth >= maxDepth {
			cr.note(fmt.Errorf("%s:%d: @include not followed: more than %d levels", path, i+1, maxDepth))
			continue
		}
		files := cr.expand(pattern, filepath.Dir(syslogngConf))
		if len(files) == 0 && !filepath.IsAbs(pattern) {
			files = cr.expand(pattern, syslogngInclude)
		}
		for _, f := range files {
			mdl.load(cr, f, depth+1)
		}
	}
	flush(len(lines) + 1)
	return true
}

// parse adds the top-level objects of toks: "kind [name] { body };".
func (mdl *ngModel) parse(file string, toks []ngToken) {
	for i := 0; i < len(toks); {
		if toks[i].str || strings.Contains("(){};,", toks[i].text) {
			i++ // the ";" after an object, or a stray token
			continue
		}
		kind := strings.ToLower(toks[i].text)
		j := i + 1
		name := ""
		if j < len(toks) && !toks[j].isPunct("{") {
			name = toks[j].text
			j++
		}
		if j >= len(toks) || !toks[j].isPunct("{") {
			i++
			continue
		}
		body, next := group(toks, j)
		obj := ngObj{file: file, line: toks[i].line, body: body}
		switch kind {
		case "source":
			mdl.sources[name] = obj
		case "destination":
			mdl.dests[name] = obj
		case "filter":
			mdl.filters[name] = obj
		case "log":
			mdl.logs = append(mdl.logs, obj)
		}
		i = next
	}
}

// eval walks the log paths in order for one message.
func (mdl *ngModel) eval(t Target, m message, c *collector, notes []string) {
	fe := ngFilterEval{m: m, filters: mdl.filters, memo: map[string]tri{}}
	mayFinal, matched := false, false
	for _, lg := range mdl.logs {
		items := calls(lg.body)
		flags := map[string]bool{}
		for _, it := range items {
			if it.name == "flags" {
				for _, a := range it.args {
					flags[strings.ToLower(a.text)] = true
				}
			}
		}
		if flags["fallback"] && matched {
			continue
		}
		r, files, desc := mdl.path(items, flags["catchall"], t, fe)
		if r == no {
			continue
		}
		why := fmt.Sprintf("syslog-ng %s:%d: log {%s }", lg.file, lg.line, desc)
		var doubts []string
		if r != yes {
			doubts = append(doubts, "its sources or filters cannot be evaluated here")
		}
		if mayFinal {
			doubts = append(doubts, "an earlier final log path may take the entries")
		}
		if len(notes) > 0 {
			doubts = append(doubts, "not read: "+strings.Join(notes, "; "))
		}
		if len(doubts) > 0 {
			why += " (" + strings.Join(doubts, "; ") + ")"
		}
		for _, f := range files {
			c.add(filepath.Clean(f), why, r == yes && !mayFinal)
		}
		matched = matched || r == yes
		if flags["final"] {
			if r == yes {
				return
			}
			mayFinal = true
		}
	}
}

// path evaluates one log path's items: whether its sources receive t and
// its filters pass m, the files its destinations write, and a short
// description for the Why.
func (mdl *ngModel) path(items []ngCall, catchall bool, t Target, fe ngFilterEval) (tri, []string, string) {
	src, flt := triOf(catchall), yes
	var files []string
	var desc strings.Builder
	for _, it := range items {
		body, label := it.args, "{…}"
		if !it.brace && len(it.args) > 0 {
			label = it.args[0].text
		}
		switch it.name {
		case "source":
			if !it.brace {
				body = mdl.sources[label].body
			}
			src = src.or(listensNG(body, t))
		case "filter":
			if it.brace {
				flt = flt.and(fe.eval(body, 0))
			} else {
				flt = flt.and(fe.call("filter", it.args, 0))
			}
		case "destination":
			if !it.brace {
				body = mdl.dests[label].body
			}
			files = append(files, destFiles(body)...)
		case "log", "junction", "channel":
			flt = flt.and(maybe) // a nested path: its own filters decide
		default:
			continue
		}
		fmt.Fprintf(&desc, " %s(%s);", it.name, label)
	}
	return src.and(flt), files, desc.String()
}

// destFiles lists the fixed paths of a destination's file() drivers; a
// path built from macros ($PROGRAM) names no one file and is left out.
func destFiles(body []ngToken) []string {
	var out []string
	for _, c := range calls(body) {
		if c.name == "file" {
			if p := firstString(c.args); strings.HasPrefix(p, "/") && !strings.Contains(p, "$") {
				out = append(out, p)
			}
		}
	}
	return out
}

// listensNG says whether a source body receives what nginx sends to t.
func listensNG(body []ngToken, t Target) tri {
	r := no
	for _, c := range calls(body) {
		switch c.name {
		case "system", "systemd-journal", "systemd_journal":
			r = r.or(triOf(t.Unix == "/dev/log"))
		case "unix-dgram", "unix-stream", "unix_dgram", "unix_stream":
			r = r.or(triOf(t.Unix != "" && firstString(c.args) == t.Unix))
		case "udp", "udp6":
			r = r.or(triOf(t.Unix == "" && portOf(c.args, 514) == t.Port))
		case "network", "syslog":
			tr, _ := option(c.args, "transport")
			r = r.or(triOf(t.Unix == "" && strings.EqualFold(strings.Trim(tr, `"`), "udp") && portOf(c.args, 514) == t.Port))
		}
	}
	return r
}

// portOf is the port(…) option of a driver, or def.
func portOf(args []ngToken, def int) int {
	if v, ok := option(args, "port"); ok {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}
