package postmortem

import (
	"strconv"
	"strings"
	"time"
)

// isoLayouts are the stamps of journalctl -o short-iso (+0000 up to
// systemd 254, +00:00 after), rsyslog's RFC 3339 files and dmesg
// --time-format iso ("2026-12-02T05:12:03,123456+00:00"); fractions parse
// without being in the layout.
var isoLayouts = [...]string{"2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05Z07:00"}

// parseISO parses one of isoLayouts.
func parseISO(s string) (time.Time, bool) {
	if len(s) < len("2006-01-02T15:04:05Z") || s[4] != '-' || s[10] != 'T' {
		return time.Time{}, false
	}
	for _, l := range isoLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// syslogLayout is the traditional syslog stamp ("Dec  2 05:12:03"), in
// local time and without a year.
const syslogLayout = "Jan _2 15:04:05"

// parseSyslogStamp parses the first 15 bytes of line as a traditional
// syslog stamp in loc, in the latest year that does not put it more than
// two days after now (a file holds at most a year, and clocks drift).
func parseSyslogStamp(line string, now time.Time, loc *time.Location) (time.Time, bool) {
	if len(line) < len(syslogLayout)+1 || line[len(syslogLayout)] != ' ' {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(syslogLayout, line[:len(syslogLayout)], loc)
	if err != nil {
		return time.Time{}, false
	}
	now = now.In(loc)
	t = t.AddDate(now.Year()-t.Year(), 0, 0)
	if t.After(now.Add(48 * time.Hour)) {
		t = t.AddDate(-1, 0, 0)
	}
	return t, true
}

// cutMonotonic cuts a leading "[  123.456789] " (the kernel's seconds since
// boot, as dmesg prints them and rsyslog's imklog keeps them) off msg.
func cutMonotonic(msg string) (secs float64, rest string, ok bool) {
	if !strings.HasPrefix(msg, "[") {
		return 0, msg, false
	}
	end := strings.Index(msg, "] ")
	if end < 0 || end > 24 {
		return 0, msg, false
	}
	secs, err := strconv.ParseFloat(strings.TrimSpace(msg[1:end]), 64)
	if err != nil || secs < 0 || secs > 1e10 {
		return 0, msg, false
	}
	return secs, msg[end+2:], true
}

// kernelOpts says how to date kernel lines.
type kernelOpts struct {
	boot time.Time      // when the kernel started; dates "[secs]" lines when not zero
	now  time.Time      // for traditional syslog stamps, which have no year
	loc  *time.Location // the zone of traditional syslog stamps
}

// kernelLine finds the kernel's message in one line of journalctl -k
// -o short-iso, a syslog file (RFC 3339 or traditional stamps) or dmesg
// (--time-format iso, or raw "[secs]" stamps dated from o.boot). ok is
// false for lines of other programs and lines of no known shape; t is
// zero when the line says no time that can be placed.
func kernelLine(line string, o kernelOpts) (t time.Time, msg string, ok bool) {
	if secs, rest, isRaw := cutMonotonic(line); isRaw {
		if !o.boot.IsZero() {
			t = o.boot.Add(time.Duration(secs * float64(time.Second)))
		}
		return t, rest, true
	}
	if stamp, rest, found := strings.Cut(line, " "); found {
		if when, isISO := parseISO(stamp); isISO {
			// dmesg alone writes a comma before the fraction, and no
			// "HOST IDENT:" header follows its stamp.
			if strings.IndexByte(stamp, ',') > 0 {
				return when, rest, true
			}
			if msg, isKernel := kernelAfterHost(rest); isKernel {
				return when, msg, true
			}
			return time.Time{}, "", false
		}
	}
	if when, isSyslog := parseSyslogStamp(line, o.now, o.loc); isSyslog {
		if msg, isKernel := kernelAfterHost(line[len(syslogLayout)+1:]); isKernel {
			return when, msg, true
		}
	}
	return time.Time{}, "", false
}

// kernelAfterHost reads "HOST kernel: MSG", MSG without imklog's "[secs]".
func kernelAfterHost(rest string) (msg string, isKernel bool) {
	_, afterHost, found := strings.Cut(rest, " ")
	if !found {
		return "", false
	}
	if m, found := strings.CutPrefix(afterHost, "kernel: "); found {
		return stripMonotonic(m), true
	}
	return "", false
}

// stripMonotonic is msg without a leading "[secs] ".
func stripMonotonic(msg string) string {
	_, rest, _ := cutMonotonic(msg)
	return rest
}
