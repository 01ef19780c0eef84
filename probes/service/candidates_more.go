package service

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// supervisorCandidates: supervisord programs whose command= or fcgi socket= names the address.
func supervisorCandidates(root string, w addrWant) []Candidate {
	set := loadSupervisor(root, "")
	var out []Candidate
	for _, p := range set.programs {
		g := set.group[p.Name]
		vars := map[string]string{"program_name": p.Name, "process_num": "0",
			"group_name": orDefault(g, p.Name), "numprocs": strconv.Itoa(p.NumProcs), "here": filepath.Dir(p.File)}
		cmd := expandSupervisor(p.Command, vars)
		c := Candidate{Unit: p.ctlName(g, vars), Manager: Supervisord, File: filepath.Join(root, p.File), Line: p.Line}
		switch {
		case p.Socket != "" && w.exact(p.Socket, false):
			c.Text, c.Sure = "socket="+p.Socket, true
			c.Why = fmt.Sprintf("supervisord binds it for [fcgi-program:%s] (%s); sure: supervisord listens there itself", p.Name, p.File)
		case w.mentions(cmd):
			c.Text = "command=" + p.Command
			c.Sure = w.exactIn(splitSupervisorCommand(cmd))
			c.Why = fmt.Sprintf("[program:%s] command= names it (%s:%d)", p.Name, p.File, p.Line)
			if !c.Sure {
				c.Why += "; not sure: it is not written as a listen address"
			}
		default:
			continue
		}
		out = append(out, c)
	}
	return out
}

// defaultCandidates: /etc/default/NAME of an init script or unit NAME that
// names the address. Sure only when it is written as a listen address and
// the script or unit reads /etc/default.
func defaultCandidates(root string, w addrWant) []Candidate {
	entries, _ := os.ReadDir(filepath.Join(root, "etc/default"))
	var out []Candidate
	for i, e := range entries {
		if i >= maxDefaultFiles {
			break
		}
		name := e.Name()
		script, hasScript := "/etc/init.d/"+name, fileExists(root, "etc/init.d/"+name)
		unitFile := ""
		for _, dir := range unitDirs {
			if fileExists(root, filepath.Join(dir, name+".service")) {
				unitFile = "/" + dir + "/" + name + ".service"
				break
			}
		}
		if !hasScript && unitFile == "" {
			continue
		}
		c, ok := scanDefault(filepath.Join(root, "etc/default", name), w)
		if !ok {
			continue
		}
		reader := unitFile
		if hasScript {
			reader = script
		}
		b, _ := readScript(root, reader)
		reads := strings.Contains(string(b), "/etc/default/")
		c.Unit, c.Sure = name+".service", c.Sure && reads
		c.Why = fmt.Sprintf("%s, the configuration of %s, names it (line %d)", c.File, reader, c.Line)
		switch {
		case !reads:
			c.Why += fmt.Sprintf("; not sure: %s does not read /etc/default", reader)
		case !c.Sure:
			c.Why += "; not sure: it is not written as a listen address"
		}
		out = append(out, c)
	}
	return out
}

// scanDefault returns the surest uncommented line of a shell-style default
// file that names the address.
func scanDefault(path string, w addrWant) (Candidate, bool) {
	b, err := readCapped(path)
	if err != nil {
		return Candidate{}, false
	}
	var first Candidate
	found := false
	for n, line := range strings.Split(string(b[:min(len(b), maxUnitFile)]), "\n") {
		text := strings.TrimSpace(line)
		if text == "" || text[0] == '#' || !w.mentions(text) {
			continue
		}
		c := Candidate{File: path, Line: n + 1, Text: text}
		_, val, _ := strings.Cut(text, "=")
		if w.exactIn(strings.Fields(strings.Trim(val, `"'`))) {
			c.Sure = true
			return c, true
		}
		if !found {
			first, found = c, true
		}
	}
	return first, found
}

// supervisordPidFiles are where supervisord writes its pid when the config does not say.
var supervisordPidFiles = []string{"/var/run/supervisord.pid", "/run/supervisord.pid", "/tmp/supervisord.pid"}

// ManagerForCandidate says who would start c: ManagerFor for a unit or
// init-script name; for a supervisord program, the running supervisord
// found through its pid file (no supervisord running: None).
func ManagerForCandidate(root, procRoot string, c Candidate) (Owner, Evidence) {
	if c.Manager != Supervisord {
		return ManagerFor(root, procRoot, c.Unit, 0)
	}
	set := loadSupervisor(root, "")
	var ev Evidence
	for _, pf := range append(set.pidFiles, supervisordPidFiles...) {
		b, err := readCapped(filepath.Join(root, pf))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 {
			ev.Skipped = append(ev.Skipped, fmt.Sprintf("supervisord: %s holds no pid", pf))
			continue
		}
		p, err := ReadProcess(procRoot, root, pid)
		if err != nil || !isSupervisord(p) {
			ev.Skipped = append(ev.Skipped, fmt.Sprintf("supervisord: %s names pid %d, which is not a running supervisord", pf, pid))
			continue
		}
		ev.Facts = append(ev.Facts, fmt.Sprintf("supervisord runs as pid %d (%s) and defines %s (%s:%d)", pid, pf, c.Unit, c.File, c.Line))
		return Owner{Manager: Supervisord, Name: c.Unit, Config: supervisordConf(p)}, ev
	}
	ev.Skipped = append(ev.Skipped, "supervisord: "+c.Unit+" is a supervisord program, but no supervisord runs (no live pid file)")
	return Owner{Manager: None}, ev
}
