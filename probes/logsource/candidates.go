package logsource

import (
	"os"
	"path/filepath"
	"strings"
)

// Candidate is a file the local syslog daemon writes nginx's entries to.
type Candidate struct {
	Path string // as the daemon's config names it: a path on the box, not joined with root
	Why  string // the daemon, file:line and rule that sends the entries there, or why it is a guess
	Sure bool   // a rule read here sends them there; false for guesses and rules ngx502 cannot evaluate
}

// LocalSyslogFiles lists the files the local syslog daemon writes t's
// entries to, from rsyslog's config (/etc/rsyslog.conf and its includes)
// and syslog-ng's (/etc/syslog-ng/syslog-ng.conf and its @include), read
// below root ("/" on a real box), in the order a message meets the
// rules. A rule that discards the entries (stop, ~, flags(final)) ends
// the list. When neither daemon has a config, the usual catch-all files
// /var/log/syslog and /var/log/messages that exist are listed, not Sure.
// A remote t has none: its entries are on t.Host.
func LocalSyslogFiles(root string, t Target) []Candidate {
	if t.Remote || t.Server == "" {
		return nil
	}
	m := messageOf(t)
	var c collector
	foundRS := rsyslogFiles(root, t, m, &c)
	foundNG := syslogngFiles(root, t, m, &c)
	if !foundRS && !foundNG {
		for _, p := range []string{"/var/log/syslog", "/var/log/messages"} {
			if info, err := os.Stat(filepath.Join(root, p)); err == nil && info.Mode().IsRegular() {
				c.add(p, "no rsyslog or syslog-ng config found; "+p+" is the usual catch-all file", false)
			}
		}
	}
	return c.out
}

// journalDevLog is the socket journald offers as /dev/log.
const journalDevLog = "/run/systemd/journal/dev-log"

// SyslogViaJournal reports whether t's socket below root is journald's
// (/dev/log linked to /run/systemd/journal/dev-log, or that socket
// itself): then the journal holds the entries (JournalSyslogArgv), and a
// syslog daemon gets them only as journald forwards them.
func SyslogViaJournal(root string, t Target) bool {
	p := t.Unix
	for range maxSymlinks {
		if p == journalDevLog {
			return true
		}
		target, err := os.Readlink(filepath.Join(root, p))
		if err != nil {
			return false
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(p), target)
		}
		p = filepath.Clean(target)
	}
	return false
}

// message is what nginx sends, as a syslog daemon's rules see it.
type message struct {
	facility int    // 0..23
	severity int    // 0..7
	tag      string // the program name
}

// messageOf is t's entries as a rule sees them. An error_log entry's
// severity is its own level (nginx ignores severity= there), and the
// failures behind a 502 are [error]: severity 3.
func messageOf(t Target) message {
	m := message{facility: 23, severity: 3, tag: t.Tag}
	for i, f := range nginxFacilities {
		if f == t.Facility {
			m.facility = i
		}
	}
	return m
}

// tri is a three-valued truth: whether a rule matches, when ngx502 may
// not be able to tell (a regex, a host filter).
type tri int8

// The values of tri, ordered so that and is min and or is max.
const (
	no tri = iota
	maybe
	yes
)

// and is three-valued conjunction.
func (a tri) and(b tri) tri { return min(a, b) }

// or is three-valued disjunction.
func (a tri) or(b tri) tri { return max(a, b) }

// not is three-valued negation.
func (a tri) not() tri { return yes - a }

// triOf is yes or no.
func triOf(b bool) tri {
	if b {
		return yes
	}
	return no
}

// collector gathers candidates once per path, first reason first.
type collector struct{ out []Candidate }

// add lists path, or makes an earlier guess for it Sure.
func (c *collector) add(path, why string, sure bool) {
	for i := range c.out {
		if c.out[i].Path == path {
			if sure && !c.out[i].Sure {
				c.out[i] = Candidate{Path: path, Why: why, Sure: true}
			}
			return
		}
	}
	c.out = append(c.out, Candidate{Path: path, Why: why, Sure: sure})
}

// oneLine collapses a rule's text to one short line for a Why.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}
