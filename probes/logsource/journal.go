package logsource

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// journalctlPaths is where journalctl is looked for: a fixed list, never
// $PATH, because ngx502 runs as root with whatever environment sudo kept.
var journalctlPaths = []string{"/usr/bin/journalctl", "/bin/journalctl"}

// sinceLayout is the form journalctl's --since parses, in local time.
const sinceLayout = "2006-01-02 15:04:05"

// Journalctl returns the first journalctl of /usr/bin/journalctl and
// /bin/journalctl that root may run (owned by root, writable by no one
// else, nor any directory above it); the error says why each was refused.
func Journalctl() (string, error) { return firstTrusted(journalctlPaths) }

// firstTrusted returns the first of paths untrustedBinary accepts.
func firstTrusted(paths []string) (string, error) {
	var whys []string
	for _, p := range paths {
		why := untrustedBinary(p)
		if why == "" {
			return p, nil
		}
		whys = append(whys, why)
	}
	return "", fmt.Errorf("no journalctl ngx502 may run as root: %s", strings.Join(whys, "; "))
}

// JournalArgv is the command that reads unit's journal since since:
// journalctl -u UNIT --since "YYYY-MM-DD HH:MM:SS" -o short-iso --no-pager -q,
// journalctl by absolute path (see Journalctl). since is written in local
// time, the zone journalctl reads it in (ReadJournal passes TZ on); a zero
// since leaves --since out. nil when no journalctl may run (Journalctl
// says why) or unit is not a plain unit name.
func JournalArgv(unit string, since time.Time) []string {
	if !plainName(unit) {
		return nil
	}
	bin, err := Journalctl()
	if err != nil {
		return nil
	}
	return journalArgv(bin, []string{"-u", unit}, since)
}

// JournalSyslogArgv is the command that reads what nginx sent to
// journald's syslog socket (SyslogViaJournal): entries tagged t.Tag, or
// (when nginx put its host name first, which journald then cannot parse
// an identifier from) entries of a process named nginx:
// journalctl SYSLOG_IDENTIFIER=TAG + _COMM=nginx --since … -o short-iso --no-pager -q.
// nil when no journalctl may run or the tag is not a plain name.
func JournalSyslogArgv(t Target, since time.Time) []string {
	if !plainName(t.Tag) {
		return nil
	}
	bin, err := Journalctl()
	if err != nil {
		return nil
	}
	match := []string{"SYSLOG_IDENTIFIER=" + t.Tag}
	if !t.NoHostname {
		match = append(match, "+", "_COMM=nginx")
	}
	return journalArgv(bin, match, since)
}

// journalArgv assembles bin, the match arguments and the fixed options.
func journalArgv(bin string, match []string, since time.Time) []string {
	argv := append([]string{bin}, match...)
	if !since.IsZero() {
		argv = append(argv, "--since", since.In(time.Local).Format(sinceLayout))
	}
	return append(argv, "-o", "short-iso", "--no-pager", "-q")
}

// plainName accepts unit names and syslog tags: letters, digits and
// ":_.@-\", not starting with "-" (journalctl would read an option).
func plainName(s string) bool {
	if s == "" || len(s) > 256 || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && !strings.ContainsRune(":_.@-\\", rune(c)) {
			return false
		}
	}
	return true
}

// isAlnum reports whether c is an ASCII letter or digit.
func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// identsOf lists the identifiers argv asks journalctl for (-t X,
// --identifier=X, SYSLOG_IDENTIFIER=X): ReadJournal keeps their lines
// besides nginx's own.
func identsOf(argv []string) []string {
	var out []string
	for i, a := range argv {
		switch {
		case (a == "-t" || a == "--identifier") && i+1 < len(argv):
			out = append(out, argv[i+1])
		case strings.HasPrefix(a, "--identifier="):
			out = append(out, strings.TrimPrefix(a, "--identifier="))
		case strings.HasPrefix(a, "SYSLOG_IDENTIFIER="):
			out = append(out, strings.TrimPrefix(a, "SYSLOG_IDENTIFIER="))
		}
	}
	return out
}

// errEmptyArgv is ReadJournal's answer to nothing to run.
var errEmptyArgv = errors.New("read journal: empty command")
