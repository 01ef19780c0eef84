package postmortem

import (
	"io"
	"strings"
	"time"
)

// FPMEvent is one thing php-fpm's own log says happened, or a run of them
// folded into one (see Count).
type FPMEvent struct {
	Time   time.Time // the earliest occurrence
	Last   time.Time // the latest occurrence; Time when Count is 1
	Level  string    // php-fpm's level: "NOTICE", "WARNING", "ERROR", "ALERT"
	Pool   string    // the pool, "" for the master's own lines
	Kind   string    // max_children, child_signal, busy, bind_failed, terminated, other
	Detail string    // max_children: the setting ("5"); child_signal: "9 (SIGKILL)"; bind_failed: "ADDRESS: ERROR"; other: the message
	PID    int       // child_signal: the child that died
	Count  int       // how many times it was logged: events alike (kind, pool, detail, pid, level) are folded into one
	Line   string    // the line of the occurrence logged last
}

// Kinds of FPMEvent.
const (
	FPMMaxChildren = "max_children" // server reached pm.max_children
	FPMChildSignal = "child_signal" // a child was killed by a signal other than SIGQUIT
	FPMBusy        = "busy"         // "seems busy": spawning children as fast as it may
	FPMBindFailed  = "bind_failed"  // could not listen: address in use, another FPM
	FPMTerminated  = "terminated"   // the master was told to stop (Terminating, Finishing)
	FPMOther       = "other"        // any other warning or error
)

// maxOther bounds the "other" events kept, apart from maxKept of the rest.
const maxOther = 20

// fpmStampLayout is php-fpm's "[02-Dec-2026 05:12:03]" (".123456" more at log_level debug).
const fpmStampLayout = "02-Jan-2006 15:04:05"

// FPMEvents reads php-fpm's error_log (file lines "[02-Dec-2026 05:12:03]
// WARNING: [pool www] …", in loc, time.Local when nil) or the journal or
// syslog lines it wrote ("… php-fpm[1234]: [WARNING] [pool www] …"), and
// returns its events at or after since: every event of the named kinds and
// the warnings and errors of other kinds, alike ones folded, at most the
// last 100 (and 20 "other").
func FPMEvents(r io.Reader, since time.Time, loc *time.Location) []FPMEvent {
	if loc == nil {
		loc = time.Local
	}
	return parseFPM(r, since, loc, time.Now())
}

// parseFPM is FPMEvents with its clock given.
func parseFPM(r io.Reader, since time.Time, loc *time.Location, now time.Time) []FPMEvent {
	var k fpmKept
	eachLine(r, func(line string) bool {
		t, level, msg, ok := fpmLine(line, loc, now)
		if !ok || t.Before(since) {
			return true
		}
		e := classifyFPM(level, msg)
		if e.Kind == FPMOther && !isTrouble(level) {
			return true
		}
		e.Time, e.Last, e.Count, e.Line = t, t, 1, line
		k.add(e)
		return true
	})
	return k.events
}

// isTrouble reports whether an "other" line's level is worth keeping.
func isTrouble(level string) bool {
	return level == "WARNING" || level == "ERROR" || level == "ALERT"
}

// fpmLine splits a php-fpm log line into its time, level and message.
func fpmLine(line string, loc *time.Location, now time.Time) (t time.Time, level, msg string, ok bool) {
	if stamp, _, m, isJournal := journalLine(line); isJournal {
		if t, ok = parseISO(stamp); ok {
			return fpmBody(t, m, loc)
		}
	}
	if t, ok = parseSyslogStamp(line, now, loc); ok {
		if _, _, m, isSyslog := journalLine("- " + line[len(syslogLayout)+1:]); isSyslog {
			return fpmBody(t, m, loc)
		}
	}
	return fpmBody(time.Time{}, line, loc)
}

// fpmBody reads "[STAMP] LEVEL: MSG" (its own stamp wins over the
// journal's t) or syslog's "[LEVEL] MSG" (t stays).
func fpmBody(t time.Time, s string, loc *time.Location) (time.Time, string, string, bool) {
	if !strings.HasPrefix(s, "[") {
		return time.Time{}, "", "", false
	}
	inner, rest, ok := strings.Cut(s[1:], "] ")
	if !ok {
		return time.Time{}, "", "", false
	}
	if isLevel(inner) && !t.IsZero() {
		return t, inner, cutDebugPrefix(rest), true
	}
	own, err := time.ParseInLocation(fpmStampLayout, inner, loc)
	if err != nil {
		return time.Time{}, "", "", false
	}
	level, msg, ok := strings.Cut(rest, ": ")
	if !ok || !isLevel(level) {
		return time.Time{}, "", "", false
	}
	return own, level, cutDebugPrefix(msg), true
}

// cutDebugPrefix cuts what log_level = debug puts before the message:
// "pid 1234, fpm_func(), line 56: " (the master's file lines) or
// "fpm_func(), line 56: " (syslog's).
func cutDebugPrefix(msg string) string {
	rest := msg
	if strings.HasPrefix(rest, "pid ") {
		_, after, ok := strings.Cut(rest, ", ")
		if !ok {
			return msg
		}
		rest = after
	}
	fn, after, ok := strings.Cut(rest, "(), line ")
	if !ok || fn == "" || strings.ContainsAny(fn, " []") {
		return msg
	}
	if _, tail, ok := cutInt(after); ok && strings.HasPrefix(tail, ": ") {
		return tail[2:]
	}
	return msg
}

// isLevel reports whether s is one upper-case word, as php-fpm's levels are.
func isLevel(s string) bool {
	if s == "" || len(s) > 8 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// fpmKept holds the events kept, the latest last.
type fpmKept struct{ events []FPMEvent }

// add folds e into a kept event alike (kind, pool, detail, pid and
// level), else appends it, dropping the oldest of its class past the bounds.
func (k *fpmKept) add(e FPMEvent) {
	for i := len(k.events) - 1; i >= 0; i-- {
		p := &k.events[i]
		if p.Kind == e.Kind && p.Pool == e.Pool && p.Detail == e.Detail && p.PID == e.PID && p.Level == e.Level {
			// A clock set back makes the log's order not the time's.
			if e.Time.Before(p.Time) {
				p.Time = e.Time
			}
			if e.Last.After(p.Last) {
				p.Last = e.Last
			}
			p.Line, p.Count = e.Line, p.Count+1
			return
		}
	}
	k.events = append(k.events, e)
	others, rest := 0, 0
	for _, x := range k.events {
		if x.Kind == FPMOther {
			others++
		} else {
			rest++
		}
	}
	if others > maxOther {
		k.dropOldest(func(x FPMEvent) bool { return x.Kind == FPMOther })
	}
	if rest > maxKept {
		k.dropOldest(func(x FPMEvent) bool { return x.Kind != FPMOther })
	}
}

// dropOldest removes the first event that is.
func (k *fpmKept) dropOldest(is func(FPMEvent) bool) {
	for i, x := range k.events {
		if is(x) {
			k.events = append(k.events[:i], k.events[i+1:]...)
			return
		}
	}
}
