package service

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// maxSupervisorFiles bounds how many supervisord config files are read.
const maxSupervisorFiles = 200

// supervisorMainConfigs are supervisord's own defaults, first found wins.
var supervisorMainConfigs = []string{"etc/supervisord.conf", "etc/supervisor/supervisord.conf"}

// supervisorDropIns are read too when supervisord runs without -c: Debian's
// and RHEL's include directories, in case the main file is elsewhere.
var supervisorDropIns = []string{"etc/supervisor/conf.d/*.conf", "etc/supervisord.d/*.ini", "etc/supervisord.d/*.conf"}

// supervisorSet is every program the configs define, with its group.
type supervisorSet struct {
	programs []supervisorProgram
	group    map[string]string // program → the [group:] that lists it
	pidFiles []string          // [supervisord] pidfile= values, in-box
	files    []string          // in-box paths read
}

// loadSupervisor reads conf (in-box, "" for the defaults) and the files its
// [include] globs name, one level deep as supervisord allows, then the usual
// drop-in directories when conf was not given. Regular files only, capped.
func loadSupervisor(root, conf string) supervisorSet {
	set := supervisorSet{group: map[string]string{}}
	seen := map[string]bool{}
	read := func(rel string) *supervisorConfig {
		if seen[rel] || len(set.files) >= maxSupervisorFiles {
			return nil
		}
		seen[rel] = true
		b, err := readCapped(filepath.Join(root, rel))
		if err != nil {
			return nil
		}
		set.files = append(set.files, rel)
		cfg := parseSupervisorConfig(b, rel)
		set.programs = append(set.programs, cfg.Programs...)
		for g, progs := range cfg.Groups {
			for _, p := range progs {
				set.group[p] = g
			}
		}
		if cfg.PidFile != "" {
			set.pidFiles = append(set.pidFiles, cfg.PidFile)
		}
		return &cfg
	}
	mains := []string{conf}
	if conf == "" {
		mains = nil
		for _, m := range supervisorMainConfigs {
			if fileExists(root, m) {
				mains = []string{"/" + m}
				break
			}
		}
	}
	for _, m := range mains {
		cfg := read(m)
		if cfg == nil {
			continue
		}
		for _, g := range cfg.Includes {
			if !filepath.IsAbs(g) {
				g = filepath.Join(filepath.Dir(m), g) // supervisord: relative to the including file
			}
			matches, _ := filepath.Glob(filepath.Join(root, g))
			for _, f := range matches {
				read(inBox(root, f))
			}
		}
	}
	if conf == "" {
		for _, g := range supervisorDropIns {
			matches, _ := filepath.Glob(filepath.Join(root, g))
			for _, f := range matches {
				read(inBox(root, f))
			}
		}
	}
	return set
}

// inBox turns a host path under root back into the box's own path.
func inBox(root, host string) string {
	rel, err := filepath.Rel(root, host)
	if err != nil {
		return host
	}
	return "/" + filepath.ToSlash(rel)
}

// isSupervisord reports whether p is supervisord: its comm, or the script a
// Python interpreter runs ("python3 /usr/bin/supervisord", "-m supervisor.supervisord").
func isSupervisord(p Process) bool {
	if p.Comm == "supervisord" {
		return true
	}
	for _, a := range p.Argv[:min(len(p.Argv), 3)] {
		if filepath.Base(a) == "supervisord" || a == "supervisor.supervisord" {
			return true
		}
	}
	return false
}

// supervisordConf is the -c/--configuration file supervisord was started
// with, made absolute against its cwd; "" when it uses its defaults.
func supervisordConf(p Process) string {
	var conf string
	for i, a := range p.Argv {
		switch {
		case (a == "-c" || a == "--configuration") && i+1 < len(p.Argv):
			conf = p.Argv[i+1]
		case strings.HasPrefix(a, "--configuration="):
			conf = strings.TrimPrefix(a, "--configuration=")
		case strings.HasPrefix(a, "-c") && len(a) > 2 && !strings.HasPrefix(a, "--"):
			conf = a[2:]
		}
	}
	if conf != "" && !filepath.IsAbs(conf) && p.Cwd != "" {
		conf = filepath.Join(p.Cwd, conf)
	}
	return conf
}

// detectSupervisorChain: the innermost supervisor among pid's ancestors
// (supervisord, runsv or s6-supervise) restarts it, whatever init also knows.
func detectSupervisorChain(q *query) (Owner, string, bool) {
	if q.proc == nil {
		return Owner{}, "", false
	}
	child := *q.proc
	for _, a := range q.chain {
		switch {
		case isSupervisord(a):
			return supervisordOwner(q, a, child)
		case a.Comm == "runsv":
			return superviseOwner(q, Runit, a, child)
		case a.Comm == "s6-supervise":
			return superviseOwner(q, S6, a, child)
		}
		child = a
	}
	return Owner{}, "", false
}

// superviseOwner: runsv and s6-supervise run in the service directory they supervise.
func superviseOwner(q *query, m Manager, sup, child Process) (Owner, string, bool) {
	dir := sup.Cwd
	if dir == "" && len(sup.Argv) > 1 && filepath.IsAbs(sup.Argv[1]) {
		dir = sup.Argv[1]
	}
	o := Owner{Manager: m, Name: dir}
	if m == Runit && dir != "" && fileExists(q.root, "etc/service/"+filepath.Base(dir)) {
		o.Name = filepath.Base(dir) // Debian's sv looks names up in /etc/service
	}
	fact := fmt.Sprintf("pid %d (%s) is supervised by %s (pid %d) in %s", child.PID, child.Comm, sup.Comm, sup.PID, orUnknown(dir))
	return o, fact, true
}

