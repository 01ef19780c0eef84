package postmortem

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Death is what the box keeps about why a service (or process) died.
type Death struct {
	OOM     []OOMKill  // the kernel's OOM kills of the process, oldest first
	Unit    *UnitEnd   // how its systemd unit last ended; nil when no unit or no end logged
	FPM     []FPMEvent // php-fpm's own log, oldest first
	Tail    []string   // the last lines of the unit's journal, else of the init script's log
	Sources []string   // what was read: files, and commands as run
	Missing []string   // what could not be read, and why
	At      time.Time  // when it was gathered; Reason dates events of other days
}

// reasonRule turns a Death into a sentence, or "" when it does not apply.
type reasonRule struct {
	name string
	say  func(d Death) string
}

// reasonRules are tried in order; the first that speaks is the reason.
// The kernel and systemd say how the process ended; php-fpm's last word
// (a failed bind, a stop) says it only when nothing came after it; the
// children it lost and the limits it hit are what it went through before.
func reasonRules() []reasonRule {
	return []reasonRule{
		{"kernel-oom-kill", sayKernelOOM},
		{"unit-oom-kill", sayUnitOOM},
		{"fpm-bind-failed", sayFPMBind},
		{"unit-start-limit", sayStartLimit},
		{"unit-signal", sayUnitSignal},
		{"unit-exit-status", sayUnitExit},
		{"unit-failed", sayUnitFailed},
		{"fpm-terminated", sayFPMTerminated},
		{"unit-stopped", sayUnitStopped},
		{"fpm-child-signal", sayFPMChildSignal},
		{"fpm-max-children", sayFPMMaxChildren},
	}
}

// Reason is one plain sentence saying why it died, from the strongest
// evidence gathered, or "" when nothing says.
func (d Death) Reason() string {
	for _, r := range reasonRules() {
		if s := r.say(d); s != "" {
			return s
		}
	}
	return ""
}

// sayKernelOOM speaks of the last OOM kill, unless the unit ended well
// after it (the kill was of another process of the unit, which survived).
func sayKernelOOM(d Death) string {
	if len(d.OOM) == 0 {
		return ""
	}
	k := d.OOM[len(d.OOM)-1]
	if u := d.Unit; u != nil && !u.Time.IsZero() && !k.Time.IsZero() && k.Time.Before(u.Time.Add(-time.Minute)) {
		return ""
	}
	what := []string{k.Name, fmt.Sprintf("pid %d", k.PID)}
	if k.RSS != "" {
		what = append(what, "anon-rss "+humanKB(k.RSS))
	}
	if k.Cgroup != "" {
		what = append(what, "cgroup "+k.Cgroup)
	}
	s := "killed by the kernel's OOM killer"
	if n := len(d.OOM); n > 1 {
		s += fmt.Sprintf(" %d times%s, the last", n, d.since(d.OOM[0].Time, clockLayout))
	}
	return s + d.at(k.Time) + " (" + strings.Join(what, ", ") + ")"
}

// sayUnitOOM is systemd's word for an OOM kill the kernel's lines did not show.
func sayUnitOOM(d Death) string {
	if u := d.Unit; u != nil && (u.Result == "oom-kill" || u.OOMKilled) {
		return "killed by the OOM killer" + d.at(u.Time) + " (systemd says so; the kernel's lines were not found)"
	}
	return ""
}

// sayFPMBind is php-fpm failing to listen, when that is its last word.
func sayFPMBind(d Death) string {
	e, ok := finalFPM(d.FPM)
	if !ok || e.Kind != FPMBindFailed {
		return ""
	}
	return "php-fpm could not listen on " + e.Detail + d.at(e.Last)
}

// sayStartLimit is systemd giving up restarting the unit.
func sayStartLimit(d Death) string {
	u := d.Unit
	if u == nil || u.Result != "start-limit-hit" {
		return ""
	}
	if u.Code != "" {
		return processEnd(u) + ", and systemd stopped restarting it (start request repeated too quickly)" + d.at(u.Time)
	}
	return "systemd stopped restarting it: start request repeated too quickly" + d.at(u.Time)
}

// sayUnitSignal is the main process killed by a signal.
func sayUnitSignal(d Death) string {
	if u := d.Unit; u != nil && (u.Code == "killed" || u.Code == "dumped") {
		return processEnd(u) + d.at(u.Time)
	}
	return ""
}

// sayUnitExit is the main process exiting with a failing status.
func sayUnitExit(d Death) string {
	if u := d.Unit; u != nil && u.Code == "exited" && !strings.HasPrefix(u.Status, "0/") && u.Status != "0" {
		return processEnd(u) + d.at(u.Time)
	}
	return ""
}

