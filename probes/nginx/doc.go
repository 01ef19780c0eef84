// Package nginx finds the nginx this run inspects (running master, PATH,
// /usr/sbin/nginx), asks it about itself (`nginx -V`, `-t`, `-T`) and parses
// its configuration with nginx-go-crossplane into a model in which every
// item carries the file:line it was written at. It reports facts only:
// what the facts mean is decided by steps/.
package nginx

import "strconv"

// Where is a position in the configuration: file and 1-based line.
type Where struct {
	File string
	Line int
}

// String renders "file:line", the file alone without a line, "" when zero.
func (w Where) String() string {
	switch {
	case w.File == "" && w.Line == 0:
		return ""
	case w.Line == 0:
		return w.File
	}
	return w.File + ":" + strconv.Itoa(w.Line)
}

// IsZero reports whether the position is unknown.
func (w Where) IsZero() bool { return w.File == "" && w.Line == 0 }
