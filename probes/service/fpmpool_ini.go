package service

import (
	"bytes"
	"strconv"
	"strings"
)

// parseState is the section php-fpm's parser is in; it carries on into an included
// file and back, as in php-fpm, whose current pool is parser state too.
type parseState struct{ section string }

// iniEntry is one meaningful line of a php-fpm config: a section header (section set)
// or a key = value assignment.
type iniEntry struct {
	line    int
	section string
	key     string // lower-cased: php-fpm matches directive names without case
	value   string // unquoted, trailing comment removed
}

// parsePoolConfig calls each for every section header and assignment in data, the
// INI dialect php-fpm reads: "[name]" sections, "key = value", ";" comments
// (anywhere outside quotes), values in double or single quotes. Lines that are
// neither are skipped: php-fpm would refuse them, and the report is about the rest.
func parsePoolConfig(data []byte, each func(iniEntry)) {
	for i, raw := range bytes.Split(data, []byte("\n")) {
		line := strings.TrimSpace(string(raw))
		if line == "" || line[0] == ';' || line[0] == '#' {
			continue
		}
		if line[0] == '[' {
			if end := strings.IndexByte(line, ']'); end > 1 {
				each(iniEntry{line: i + 1, section: strings.TrimSpace(line[1:end])})
			}
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		key = strings.ToLower(strings.TrimSpace(key))
		if !ok || key == "" {
			continue
		}
		each(iniEntry{line: i + 1, key: key, value: iniValue(value)})
	}
}

// iniValue strips quotes, or for an unquoted value a trailing ";" comment.
func iniValue(v string) string {
	v = strings.TrimSpace(v)
	if len(v) > 0 && (v[0] == '"' || v[0] == '\'') {
		if end := strings.IndexByte(v[1:], v[0]); end >= 0 {
			return v[1 : 1+end]
		}
		return v[1:]
	}
	if i := strings.IndexByte(v, ';'); i >= 0 {
		v = v[:i]
	}
	return strings.TrimSpace(v)
}

// pool returns the pool called name, defining it in file if it is new.
func (s *poolScope) pool(name, file string) *FPMPool {
	if p, ok := s.pools[name]; ok {
		return p
	}
	p := &FPMPool{Name: name, Config: s.config, File: file, ListenBacklog: -1}
	if strings.HasPrefix(s.config, "dir:") {
		p.Config = ""
	}
	s.pools[name] = p
	s.order = append(s.order, name)
	return p
}

// set applies one assignment inside the pool's section; a later one wins, as in
// php-fpm. Values that are not numbers where numbers belong are ignored.
func (p *FPMPool) set(e iniEntry, file string) {
	switch e.key {
	case "listen":
		// php-fpm expands $pool in listen (and a few path directives).
		p.Listen = strings.ReplaceAll(e.value, "$pool", p.Name)
		p.File, p.Line = file, e.line
	case "pm":
		p.PM = e.value
	case "pm.max_children":
		if n, err := strconv.Atoi(e.value); err == nil {
			p.MaxChildren, p.MaxChildrenFile, p.MaxChildrenLine = n, file, e.line
		}
	case "listen.backlog":
		if n, err := strconv.Atoi(e.value); err == nil {
			p.ListenBacklog, p.BacklogFile, p.BacklogLine = n, file, e.line
		}
	}
}
