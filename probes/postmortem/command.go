package postmortem

import (
	"strconv"
	"strings"
	"time"
)

// journalSinceLayout is the form journalctl's --since reads, in local time.
const journalSinceLayout = "2006-01-02 15:04:05"

// Bounds of the journal commands.
const (
	kernelJournalLines = 20000 // kernel lines since --since: an OOM kill logs ~40
	defaultUnitLines   = 50
)

// journalctlPaths is where journalctl is looked for: a fixed list, never
// $PATH, because ngx502 runs as root with whatever environment sudo kept.
func journalctlPaths() []string { return []string{"/usr/bin/journalctl", "/bin/journalctl"} }

// dmesgPaths is where dmesg is looked for, as journalctlPaths.
func dmesgPaths() []string { return []string{"/usr/bin/dmesg", "/bin/dmesg"} }

// Journalctl returns the first of /usr/bin/journalctl and /bin/journalctl
// root may run (owned by root, writable by no one else, nor any directory
// above it); the error says why each was refused.
func Journalctl() (string, error) { return firstTrusted("journalctl", journalctlPaths()) }

// KernelJournalArgv is the command that reads the kernel's messages of
// this boot since since (all of this boot when zero), the last 20000 at
// most: journalctl -k --since "YYYY-MM-DD HH:MM:SS" -n 20000 -o short-iso
// --no-pager -q, journalctl by absolute path (see Journalctl), since in
// local time. nil when no journalctl may run.
func KernelJournalArgv(since time.Time) []string {
	bin, err := Journalctl()
	if err != nil {
		return nil
	}
	argv := append([]string{bin, "-k"}, sinceArgs(since)...)
	return append(argv, "-n", strconv.Itoa(kernelJournalLines), "-o", "short-iso", "--no-pager", "-q")
}

// UnitJournalArgv is the command that reads the last lines (50 when not
// positive, at most 1000) of unit's journal since since (no bound when
// zero): journalctl -u UNIT -n N --no-pager -o short-iso --since
// "YYYY-MM-DD HH:MM:SS" -q. nil when no journalctl may run or unit is not a
// plain unit name.
func UnitJournalArgv(unit string, since time.Time, lines int) []string {
	if !plainUnitName(unit) {
		return nil
	}
	bin, err := Journalctl()
	if err != nil {
		return nil
	}
	if lines <= 0 {
		lines = defaultUnitLines
	}
	lines = min(lines, maxUnitLines)
	argv := []string{bin, "-u", unit, "-n", strconv.Itoa(lines), "--no-pager", "-o", "short-iso"}
	return append(append(argv, sinceArgs(since)...), "-q")
}

// DmesgArgv is the command that prints the kernel's ring buffer with wall
// clock stamps: dmesg --kernel --time-format iso --nopager --color=never,
// dmesg by absolute path from /usr/bin or /bin when root may run it. It
// needs CAP_SYSLOG where kernel.dmesg_restrict is set, so the caller runs
// it (Run) and parses its output with OOMKills. nil when no dmesg may run.
func DmesgArgv() []string {
	bin, err := firstTrusted("dmesg", dmesgPaths())
	if err != nil {
		return nil
	}
	return []string{bin, "--kernel", "--time-format", "iso", "--nopager", "--color=never"}
}

// sinceArgs is --since in local time, the zone journalctl reads it in
// (Run passes TZ on), or nothing for a zero since.
func sinceArgs(since time.Time) []string {
	if since.IsZero() {
		return nil
	}
	return []string{"--since", since.In(time.Local).Format(journalSinceLayout)}
}

// plainUnitName reports whether s may be passed as a unit name: no
// option, no glob, no path.
func plainUnitName(s string) bool {
	if s == "" || len(s) > 256 || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !alnum && !strings.ContainsRune(":_.@-\\", rune(c)) {
			return false
		}
	}
	return true
}
