package nginx

import (
	"bytes"
)

// crossplane's Lua lexer (lua.go in nginx-go-crossplane v0.4.89) counts
// braces and toggles on quotes with no escapes, long brackets or comments, so
// valid Lua such as ngx.say("a \" b"), [[ } ]] or "-- }" ends the block in the
// wrong place and the file loses every server. rewriteLua finds each
// *_by_lua_block with a real Lua scanner first and rewrites its body so that
// crossplane's lexer ends it at the same '}'; newlines are kept, so every
// line number stays right.

const luaBlockSuffix = "_by_lua_block"

// crossplaneLua are the directives crossplane's Lua lexer takes over (its
// directiveNames); any other *_by_lua_block (stream preread_by_lua_block, …)
// is lexed as nginx syntax, so its body is blanked instead.
var crossplaneLua = map[string]bool{
	"init_by_lua_block": true, "init_worker_by_lua_block": true, "exit_worker_by_lua_block": true,
	"set_by_lua_block": true, "content_by_lua_block": true, "server_rewrite_by_lua_block": true,
	"rewrite_by_lua_block": true, "access_by_lua_block": true, "header_filter_by_lua_block": true,
	"body_filter_by_lua_block": true, "log_by_lua_block": true, "balancer_by_lua_block": true,
	"ssl_client_hello_by_lua_block": true, "ssl_certificate_by_lua_block": true,
	"ssl_session_fetch_by_lua_block": true, "ssl_session_store_by_lua_block": true,
}

// luaIssue is a Lua block whose end could not be found.
type luaIssue struct {
	Directive string
	Line      int // the directive's line
	SkipTo    int // line of the '}' guessed to close it; 0: the rest of the file was skipped
}

// rewriteLua returns data with every *_by_lua_block body made safe for
// crossplane, and the blocks it had to skip. It returns data itself when
// the file holds no Lua block.
func rewriteLua(data []byte) ([]byte, []luaIssue) {
	if !bytes.Contains(data, []byte(luaBlockSuffix)) {
		return data, nil
	}
	out, issues, balanced := rewriteLuaPass(data, true)
	if !balanced && len(issues) > 0 {
		// A guessed end left the file's braces unbalanced: crossplane would
		// then drop the whole file, so skip the rest of it instead.
		out, issues, _ = rewriteLuaPass(data, false)
	}
	return out, issues
}

// rewriteLuaPass walks data as nginx tokens to find Lua blocks at directive
// position; guess allows ending an unterminated block at a lone '}' line.
// balanced reports whether the nginx braces matched.
func rewriteLuaPass(data []byte, guess bool) (out []byte, issues []luaIssue, balanced bool) {
	out = bytes.Clone(data)
	depth, statement := 0, true
	for i := 0; i < len(out); {
		c := out[i]
		switch {
		case isConfSpace(c):
			i++
		case c == '#' || c == '"' || c == '\'':
			i = skipConfQuoteOrComment(out, i)
			statement = statement && c == '#'
		case c == ';':
			i, statement = i+1, true
		case c == '{' || c == '}':
			if c == '{' {
				depth++
			} else if depth--; depth < 0 {
				return out, issues, false
			}
			i, statement = i+1, true
		default:
			end := scanConfWord(out, i)
			word := out[i:end]
			if !statement || len(word) <= len(luaBlockSuffix) || !bytes.HasSuffix(word, []byte(luaBlockSuffix)) {
				i, statement = end, false
				continue
			}
			name := string(word)
			open := luaBlockOpen(out, name, end)
			if open < 0 {
				i, statement = end, false
				continue
			}
			close := luaBody(out[open+1:])
			if close >= 0 {
				close += open + 1
				if !crossplaneLua[name] {
					blank(out[open+1 : close])
				}
			} else {
				issue := luaIssue{Directive: name, Line: lineAt(out, i)}
				if close = guessLuaEnd(data, i, open); guess && close >= 0 {
					copy(out[open+1:], data[open+1:]) // undo luaBody's edits
					blank(out[open+1 : close])
					issue.SkipTo = lineAt(out, close)
				} else {
					issues = append(issues, issue)
					skipRest(out[i:], depth)
					return out, issues, true
				}
				issues = append(issues, issue)
			}
			i, statement = close+1, true // crossplane ends the block with a ';'
		}
	}
	return out, issues, depth == 0
}

