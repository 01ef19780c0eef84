package service

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// maxNumProcs bounds how many instances of one program are tried when matching.
const maxNumProcs = 100

// supervisorProgram is one [program:NAME] (or [fcgi-program:NAME]) section.
type supervisorProgram struct {
	Name        string // the section's NAME
	Command     string // command=, continuation lines joined
	ProcessName string // process_name=, "" for the default %(program_name)s
	Socket      string // fcgi-program socket=, "tcp://host:port" or "unix:///path"
	NumProcs    int    // numprocs=, 1 when unset or unreadable
	File        string // the config file the section is in
	Line        int    // line of command= (else of the section header)
}

// supervisorConfig is what one supervisord config file defines.
type supervisorConfig struct {
	Programs []supervisorProgram
	Groups   map[string][]string // [group:G] programs= → G's programs
	Includes []string            // [include] files=, globs as written
	PidFile  string              // [supervisord] pidfile=
}

// parseSupervisorConfig reads a supervisord INI file as Python's
// ConfigParser (which supervisord uses) does: "key = value" or "key: value",
// full-line comments with ; or #, inline ones after whitespace, and indented
// lines continuing the previous value. Unknown sections are ignored.
func parseSupervisorConfig(data []byte, file string) supervisorConfig {
	cfg := supervisorConfig{Groups: map[string][]string{}}
	var prog *supervisorProgram
	section, key := "", ""
	set := func(k, v string, line int) {
		switch {
		case prog != nil:
			switch k {
			case "command":
				prog.Command, prog.Line = v, line
			case "process_name":
				prog.ProcessName = v
			case "socket":
				prog.Socket = v
			case "numprocs":
				if n, err := strconv.Atoi(v); err == nil && n > 0 {
					prog.NumProcs = n
				}
			}
		case strings.HasPrefix(section, "group:") && k == "programs":
			g := strings.TrimPrefix(section, "group:")
			cfg.Groups[g] = nil
			for p := range strings.SplitSeq(v, ",") {
				if p = strings.TrimSpace(p); p != "" {
					cfg.Groups[g] = append(cfg.Groups[g], p)
				}
			}
		case section == "include" && k == "files":
			cfg.Includes = strings.Fields(v)
		case section == "supervisord" && k == "pidfile":
			cfg.PidFile = v
		}
	}
	for n, raw := range strings.Split(string(data), "\n") {
		line := n + 1
		trimmed := strings.TrimSpace(raw)
		if trimmed == "" || trimmed[0] == ';' || trimmed[0] == '#' {
			continue
		}
		if raw[0] == ' ' || raw[0] == '\t' {
			if key != "" { // a continuation line
				appendValue(prog, &cfg, section, key, stripInline(trimmed))
			}
			continue
		}
		if trimmed[0] == '[' {
			end := strings.IndexByte(trimmed, ']')
			if end < 0 {
				continue
			}
			section, key, prog = strings.TrimSpace(trimmed[1:end]), "", nil
			for _, kind := range []string{"program:", "fcgi-program:"} {
				if name, ok := strings.CutPrefix(section, kind); ok && name != "" {
					cfg.Programs = append(cfg.Programs, supervisorProgram{Name: name, NumProcs: 1, File: file, Line: line})
					prog = &cfg.Programs[len(cfg.Programs)-1]
				}
			}
			continue
		}
		i := strings.IndexAny(trimmed, "=:")
		if i <= 0 {
			key = ""
			continue
		}
		key = strings.ToLower(strings.TrimSpace(trimmed[:i]))
		set(key, stripInline(strings.TrimSpace(trimmed[i+1:])), line)
	}
	return cfg
}

// appendValue continues key's value with one more line, as ConfigParser joins
// multi-line values with "\n"; only command= and programs= span lines in practice.
func appendValue(prog *supervisorProgram, cfg *supervisorConfig, section, key, more string) {
	switch {
	case prog != nil && key == "command":
		prog.Command = strings.TrimSpace(prog.Command + " " + more)
	case strings.HasPrefix(section, "group:") && key == "programs":
		g := strings.TrimPrefix(section, "group:")
		for p := range strings.SplitSeq(more, ",") {
			if p = strings.TrimSpace(p); p != "" {
				cfg.Groups[g] = append(cfg.Groups[g], p)
			}
		}
	case section == "include" && key == "files":
		cfg.Includes = append(cfg.Includes, strings.Fields(more)...)
	}
}

// stripInline drops an inline comment: ; or # after whitespace.
func stripInline(v string) string {
	for i := 1; i < len(v); i++ {
		if (v[i] == ';' || v[i] == '#') && (v[i-1] == ' ' || v[i-1] == '\t') {
			return strings.TrimSpace(v[:i])
		}
	}
	return v
}

// interpolation is supervisord's %(name)s / %(name)02d expansion syntax.
var interpolation = regexp.MustCompile(`%\(([A-Za-z_][A-Za-z0-9_]*)\)(-?[0-9]*)([sd])`)

// expandSupervisor substitutes the variables it knows; unknown ones
// (%(ENV_X)s, whose value lives in supervisord's environment) stay as written.
func expandSupervisor(s string, vars map[string]string) string {
	return interpolation.ReplaceAllStringFunc(s, func(m string) string {
		sub := interpolation.FindStringSubmatch(m)
		v, ok := vars[sub[1]]
		if !ok {
			return m
		}
		if sub[3] == "d" {
			if n, err := strconv.Atoi(v); err == nil {
				return fmt.Sprintf("%"+sub[2]+"d", n)
			}
		}
		return v
	})
}

// splitSupervisorCommand splits command= as Python's shlex.split does for
// the common cases: whitespace, single and double quotes, backslash escapes.
func splitSupervisorCommand(s string) []string {
	var out []string
	var cur strings.Builder
	inWord := false
	var quote rune
	esc := false
	for _, r := range s {
		switch {
		case esc:
			cur.WriteRune(r)
			esc = false
		case r == '\\' && quote != '\'':
			esc, inWord = true, true
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out
}
