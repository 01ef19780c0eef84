package logsource

import (
	"bytes"
	"io"
	"path"
)

// StripJournal reads journalctl -o short-iso output from r and yields the
// nginx error-log text of each nginx line: "2026-12-02T05:00:00+0000 host
// nginx[123]: " is cut off, as is the "host nginx: " syslog header nginx
// adds when it sends to journald's syslog socket without nohostname.
// Lines of other programs (systemd's own lines about the unit, the
// kernel), journalctl's "-- Boot … --" markers and "[… blob data]"
// placeholders are dropped; the indented continuation lines of a kept
// multi-line entry are kept, unindented. Lines are cut at 8 KiB.
func StripJournal(r io.Reader) io.Reader { return stripJournal(r, nil) }

// stripJournal is StripJournal that also keeps the identifiers in extra.
func stripJournal(r io.Reader, extra []string) io.Reader {
	s := &journalStripper{extra: extra}
	return newLineReader(r, s.line)
}

// journalStripper carries whether the last line was kept, for
// continuation lines.
type journalStripper struct {
	extra []string
	kept  bool
}

// line is the lineFunc of StripJournal.
func (s *journalStripper) line(line []byte) []byte {
	if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
		if !s.kept {
			return nil
		}
		return bytes.TrimLeft(line, " \t")
	}
	ident, msg, ok := splitJournalLine(line)
	s.kept = ok && s.keeps(ident) && !isBlob(msg)
	if !s.kept {
		return nil
	}
	if tag, rest, ok := splitTagged(msg); ok && startsNginxEntry(rest) && !startsNginxEntry(msg) && s.keeps(tag) {
		return rest
	}
	return msg
}

// keeps reports whether ident is nginx's (see nginxIdent) or asked for.
func (s *journalStripper) keeps(ident []byte) bool {
	if nginxIdent(ident) {
		return true
	}
	for _, e := range s.extra {
		if string(ident) == e {
			return true
		}
	}
	return false
}

// nginxIdent reports whether a journal identifier is nginx's: systemd
// names a unit's output after its binary (nginx, nginx-debug, or an
// nginx build such as openresty or angie).
func nginxIdent(ident []byte) bool {
	base := path.Base(string(ident))
	return len(base) >= 5 && base[:5] == "nginx" || base == "openresty" || base == "angie"
}

// splitJournalLine splits "TIMESTAMP HOST IDENT[PID]: MSG" (short-iso or
// short-iso-precise) into IDENT and MSG.
func splitJournalLine(line []byte) (ident, msg []byte, ok bool) {
	ts, rest, ok := bytes.Cut(line, []byte{' '})
	if !ok || !isISOStamp(ts) {
		return nil, nil, false
	}
	host, rest, ok := bytes.Cut(rest, []byte{' '})
	if !ok || len(host) == 0 {
		return nil, nil, false
	}
	i := bytes.Index(rest, []byte(": "))
	switch {
	case i > 0:
		msg = rest[i+2:]
	case len(rest) > 1 && rest[len(rest)-1] == ':':
		i, msg = len(rest)-1, rest[len(rest):]
	default:
		return nil, nil, false
	}
	return trimPID(rest[:i]), msg, true
}

// trimPID cuts a "[PID]" suffix off an identifier.
func trimPID(ident []byte) []byte {
	if j := bytes.IndexByte(ident, '['); j > 0 && ident[len(ident)-1] == ']' {
		return ident[:j]
	}
	return ident
}

// isISOStamp reports whether b starts like 2026-12-02T05:00:00 (the zone
// and any fraction after it are not checked).
func isISOStamp(b []byte) bool {
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' {
		return false
	}
	for _, i := range [...]int{0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18} {
		if b[i] < '0' || b[i] > '9' {
			return false
		}
	}
	return true
}

// isBlob reports journalctl's placeholder for a binary message,
// "[123B blob data]", which holds none of nginx's text.
func isBlob(msg []byte) bool {
	return len(msg) > 0 && msg[0] == '[' && bytes.HasSuffix(msg, []byte("blob data]"))
}

// startsNginxEntry reports whether msg starts with nginx's own
// "YYYY/MM/DD " timestamp.
func startsNginxEntry(msg []byte) bool {
	return len(msg) >= 11 && msg[4] == '/' && msg[7] == '/' && msg[10] == ' ' &&
		isDigit(msg[0]) && isDigit(msg[3]) && isDigit(msg[5]) && isDigit(msg[9])
}

// isDigit reports whether c is an ASCII digit.
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
