package service

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// maxInitScripts bounds how many /etc/init.d entries are read to find the one naming a binary.
const maxInitScripts = 500

// systemdUnitDirs are unitDirs plus generator output: systemd-sysv-generator
// turns /etc/init.d/NAME into NAME.service there.
var systemdUnitDirs = append(append([]string{}, unitDirs...), "run/systemd/generator", "run/systemd/generator.late", "run/systemd/transient")

// detectSystemd: only when PID 1 is systemd; the unit is the process's cgroup
// unit when a process runs, else a unit file of the name asked.
func detectSystemd(q *query) (Owner, string, bool) {
	switch {
	case q.pid1 == "systemd" && !q.booted:
		return Owner{}, "PID 1 is systemd but /run/systemd/system is missing", false
	case !q.booted && q.pid1 == "":
		return Owner{}, "PID 1's comm is unreadable (" + q.procRoot + "/1/comm)", false
	case !q.booted:
		return Owner{}, fmt.Sprintf("PID 1 is %q, not systemd", q.pid1), false
	}
	if q.proc != nil {
		unit := UnitOfPID(q.procRoot, q.pid)
		if unit == "" {
			return Owner{}, fmt.Sprintf("PID 1 is systemd but pid %d runs in no .service cgroup: it was started outside systemd", q.pid), false
		}
		if user := userManagerOf(q.procRoot, q.pid); user != "" {
			return Owner{}, fmt.Sprintf("pid %d runs in %s under %s, the user's own systemd: systemctl --user as that user acts on it", q.pid, unit, user), false
		}
		fact := fmt.Sprintf("PID 1 is systemd and pid %d runs in %s (%s/%d/cgroup)", q.pid, unit, q.procRoot, q.pid)
		if q.unit != "" && q.unit != unit {
			fact += ", not in " + q.unit
		}
		return Owner{Name: unit}, fact, true
	}
	if q.unit == "" {
		return Owner{}, "PID 1 is systemd but no unit was named and no process runs", false
	}
	for _, dir := range systemdUnitDirs {
		if fileExists(q.root, filepath.Join(dir, q.unit)) {
			return Owner{Name: q.unit}, fmt.Sprintf("PID 1 is systemd; %s is /%s/%s", q.unit, dir, q.unit), true
		}
	}
	if strings.HasSuffix(q.unit, ".service") && fileExists(q.root, "etc/init.d/"+q.name) {
		return Owner{Name: q.unit}, fmt.Sprintf("PID 1 is systemd; systemd-sysv-generator makes %s from /etc/init.d/%s", q.unit, q.name), true
	}
	return Owner{}, fmt.Sprintf("PID 1 is systemd but no unit file %s is in /%s", q.unit, strings.Join(systemdUnitDirs, ", /")), false
}

// userManagerOf names the user@UID.service whose systemd runs pid's unit
// ("" for a system unit): the system's systemctl does not know user units.
func userManagerOf(procRoot string, pid int) string {
	b, err := readCapped(filepath.Join(procRoot, strconv.Itoa(pid), "cgroup"))
	if err != nil {
		return ""
	}
	for _, part := range strings.Split(string(b), "/") {
		if strings.HasPrefix(part, "user@") && strings.HasSuffix(part, ".service") && !strings.ContainsAny(part, "\n:") {
			if UnitFromCgroup(b) != part {
				return part
			}
		}
	}
	return ""
}

// detectOpenRC: /run/openrc exists and /etc/init.d/NAME is an openrc-run script.
func detectOpenRC(q *query) (Owner, string, bool) {
	if q.booted || !isDir(q.root, "run/openrc") {
		return Owner{}, "", false
	}
	name, why := q.scriptName()
	if name == "" {
		return Owner{}, why, false
	}
	script := "/etc/init.d/" + name
	head, err := scriptHead(q.root, script)
	if err != nil || !isOpenRCScript(head) {
		return Owner{}, "", false
	}
	how, why := q.scriptRunsIt(script)
	if why != "" {
		return Owner{}, why, false
	}
	return Owner{Name: name, Script: script},
		fmt.Sprintf("/run/openrc exists and %s is an openrc-run script%s%s", script, how, trustNote(q.root, script)), true
}

// detectRunitDir: nothing runs, but runsv supervises /etc/service/NAME (its
// supervise/ok FIFO exists only while runsv holds it). A running process is
// judged by its parent chain instead.
func detectRunitDir(q *query) (Owner, string, bool) {
	if q.proc != nil || q.name == "" {
		return Owner{}, "", false
	}
	for _, dir := range []string{"etc/service", "var/service", "etc/sv"} {
		svc := filepath.Join(dir, q.name)
		if !isDir(q.root, svc) {
			continue
		}
		if _, err := os.Stat(filepath.Join(q.root, svc, "supervise/ok")); err != nil {
			return Owner{}, fmt.Sprintf("/%s exists but no runsv supervises it (no supervise/ok)", svc), false
		}
		name := "/" + svc
		if dir == "etc/service" {
			name = q.name // Debian's sv looks names up in /etc/service
		}
		return Owner{Name: name}, fmt.Sprintf("runsv supervises /%s (supervise/ok exists)", svc), true
	}
	return Owner{}, "", false
}

