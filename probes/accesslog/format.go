// Package accesslog reads nginx access logs by the config's own log_format:
// per upstream address and status it counts what clients got, which 5xx
// the application sent itself, and which failures a retry hid.
package accesslog

import (
	"errors"
	"fmt"
	"strings"
)

// Combined is nginx's predefined "combined" log_format.
const Combined = `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"`

// SuggestedFormat is combined plus every variable ngx502 wants; SuggestedLogFormat
// is the directive defining it.
const SuggestedFormat = Combined + ` host=$host us=$upstream_status ua=$upstream_addr rt=$request_time urt=$upstream_response_time uht=$upstream_header_time`

// SuggestedLogFormat is the log_format line to add (then `access_log PATH ngx502;`)
// when a format Lacks what ngx502 needs.
const SuggestedLogFormat = `log_format ngx502 '` + SuggestedFormat + `';`

// ErrFormat marks a log_format string nginx itself would reject.
var ErrFormat = errors.New("invalid log_format")

// Escape is log_format's escape= parameter: how nginx writes variable values.
type Escape uint8

// The escape= modes of log_format.
const (
	EscapeDefault Escape = iota // `"`, `\`, control bytes and bytes >= 0x7f as \xHH
	EscapeJSON                  // JSON string escapes: \" \\ \n \u0001
	EscapeNone                  // raw bytes
)

// String is the escape= value.
func (e Escape) String() string {
	switch e {
	case EscapeJSON:
		return "json"
	case EscapeNone:
		return "none"
	}
	return "default"
}

// Format is a parsed log_format: the literal text and variables in order,
// and which of them ngx502 reads.
type Format struct {
	text   string
	escape Escape
	lead   string         // literal before the first variable
	toks   []token        // each variable with the literal that follows it
	roles  [numRoles]int8 // token index of each role, -1 when not logged
	timeAt int8           // token index of the first time variable, -1 when none
}

// token is one variable of a format and the literal after it.
type token struct {
	name string // lower case, without $ and braces
	role role
	span spanKind
	lit  string // literal text up to the next variable or the end
	// skipEscaped: the literal starts with `"` and values are JSON-escaped,
	// so a `"` after an odd run of backslashes is part of the value.
	skipEscaped bool
}

// ParseFormat parses a log_format string the way ngx_http_log_compile_format
// does: `$name` or `${name}` variables ([A-Za-z0-9_]), literal text between.
// It may start with "escape=default|json|none " (the directive's optional
// first parameter); the name "combined" alone means the predefined format.
func ParseFormat(format string) (Format, error) {
	f := Format{escape: EscapeDefault}
	if rest, ok := strings.CutPrefix(format, "escape="); ok {
		mode, text, _ := strings.Cut(rest, " ")
		switch mode {
		case "default":
		case "json":
			f.escape = EscapeJSON
		case "none":
			f.escape = EscapeNone
		default:
			return Format{}, fmt.Errorf("%w: unknown escape=%q (default, json or none)", ErrFormat, mode)
		}
		format = text
	}
	if format == "combined" {
		format = Combined
	}
	if format == "" {
		return Format{}, fmt.Errorf("%w: empty format", ErrFormat)
	}
	f.text = format
	f.timeAt = -1
	for i := range f.roles {
		f.roles[i] = -1
	}
	var lit strings.Builder
	flush := func() {
		if len(f.toks) == 0 {
			f.lead = lit.String()
		} else {
			f.toks[len(f.toks)-1].lit = lit.String()
		}
		lit.Reset()
	}
	for i := 0; i < len(format); {
		if format[i] != '$' {
			lit.WriteByte(format[i])
			i++
			continue
		}
		name, next, err := varName(format, i)
		if err != nil {
			return Format{}, err
		}
		flush()
		f.addVar(name)
		i = next
	}
	flush()
	for i := range f.toks {
		t := &f.toks[i]
		t.skipEscaped = f.escape == EscapeJSON && strings.HasPrefix(t.lit, `"`)
	}
	return f, nil
}

// varName reads the variable at format[i] ('$') and returns its lower-case
// name and the index after it.
func varName(format string, i int) (string, int, error) {
	i++
	braced := i < len(format) && format[i] == '{'
	if braced {
		i++
	}
	start := i
	for i < len(format) && isNameByte(format[i]) {
		i++
	}
	name := format[start:i]
	if braced {
		if i >= len(format) || format[i] != '}' {
			return "", 0, fmt.Errorf("%w: the closing bracket in %q variable is missing", ErrFormat, "$"+format[start-1:i])
		}
		i++
	}
	if name == "" {
		return "", 0, fmt.Errorf("%w: a '$' at offset %d is not followed by a variable name", ErrFormat, start-1)
	}
	return strings.ToLower(name), i, nil
}

// isNameByte reports whether c may appear in an nginx variable name.
func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// addVar appends a variable token; the first variable of each role wins.
func (f *Format) addVar(name string) {
	r := roleOf(name)
	if r != roleNone && f.roles[r] >= 0 {
		r = roleNone
	}
	if r != roleNone && len(f.toks) < 127 {
		f.roles[r] = int8(len(f.toks))
		if f.timeAt < 0 && (r == roleTimeLocal || r == roleTimeISO || r == roleMsec) {
			f.timeAt = int8(len(f.toks))
		}
	} else {
		r = roleNone
	}
	f.toks = append(f.toks, token{name: name, role: r, span: spanOf(name)})
}

// String returns the format text (without escape=).
func (f Format) String() string { return f.text }

// Escape returns the format's escape= mode.
func (f Format) Escape() Escape { return f.escape }

// Vars lists the format's variables in order, without '$'.
func (f Format) Vars() []string {
	out := make([]string, len(f.toks))
	for i, t := range f.toks {
		out[i] = t.name
	}
	return out
}

// Has reports whether the format logs the variable name (without '$').
func (f Format) Has(name string) bool {
	name = strings.ToLower(strings.TrimPrefix(name, "$"))
	for _, t := range f.toks {
		if t.name == name {
			return true
		}
	}
	return false
}

// Lacks lists the variables ngx502 wants that the format does not log
// ($upstream_status, $upstream_addr, $request_time, $upstream_response_time,
// $host — or $http_host —, and $upstream_header_time, without which an
// application's own 502 cannot be told from nginx's: nginx records its own
// 502 in $upstream_status too), and the log_format line to add when any is
// missing ("" when none is).
func (f Format) Lacks() (missing []string, logFormat string) {
	for _, name := range [...]string{"upstream_status", "upstream_addr", "request_time", "upstream_response_time", "host", "upstream_header_time"} {
		if f.Has(name) || name == "host" && f.Has("http_host") {
			continue
		}
		missing = append(missing, "$"+name)
	}
	if len(missing) == 0 {
		return nil, ""
	}
	return missing, SuggestedLogFormat
}