// sayUnitFailed is any other failing result.
func sayUnitFailed(d Death) string {
	if u := d.Unit; u != nil && u.Result != "" && u.Result != "success" {
		return fmt.Sprintf("systemd marked it failed with result '%s'%s", u.Result, d.at(u.Time))
	}
	return ""
}

// processEnd says how the unit's process ended.
func processEnd(u *UnitEnd) string {
	switch u.Code {
	case "killed":
		return "killed by signal " + u.Status
	case "dumped":
		return "crashed with signal " + u.Status + " (core dumped)"
	}
	return "exited with status " + u.Status
}

// sayFPMChildSignal counts php-fpm children killed by signals.
func sayFPMChildSignal(d Death) string {
	n, first, last := countFPM(d.FPM, FPMChildSignal)
	if n == 0 {
		return ""
	}
	s := fmt.Sprintf("a php-fpm child was killed by signal %s (pid %d)%s", last.Detail, last.PID, d.at(last.Last))
	if n > 1 {
		s = fmt.Sprintf("php-fpm children were killed by signals %d times%s, the last by %s (pid %d)%s",
			n, d.since(first.Time, clockLayout), last.Detail, last.PID, d.at(last.Last))
	}
	return s
}

// sayFPMMaxChildren counts how often php-fpm ran out of children.
func sayFPMMaxChildren(d Death) string {
	n, first, last := countFPM(d.FPM, FPMMaxChildren)
	if n == 0 {
		return ""
	}
	times := "once"
	if n > 1 {
		times = fmt.Sprintf("%d times", n)
	}
	return fmt.Sprintf("php-fpm reached pm.max_children (%s) %s%s", last.Detail, times, d.since(first.Time, minuteLayout))
}

// sayFPMTerminated is php-fpm told to stop, when that is its last word.
func sayFPMTerminated(d Death) string {
	if e, ok := finalFPM(d.FPM); ok && e.Kind == FPMTerminated {
		return "php-fpm was told to stop" + d.at(e.Last) + " (its log says \"Terminating ...\" or \"Finishing ...\")"
	}
	return ""
}

// sayUnitStopped is a clean stop.
func sayUnitStopped(d Death) string {
	if u := d.Unit; u != nil && u.Result == "success" {
		return "stopped cleanly" + d.at(u.Time) + " (systemd: deactivated successfully)"
	}
	return ""
}

// lastFPM is the latest event of kind.
func lastFPM(events []FPMEvent, kind string) (FPMEvent, bool) {
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].Kind == kind {
			return events[i], true
		}
	}
	return FPMEvent{}, false
}

// finalFPM is the event last logged, of any kind but other ("FPM
// initialization failed" and the like follow what they are about). A
// folded event was last logged at its Last.
func finalFPM(events []FPMEvent) (FPMEvent, bool) {
	var final FPMEvent
	found := false
	for _, e := range events {
		if e.Kind != FPMOther && (!found || !e.Last.Before(final.Last)) {
			final, found = e, true
		}
	}
	return final, found
}

// countFPM adds up the events of kind, with the first and the last.
func countFPM(events []FPMEvent, kind string) (n int, first, last FPMEvent) {
	for _, e := range events {
		if e.Kind == kind {
			if n == 0 {
				first = e
			}
			n, last = n+e.Count, e
		}
	}
	return n, first, last
}

// Layouts of times in Reason: the day is added when it is not d.At's.
const (
	clockLayout  = "15:04:05"
	minuteLayout = "15:04"
)

// at is " at TIME", or "" for a zero t.
func (d Death) at(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return " at " + d.when(t, clockLayout)
}

// since is " since TIME", or "" for a zero t.
func (d Death) since(t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	return " since " + d.when(t, layout)
}

// when formats t in local time, with its date unless it is d.At's day.
func (d Death) when(t time.Time, layout string) string {
	t = t.In(time.Local)
	if d.At.IsZero() || t.Format(time.DateOnly) != d.At.In(time.Local).Format(time.DateOnly) {
		return t.Format(time.DateOnly + " " + layout)
	}
	return t.Format(layout)
}

// humanKB turns the kernel's "524288kB" into "512 MiB"; other text stays.
func humanKB(v string) string {
	n, err := strconv.ParseUint(strings.TrimSuffix(v, "kB"), 10, 64)
	if err != nil || !strings.HasSuffix(v, "kB") {
		return v
	}
	switch {
	case n >= 10<<20:
		return fmt.Sprintf("%d GiB", (n+1<<19)>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d MiB", (n+1<<9)>>10)
	}
	return fmt.Sprintf("%d KiB", n)
}
