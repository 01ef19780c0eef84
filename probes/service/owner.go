package service

import (
	"fmt"
	"strings"
)

// Owner is who controls one service and the name it knows that service by:
// the answer CommandFor turns into argv.
type Owner struct {
	Manager Manager
	// Name is what the manager calls it: the systemd unit ("php8.2-fpm.service"),
	// the init script's name ("php8.2-fpm"), sv's name or service directory,
	// s6's service directory, supervisorctl's name ("app" or "web:app"), the
	// container ID; "" for a plain process.
	Name    string
	Script  string   // SysV and OpenRC: the in-box init script, "/etc/init.d/php8.2-fpm"
	Config  string   // Supervisord: the -c file it runs with, "" for supervisorctl's default
	Runtime string   // InContainer: "docker", "podman", "containerd", "cri-o" or "kubernetes"
	Process *Process // the process asked about (pid > 0); for PlainProcess the whole answer
}

// Evidence says how ManagerFor knows: never a guess, always what it read.
type Evidence struct {
	Facts   []string // what decided it, in the order read
	Skipped []string // the managers looked at that do not control it, and why
}

// String joins the facts, then the skipped managers, for a report line.
func (e Evidence) String() string {
	s := strings.Join(e.Facts, "; ")
	if len(e.Skipped) > 0 {
		if s != "" {
			s += "; "
		}
		s += "not " + strings.Join(e.Skipped, "; not ")
	}
	return s
}

// query is one ManagerFor question with the facts read once for every detector.
type query struct {
	root, procRoot string
	unit           string   // as given, normalised to "NAME.service" when it had no type
	name           string   // the init-script name, unit without ".service"
	pid            int      // 0 when nothing runs
	proc           *Process // pid's facts; nil when pid is 0 or gone
	chain          []Process
	pid1           string // PID 1's comm
	booted         bool   // systemd is PID 1 and /run/systemd/system exists
}

// detector is one rule of ManagerFor: ok with the owner and the fact that
// decided it, or not ok with why ("" when the rule does not apply at all).
type detector struct {
	manager Manager
	detect  func(q *query) (o Owner, fact string, ok bool)
}

// detectors are tried in order; the first that answers wins. Containers and
// supervisors in the parent chain come first: they restart the process even
// when the box's init also knows a script of that name.
var detectors = []detector{
	{InContainer, detectContainer},
	{Supervisord, detectSupervisorChain},
	{Systemd, detectSystemd},
	{OpenRC, detectOpenRC},
	{Runit, detectRunitDir},
	{SysV, detectSysV},
	{PlainProcess, detectPlain},
}

// ManagerFor says which manager controls the service unit (a unit or init
// script name, "php8.2-fpm" or "php8.2-fpm.service"; may be "") whose process
// is pid (0 when nothing runs), reading files under root ("/") and processes
// under procRoot ("/proc"). Systemd only when PID 1 is systemd; OpenRC when
// /run/openrc exists and the script is an openrc-run one; SysV when
// /etc/init.d/NAME is executable, even when PID 1 is not init; runit, s6 and
// supervisord from the process's parent chain (or, for runit with nothing
// running, a supervised /etc/service/NAME); a container from the process's
// cgroup; a plain process with its argv, user and cwd. None when nothing
// answers; the Evidence says why in every case.
func ManagerFor(root, procRoot, unit string, pid int) (Owner, Evidence) {
	var ev Evidence
	if !plainName(unit) {
		ev.Skipped = append(ev.Skipped, fmt.Sprintf("every manager: %q is not a plain service name", unit))
		unit = ""
	}
	q := newQuery(root, procRoot, unit, pid)
	if q.proc != nil {
		ev.Facts = append(ev.Facts, fmt.Sprintf("pid %d is %s", pid, describe(*q.proc)))
	} else if pid > 0 {
		ev.Facts = append(ev.Facts, fmt.Sprintf("pid %d is not running (no %s/%d/stat)", pid, procRoot, pid))
	}
	for _, d := range detectors {
		o, fact, ok := d.detect(q)
		if ok {
			if o.Manager == "" {
				o.Manager = d.manager
			}
			if o.Process == nil {
				o.Process = q.proc
			}
			ev.Facts = append(ev.Facts, fact)
			return o, ev
		}
		if fact != "" {
			ev.Skipped = append(ev.Skipped, string(d.manager)+": "+fact)
		}
	}
	return Owner{Manager: None, Process: q.proc}, ev
}

func newQuery(root, procRoot, unit string, pid int) *query {
	q := &query{root: root, procRoot: procRoot, pid: pid}
	if unit != "" {
		q.name = initName(unit)
		q.unit = unit
		if !hasUnitType(unit) {
			q.unit = unit + ".service"
		}
	}
	if pid > 0 {
		if p, err := ReadProcess(procRoot, root, pid); err == nil {
			q.proc = &p
			q.chain = ancestors(procRoot, root, pid)
		}
	}
	if b, err := readCapped(procRoot + "/1/comm"); err == nil {
		q.pid1 = strings.TrimSpace(string(b))
	} else if p1, err := ReadProcess(procRoot, root, 1); err == nil {
		q.pid1 = p1.Comm
	}
	q.booted = q.pid1 == "systemd" && isDir(root, "run/systemd/system")
	return q
}

// plainName reports whether a service name can be handed to a manager as
// one argv word: no path, no option, nothing a terminal would misprint.
func plainName(name string) bool {
	if strings.HasPrefix(name, "-") || strings.Contains(name, "/") || name == "." || name == ".." {
		return false
	}
	for _, r := range name {
		if r <= ' ' || r == 0x7f {
			return false
		}
	}
	return true
}

// unitTypes are the systemd unit suffixes a name given as a unit may carry.
var unitTypes = []string{".service", ".socket", ".target", ".mount", ".timer", ".path", ".scope", ".slice"}

// hasUnitType reports whether unit already ends in a systemd unit type.
func hasUnitType(unit string) bool {
	for _, t := range unitTypes {
		if strings.HasSuffix(unit, t) {
			return true
		}
	}
	return false
}

// describe is a process in a few words: "php-fpm8.2 (/usr/sbin/php-fpm8.2), uid 0 (root)".
func describe(p Process) string {
	s := p.Comm
	if p.Exe != "" {
		s += " (" + p.Exe + ")"
	}
	if p.User != "" {
		s += fmt.Sprintf(", uid %d (%s)", p.UID, p.User)
	} else if p.UID >= 0 {
		s += fmt.Sprintf(", uid %d", p.UID)
	}
	return s
}

// detectPlain: a process no manager controls; its facts are all there is.
func detectPlain(q *query) (Owner, string, bool) {
	if q.proc == nil {
		return Owner{}, "", false
	}
	return Owner{Process: q.proc}, fmt.Sprintf("no manager controls pid %d: it was started %s", q.pid, q.proc.HandStart()), true
}

// detectContainer: the process's cgroup names a container other than ngx502's own.
func detectContainer(q *query) (Owner, string, bool) {
	if q.proc == nil {
		return Owner{}, "", false
	}
	c, self, ok := containerOf(q.procRoot, q.pid)
	switch {
	case !ok:
		return Owner{}, "", false
	case self:
		return Owner{}, fmt.Sprintf("pid %d shares ngx502's own %s container %.12s, so the managers inside it are the ones to use", q.pid, c.Runtime, c.ID), false
	}
	return Owner{Name: c.ID, Runtime: c.Runtime},
		fmt.Sprintf("pid %d runs in %s container %.12s (%s/%d/cgroup)", q.pid, c.Runtime, c.ID, q.procRoot, q.pid), true
}