// detectSysV: /etc/init.d/NAME is an executable script that is not
// openrc-run; service(8) and the script work whatever PID 1 is, except under
// systemd, where service(8) hands it to systemctl.
func detectSysV(q *query) (Owner, string, bool) {
	name, why := q.scriptName()
	if name == "" {
		return Owner{}, why, false
	}
	script := "/etc/init.d/" + name
	fi, err := os.Stat(filepath.Join(q.root, script))
	switch {
	case err != nil:
		return Owner{}, "", false
	case q.booted:
		return Owner{}, "PID 1 is systemd: service(8) hands " + script + " to systemctl", false
	case !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0:
		return Owner{}, fmt.Sprintf("%s is not an executable file (%v)", script, fi.Mode()), false
	}
	if head, err := scriptHead(q.root, script); err == nil && isOpenRCScript(head) {
		return Owner{}, script + " is an openrc-run script, but OpenRC does not run here (no /run/openrc)", false
	}
	how, why := q.scriptRunsIt(script)
	if why != "" {
		return Owner{}, why, false
	}
	return Owner{Name: name, Script: script},
		fmt.Sprintf("%s is an executable init script (PID 1 is %q; service(8) and the script work without init as PID 1)%s%s", script, q.pid1, how, trustNote(q.root, script)), true
}

// scriptName is the init script's name: the one asked for, else the only
// /etc/init.d script that names the running process's binary.
func (q *query) scriptName() (name, why string) {
	if q.name != "" {
		return q.name, ""
	}
	if q.proc == nil {
		return "", ""
	}
	bin := exeBase(*q.proc)
	if bin == "" {
		return "", fmt.Sprintf("pid %d's binary is unreadable, so no init script can be matched to it", q.pid)
	}
	if fileExists(q.root, "etc/init.d/"+bin) {
		return bin, ""
	}
	entries, _ := os.ReadDir(filepath.Join(q.root, "etc/init.d"))
	var hits []string
	for i, e := range entries {
		if i >= maxInitScripts {
			break
		}
		b, err := readScript(q.root, "/etc/init.d/"+e.Name())
		if err == nil && mentionsWord(string(b), bin) {
			hits = append(hits, e.Name())
		}
	}
	switch len(hits) {
	case 0:
		return "", ""
	case 1:
		return hits[0], ""
	}
	sort.Strings(hits)
	return "", fmt.Sprintf("init scripts %s all name %s: which one runs pid %d is not known", strings.Join(hits, ", "), bin, q.pid)
}

// exeBase is the process binary's file name, without the " (deleted)" the
// kernel appends once a package upgrade replaced it.
func exeBase(p Process) string {
	exe := strings.TrimSuffix(p.Exe, " (deleted)")
	if exe == "" {
		return ""
	}
	return filepath.Base(exe)
}

// mentionsWord reports whether text holds word not glued to other name characters.
func mentionsWord(text, word string) bool {
	isName := func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
	}
	for i := 0; word != ""; {
		k := strings.Index(text[i:], word)
		if k < 0 {
			return false
		}
		start, end := i+k, i+k+len(word)
		if (start == 0 || !isName(text[start-1])) && (end == len(text) || !isName(text[end])) {
			return true
		}
		i = start + 1
	}
	return false
}

// readScript reads an init script under root, capped like a unit file.
func readScript(root, rel string) ([]byte, error) {
	b, err := readCapped(filepath.Join(root, rel))
	if err != nil {
		return nil, err
	}
	return b[:min(len(b), maxUnitFile)], nil
}

// scriptHead is the script's first line, its #! line.
func scriptHead(root, rel string) (string, error) {
	b, err := readScript(root, rel)
	if err != nil {
		return "", err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return line, nil
}

// isOpenRCScript reports whether a #! line runs openrc-run (runscript before OpenRC 0.13).
func isOpenRCScript(head string) bool {
	return strings.HasPrefix(head, "#!") && (strings.Contains(head, "openrc-run") || strings.Contains(head, "/runscript"))
}

// trustNote is ", but ngx502 will not run it: WHY" for an untrusted script, else "".
func trustNote(root, script string) string {
	if ok, why := TrustFile(root, script); !ok {
		return ", but ngx502 will not run it: " + why
	}
	return ""
}

// isDir reports whether root/rel is a directory.
func isDir(root, rel string) bool {
	fi, err := os.Stat(filepath.Join(root, rel))
	return err == nil && fi.IsDir()
}

// fileExists reports whether root/rel exists (following symlinks).
func fileExists(root, rel string) bool {
	_, err := os.Stat(filepath.Join(root, rel))
	return err == nil
}
