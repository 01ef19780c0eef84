package logsource

import (
	"bytes"
	"io"
)

// maxContinuation bounds the unprefixed lines kept after an nginx line: a
// daemon that writes a multi-line message raw (syslog-ng) continues it
// this way, and nginx's 2047-byte entries never need more.
const maxContinuation = 32

// StripSyslog reads a syslog daemon's file from r and yields the nginx
// error-log text of each line tagged "nginx" (nginx's default tag); see
// StripSyslogTag.
func StripSyslog(r io.Reader) io.Reader { return StripSyslogTag(r, "nginx") }

// StripSyslogTag reads a syslog file and keeps only the lines whose tag
// is tag, with the syslog prefix cut off: traditional ("Dec  2 05:00:00
// host tag: "), RFC 3339 ("2026-12-02T05:00:00.123456+00:00 host tag: "),
// RFC 5424 ("<187>1 2026-12-02T05:00:00Z host tag - - - "), each with or
// without a "<PRI>" and with or without the host (nohostname). Unprefixed
// lines right after a kept line are kept as its continuation; lines are
// cut at 8 KiB.
func StripSyslogTag(r io.Reader, tag string) io.Reader {
	s := &syslogStripper{tag: []byte(tag)}
	return newLineReader(r, s.line)
}

// syslogStripper carries the tag and the continuation state.
type syslogStripper struct {
	tag  []byte
	kept bool
	cont int // continuation lines kept since the last prefixed line
}

// line is the lineFunc of StripSyslogTag.
func (s *syslogStripper) line(line []byte) []byte {
	tag, msg, ok := splitSyslogLine(line)
	if !ok {
		if s.kept && s.cont < maxContinuation && len(line) > 0 {
			s.cont++
			return line
		}
		return nil
	}
	s.kept, s.cont = bytes.Equal(tag, s.tag), 0
	if !s.kept {
		return nil
	}
	return msg
}

// splitSyslogLine splits one line of a syslog file into its tag (without
// "[pid]" and ":") and its message.
func splitSyslogLine(line []byte) (tag, msg []byte, ok bool) {
	s := skipPRI(line)
	if len(s) > 2 && s[0] == '1' && s[1] == ' ' {
		return split5424(s[2:])
	}
	switch {
	case isBSDStamp(s):
		s = bytes.TrimLeft(s[15:], " ")
	case isISOStamp(s):
		_, s, _ = bytes.Cut(s, []byte{' '})
	default:
		return nil, nil, false
	}
	return splitTagged(s)
}

// skipPRI cuts a leading "<PRI>" (one to three digits).
func skipPRI(s []byte) []byte {
	if len(s) < 3 || s[0] != '<' {
		return s
	}
	j := bytes.IndexByte(s[:min(len(s), 5)], '>')
	if j < 2 {
		return s
	}
	for _, c := range s[1:j] {
		if !isDigit(c) {
			return s
		}
	}
	return s[j+1:]
}

// splitTagged splits "HOST TAG: MSG" or "TAG: MSG" (a header without the
// host, as nginx sends with nohostname).
func splitTagged(s []byte) (tag, msg []byte, ok bool) {
	first, rest, _ := bytes.Cut(s, []byte{' '})
	if t, ok := tagToken(first); ok {
		return t, rest, true
	}
	second, rest, _ := bytes.Cut(rest, []byte{' '})
	if t, ok := tagToken(second); ok && len(first) > 0 {
		return t, rest, true
	}
	return nil, nil, false
}

// tagToken accepts "tag:" or "tag[pid]:" and returns tag.
func tagToken(tok []byte) ([]byte, bool) {
	if len(tok) < 2 || tok[len(tok)-1] != ':' {
		return nil, false
	}
	t := trimPID(tok[:len(tok)-1])
	return t, len(t) > 0
}

// split5424 splits the rest of an RFC 5424 line after "1 ":
// TIMESTAMP HOST APP PROCID MSGID SD [MSG].
func split5424(s []byte) (tag, msg []byte, ok bool) {
	var f [5][]byte
	for i := range f {
		var found bool
		if f[i], s, found = bytes.Cut(s, []byte{' '}); !found {
			return nil, nil, false
		}
	}
	if s, ok = skipSD(s); !ok {
		return nil, nil, false
	}
	s = bytes.TrimPrefix(bytes.TrimPrefix(s, []byte{' '}), []byte("\xef\xbb\xbf"))
	return f[2], s, true
}

// skipSD skips RFC 5424 structured data: "-" or "[id k="v"]…", where a
// value may hold an escaped \] or \".
func skipSD(s []byte) ([]byte, bool) {
	if len(s) > 0 && s[0] == '-' {
		return s[1:], true
	}
	for len(s) > 0 && s[0] == '[' {
		i, quoted := 1, false
		for ; i < len(s); i++ {
			c := s[i]
			if c == '\\' && quoted {
				i++
				continue
			}
			if c == '"' {
				quoted = !quoted
			} else if c == ']' && !quoted {
				break
			}
		}
		if i >= len(s) {
			return nil, false
		}
		s = s[i+1:]
	}
	return s, true
}

// isBSDStamp reports whether s starts with "Mmm dd hh:mm:ss " (RFC 3164,
// the day space-padded).
func isBSDStamp(s []byte) bool {
	if len(s) < 16 || s[3] != ' ' || s[6] != ' ' || s[9] != ':' || s[12] != ':' || s[15] != ' ' {
		return false
	}
	const months = "JanFebMarAprMayJunJulAugSepOctNovDec"
	if i := bytes.Index([]byte(months), s[:3]); i < 0 || i%3 != 0 {
		return false
	}
	return (s[4] == ' ' || isDigit(s[4])) && isDigit(s[5]) && isDigit(s[7]) && isDigit(s[8]) &&
		isDigit(s[10]) && isDigit(s[11]) && isDigit(s[13]) && isDigit(s[14])
}
