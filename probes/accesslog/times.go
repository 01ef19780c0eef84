package accesslog

import "time"

// clock parses log timestamps, remembering the last one: consecutive lines
// share their second most of the time, and building a time.Time is the
// costliest step of a line.
type clock struct {
	last    [26]byte
	lastLen int
	t       time.Time
	zoneOff int
	zone    *time.Location
}

// parse converts the value of a time role; false when it is not a time.
func (c *clock) parse(r role, b []byte) (time.Time, bool) {
	if r == roleMsec {
		return parseMsec(b)
	}
	if len(b) == c.lastLen && string(b) == string(c.last[:c.lastLen]) {
		return c.t, true
	}
	var t time.Time
	var ok bool
	switch r {
	case roleTimeLocal:
		t, ok = c.parseLocal(b)
	case roleTimeISO:
		t, ok = c.parseISO(b)
	}
	if ok {
		c.lastLen = copy(c.last[:], b)
		c.t = t
	}
	return t, ok
}

// month maps "Jan".."Dec" to 1..12, 0 for anything else.
func month(b []byte) int {
	switch string(b) {
	case "Jan":
		return 1
	case "Feb":
		return 2
	case "Mar":
		return 3
	case "Apr":
		return 4
	case "May":
		return 5
	case "Jun":
		return 6
	case "Jul":
		return 7
	case "Aug":
		return 8
	case "Sep":
		return 9
	case "Oct":
		return 10
	case "Nov":
		return 11
	case "Dec":
		return 12
	}
	return 0
}

// parseLocal parses $time_local: "25/Nov/2026:12:43:22 +0000".
func (c *clock) parseLocal(b []byte) (time.Time, bool) {
	if len(b) != 26 || b[2] != '/' || b[6] != '/' || b[11] != ':' || b[14] != ':' || b[17] != ':' || b[20] != ' ' {
		return time.Time{}, false
	}
	d, ok1 := num(b[0:2])
	mo := month(b[3:6])
	y, ok2 := num(b[7:11])
	h, ok3 := num(b[12:14])
	mi, ok4 := num(b[15:17])
	s, ok5 := num(b[18:20])
	loc, ok6 := c.offset(b[21], b[22:24], b[24:26])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || !valid(mo, d, h, mi, s) {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, s, 0, loc), true
}

// parseISO parses $time_iso8601: "2026-11-25T12:43:22+00:00".
func (c *clock) parseISO(b []byte) (time.Time, bool) {
	if len(b) != 25 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' || b[22] != ':' {
		return time.Time{}, false
	}
	y, ok1 := num(b[0:4])
	mo, ok2 := num(b[5:7])
	d, ok3 := num(b[8:10])
	h, ok4 := num(b[11:13])
	mi, ok5 := num(b[14:16])
	s, ok6 := num(b[17:19])
	loc, ok7 := c.offset(b[19], b[20:22], b[23:25])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) || !valid(mo, d, h, mi, s) {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, s, 0, loc), true
}

// offset returns the fixed zone of "+hh" "mm", reusing the last one.
func (c *clock) offset(sign byte, hh, mm []byte) (*time.Location, bool) {
	h, ok1 := num(hh)
	m, ok2 := num(mm)
	if !ok1 || !ok2 || sign != '+' && sign != '-' || h > 23 || m > 59 {
		return nil, false
	}
	off := (h*60 + m) * 60
	if sign == '-' {
		off = -off
	}
	if c.zone == nil || c.zoneOff != off {
		c.zone, c.zoneOff = time.FixedZone("", off), off
		if off == 0 {
			c.zone = time.UTC
		}
	}
	return c.zone, true
}

// valid bounds the calendar fields (time.Date would normalise nonsense).
func valid(mo, d, h, mi, s int) bool {
	return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 60
}

// parseMsec parses $msec: "1796185149.268" (seconds, milliseconds).
func parseMsec(b []byte) (time.Time, bool) {
	sec, frac, ok := fixedPoint(b)
	if !ok || sec > 1<<40 {
		return time.Time{}, false
	}
	return time.Unix(sec, frac), true
}

// parseSeconds parses nginx's "%T.%03M" times ("0.012"); -1 for "-".
func parseSeconds(b []byte) (time.Duration, bool) {
	if len(b) == 1 && b[0] == '-' {
		return -1, true
	}
	sec, frac, ok := fixedPoint(b)
	if !ok || sec > 1<<32 {
		return 0, false
	}
	return time.Duration(sec)*time.Second + time.Duration(frac), true
}

// fixedPoint parses "digits[.digits]" into whole units and nanoseconds.
func fixedPoint(b []byte) (whole, nanos int64, ok bool) {
	i := 0
	for i < len(b) && i < 15 && b[i] >= '0' && b[i] <= '9' {
		whole = whole*10 + int64(b[i]-'0')
		i++
	}
	if i == 0 {
		return 0, 0, false
	}
	if i == len(b) {
		return whole, 0, true
	}
	if b[i] != '.' || i+1 == len(b) {
		return 0, 0, false
	}
	scale := int64(1e9)
	for _, c := range b[i+1:] {
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		if scale > 1 {
			scale /= 10
			nanos += int64(c-'0') * scale
		}
	}
	return whole, nanos, true
}

// num parses a short run of ASCII digits.
func num(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(b) > 0
}