// supervisordOwner names the [program:] whose command= started child, the
// process supervisord forked. No match still means supervisord owns it: an
// init script would fight its autorestart, so the owner has no Name.
func supervisordOwner(q *query, sup, child Process) (Owner, string, bool) {
	conf := supervisordConf(sup)
	set := loadSupervisor(q.root, conf)
	o := Owner{Manager: Supervisord, Config: conf}
	head := fmt.Sprintf("pid %d's parent chain reaches supervisord (pid %d)", q.pid, sup.PID)
	if child.PID != q.pid {
		head += fmt.Sprintf(" through pid %d (%s)", child.PID, child.Comm)
	}
	if len(set.files) == 0 {
		return o, head + ", but no supervisord config is readable (" + orDefault(conf, "/etc/supervisord.conf, /etc/supervisor/") + ")", true
	}
	name, how, ok := set.match(child)
	if !ok {
		return o, fmt.Sprintf("%s, but no [program:] command= in %s matches %s: %s", head, strings.Join(set.files, ", "), Command{Argv: child.Argv}, how), true
	}
	o.Name = name
	return o, head + "; " + how, true
}

// maxMatchTries bounds command comparisons in all, whatever numprocs say.
const maxMatchTries = 5000

// match finds the program whose command= is child's argv (an interpreter
// in front allowed), else the only one whose binary is child's. Instances of
// a program differ only through %(process_num); without it, all of them run
// one command and the match names them all ("NAME:*").
func (s supervisorSet) match(child Process) (name, how string, ok bool) {
	var byArgv, byBinary []string
	tries := 0
	for _, p := range s.programs {
		g := s.group[p.Name]
		instances := min(p.NumProcs, maxNumProcs)
		if !strings.Contains(p.Command, "%(process_num)") {
			instances = 1
		}
		for num := range instances {
			if tries++; tries > maxMatchTries {
				break
			}
			vars := map[string]string{"program_name": p.Name, "process_num": strconv.Itoa(num),
				"group_name": orDefault(g, p.Name), "numprocs": strconv.Itoa(p.NumProcs), "here": filepath.Dir(p.File)}
			words := splitSupervisorCommand(expandSupervisor(p.Command, vars))
			where := fmt.Sprintf("[program:%s] %s:%d", p.Name, p.File, p.Line)
			ctl := p.ctlName(g, vars)
			if instances == 1 && p.NumProcs > 1 {
				ctl = orDefault(g, p.Name) + ":*"
				where += fmt.Sprintf(" (all %d instances run it, so all restart)", p.NumProcs)
			}
			switch {
			case argvMatches(words, child.Argv):
				byArgv = append(byArgv, ctl+"\x00"+where+" command= matches its argv")
			case len(words) > 0 && exeBase(child) != "" && filepath.Base(words[0]) == exeBase(child) && num == 0:
				byBinary = append(byBinary, ctl+"\x00"+where+" runs "+exeBase(child)+", its binary (its argv was rewritten)")
			}
		}
	}
	for _, hits := range [][]string{byArgv, byBinary} {
		switch len(hits) {
		case 0:
			continue
		case 1:
			name, how, _ := strings.Cut(hits[0], "\x00")
			return name, how, true
		}
		var names []string
		for _, h := range hits {
			n, _, _ := strings.Cut(h, "\x00")
			names = append(names, n)
		}
		return "", "programs " + strings.Join(names, ", ") + " all match", false
	}
	return "", "none does", false
}

// ctlName is what supervisorctl calls the process: "app", or "group:process"
// when a [group:] lists it or process_name differs from the program name.
func (p supervisorProgram) ctlName(group string, vars map[string]string) string {
	proc := p.Name
	if p.ProcessName != "" {
		proc = expandSupervisor(p.ProcessName, vars)
	}
	g := orDefault(group, p.Name)
	if g == proc {
		return proc
	}
	return g + ":" + proc
}

// argvMatches reports whether command words equal argv, comparing the
// program by file name (supervisord finds it on PATH), allowing words with
// unexpanded %(…)s to match anything in their place, and allowing argv to
// start with the interpreter the kernel put in front of a #! script.
func argvMatches(words, argv []string) bool {
	eq := func(argv []string) bool {
		if len(words) == 0 || len(words) != len(argv) || filepath.Base(words[0]) != filepath.Base(argv[0]) {
			return false
		}
		for i := 1; i < len(words); i++ {
			if !wordMatches(words[i], argv[i]) {
				return false
			}
		}
		return true
	}
	return eq(argv) || (len(argv) > 1 && eq(argv[1:]))
}

// wordMatches compares one command word with one argv word, %(…)s in word matching any text.
func wordMatches(word, arg string) bool {
	if !strings.Contains(word, "%(") {
		return word == arg
	}
	parts := interpolation.Split(word, -1)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	re, err := regexp.Compile("^" + strings.Join(parts, ".*") + "$")
	return err == nil && re.MatchString(arg)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func orUnknown(s string) string { return orDefault(s, "an unknown directory") }