// luaBlockOpen returns the index of the '{' opening the Lua block whose
// directive name ends at i, or -1 when none follows (then crossplane's
// lexer gets the text as it is). set_by_lua_block takes $var first.
func luaBlockOpen(b []byte, name string, i int) int {
	if i >= len(b) || !isConfSpace(b[i]) {
		return -1 // crossplane needs a space after the name
	}
	i = skipConfSpace(b, i)
	if name == "set_by_lua_block" {
		j := i
		for j < len(b) && !isConfSpace(b[j]) {
			j++
		}
		if j == i || j == len(b) {
			return -1
		}
		i = skipConfSpace(b, j)
	}
	if i < len(b) && b[i] == '{' {
		return i
	}
	return -1
}

// guessLuaEnd finds the '}' alone on a line indented like the directive at
// start, after its opening brace: how people close these blocks. -1: none.
func guessLuaEnd(b []byte, start, open int) int {
	lineStart := bytes.LastIndexByte(b[:start], '\n') + 1
	indent := b[lineStart:start]
	indent = indent[:len(indent)-len(bytes.TrimLeft(indent, " \t"))]
	for at := open; ; {
		nl := bytes.IndexByte(b[at:], '\n')
		if nl < 0 {
			return -1
		}
		at += nl + 1
		line := b[at:]
		if end := bytes.IndexByte(line, '\n'); end >= 0 {
			line = line[:end]
		}
		if bytes.HasPrefix(line, indent) && len(line) > len(indent) && line[len(indent)] == '}' &&
			len(bytes.TrimSpace(line[len(indent)+1:])) == 0 {
			return at + len(indent)
		}
	}
}

// skipRest blanks b (a directive to the end of the file) and closes the
// depth blocks still open there, so crossplane keeps what came before.
func skipRest(b []byte, depth int) {
	blank(b)
	for i := 0; i < len(b) && depth > 0; i++ {
		if b[i] != '\n' && b[i] != '\r' {
			b[i], depth = '}', depth-1
		}
	}
}

// blank turns every byte of b but line ends into a space.
func blank(b []byte) {
	for i, c := range b {
		if c != '\n' && c != '\r' {
			b[i] = ' '
		}
	}
}

func lineAt(b []byte, i int) int { return bytes.Count(b[:i], []byte{'\n'}) + 1 }

func isConfSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipConfSpace(b []byte, i int) int {
	for i < len(b) && isConfSpace(b[i]) {
		i++
	}
	return i
}

// skipConfQuoteOrComment skips a '#' comment to its line end or an nginx
// quoted string with backslash escapes, as crossplane's lexer does.
func skipConfQuoteOrComment(b []byte, i int) int {
	q := b[i]
	if q == '#' {
		if nl := bytes.IndexByte(b[i:], '\n'); nl >= 0 {
			return i + nl
		}
		return len(b)
	}
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case q:
			return i + 1
		}
	}
	return len(b)
}

// scanConfWord returns the end of the nginx word starting at i: it stops at
// space, ';', '{' or '}', except inside ${var}; a backslash escapes.
func scanConfWord(b []byte, i int) int {
	for ; i < len(b); i++ {
		switch c := b[i]; {
		case c == '\\':
			i++
		case c == '{' && i > 0 && b[i-1] == '$':
			for i++; i < len(b) && b[i] != '}' && !isConfSpace(b[i]); i++ {
			}
			if i < len(b) && b[i] != '}' {
				return i
			}
		case isConfSpace(c) || c == ';' || c == '{' || c == '}':
			return i
		}
	}
	return len(b)
}
