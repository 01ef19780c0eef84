package postmortem

import (
	"io"
	"strings"
	"time"
)

// UnitEnd is how a systemd unit last stopped running, from systemd's own
// lines in its journal.
type UnitEnd struct {
	Time      time.Time // when systemd logged the first line of this end
	Code      string    // how the main (or control) process ended: "exited", "killed", "dumped"; "" when not logged
	Status    string    // its status as systemd wrote it: "255/EXCEPTION", "9/KILL"
	Result    string    // the unit's result: "oom-kill", "exit-code", "signal", "core-dump", "timeout", "start-limit-hit", "success"…
	OOMKilled bool      // systemd saw the kernel's (or systemd-oomd's) OOM killer kill a process of the unit
	Line      string    // the line that says most: the process's exit, else the result
}

// maxUnitLines bounds the journal lines ReadUnitJournal returns.
const maxUnitLines = 1000

// ReadUnitJournal reads journalctl -u UNIT -o short-iso output (see
// UnitJournalArgv) and returns the unit's last end, nil when systemd
// logged none, and its last keep lines (at most 1000). Only lines of systemd
// itself about unit (or about any unit when unit is "") count: a service
// may print anything.
func ReadUnitJournal(r io.Reader, unit string, keep int) (*UnitEnd, []string) {
	var (
		end  *UnitEnd
		last = ring{max: min(max(keep, 0), maxUnitLines)}
	)
	eachLine(r, func(line string) bool {
		if strings.HasPrefix(line, "-- ") {
			return true // journalctl's "-- Boot … --" and "-- No entries --"
		}
		last.add(line)
		stamp, ident, msg, ok := journalLine(line)
		if !ok || ident != "systemd" {
			return true
		}
		u, what, ok := strings.Cut(msg, ": ")
		if !ok || unit != "" && u != unit {
			return true
		}
		t, _ := parseISO(stamp)
		end = unitEvent(end, t, what, line)
		return true
	})
	return end, last.lines()
}

// ring keeps the last max lines added.
type ring struct {
	max   int
	buf   []string
	start int // index of the oldest line once buf is full
}

// add keeps line, forgetting the oldest when full.
func (r *ring) add(line string) {
	switch {
	case r.max == 0:
	case len(r.buf) < r.max:
		r.buf = append(r.buf, line)
	default:
		r.buf[r.start] = line
		r.start = (r.start + 1) % r.max
	}
}

// lines are the lines kept, oldest first; nil when none.
func (r *ring) lines() []string {
	if len(r.buf) == 0 {
		return nil
	}
	return append(r.buf[r.start:len(r.buf):len(r.buf)], r.buf[:r.start]...)
}

// unitEvent folds one message of systemd about the unit into the end it
// is telling of, starting a new end when the current one is complete.
func unitEvent(end *UnitEnd, t time.Time, what, line string) *UnitEnd {
	fresh := func() *UnitEnd { return &UnitEnd{Time: t, Line: line} }
	switch {
	case strings.HasPrefix(what, "Main process exited, ") || strings.HasPrefix(what, "Control process exited, "):
		code, status := exitFields(what)
		if end == nil || end.Code != "" || end.Result != "" {
			end = fresh()
		}
		end.Code, end.Status, end.Line = code, status, line
	case strings.HasPrefix(what, "Failed with result '"):
		result, _, _ := strings.Cut(strings.TrimPrefix(what, "Failed with result '"), "'")
		// systemd follows "Start request repeated too quickly" with this
		// result: it ends the same story.
		if end == nil || end.Result != "" && result != "start-limit-hit" {
			end = fresh()
		}
		end.Result = result
	case strings.HasPrefix(what, "Start request repeated too quickly"):
		if end == nil {
			end = fresh()
		}
		end.Result = "start-limit-hit"
	case strings.HasPrefix(what, "A process of this unit has been killed by the OOM killer"),
		strings.HasPrefix(what, "systemd-oomd killed"):
		if end == nil || end.Result != "" {
			end = fresh()
		}
		end.OOMKilled = true
	case strings.HasPrefix(what, "Deactivated successfully"):
		if end == nil || end.Result != "" {
			end = fresh()
		}
		end.Result = "success"
	}
	return end
}

// exitFields reads code and status out of "Main process exited,
// code=killed, status=9/KILL".
func exitFields(what string) (code, status string) {
	for _, f := range strings.Split(what, ", ") {
		if v, ok := strings.CutPrefix(f, "code="); ok {
			code = v
		} else if v, ok := strings.CutPrefix(f, "status="); ok {
			status = strings.TrimSuffix(v, ".")
		}
	}
	return code, status
}
