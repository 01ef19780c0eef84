package service

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// maxScriptPidFiles bounds how many pid file paths of one script are checked.
const maxScriptPidFiles = 8

// pidFilePath is a literal pid file path in a script ("/run/php/php8.2-fpm.pid");
// paths built from variables are not followed.
var pidFilePath = regexp.MustCompile(`/[A-Za-z0-9_./@+-]+\.pid\b`)

// scriptRunsIt tells whether script is the one that runs q's process. With
// no process it is (nothing to check). Else the script must name the
// process's binary, and when it names pid files one of them must hold the
// process or one of its parents (a worker's master): a php-fpm started by
// hand is not the script's even though the script names php-fpm8.2. how is
// the confirming fact (", its pid file … holds pid N"); why, when not "",
// says why the script does not run it.
func (q *query) scriptRunsIt(script string) (how, why string) {
	if q.proc == nil {
		return "", ""
	}
	bin := exeBase(*q.proc)
	if bin == "" {
		return "", fmt.Sprintf("pid %d's binary is unreadable, so %s cannot be matched to it", q.pid, script)
	}
	b, err := readScript(q.root, script)
	if err != nil {
		return "", fmt.Sprintf("cannot read %s: %v", script, err)
	}
	if !mentionsWord(string(b), bin) {
		return "", fmt.Sprintf("%s does not name %s, pid %d's binary", script, bin, q.pid)
	}
	files := scriptPidFiles(b)
	if len(files) == 0 {
		return fmt.Sprintf("; it names %s, pid %d's binary (and no pid file to confirm it started this one)", bin, q.pid), ""
	}
	ours := []int{q.pid}
	for _, a := range q.chain {
		ours = append(ours, a.PID)
	}
	var seen []string
	for _, f := range files {
		data, err := readCapped(filepath.Join(q.root, f))
		if err != nil {
			seen = append(seen, f+" is absent")
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
		switch {
		case err != nil:
			seen = append(seen, f+" holds no pid")
		case slices.Contains(ours, pid):
			return fmt.Sprintf("; its pid file %s holds pid %d, which runs %s", f, pid, bin), ""
		default:
			seen = append(seen, fmt.Sprintf("%s holds pid %d", f, pid))
		}
	}
	return "", fmt.Sprintf("%s names %s, but did not start pid %d: %s", script, bin, q.pid, strings.Join(seen, ", "))
}

// scriptPidFiles lists the literal pid file paths a script names, first seen first.
func scriptPidFiles(script []byte) []string {
	var out []string
	for _, m := range pidFilePath.FindAllString(string(script), -1) {
		if !slices.Contains(out, m) && len(out) < maxScriptPidFiles {
			out = append(out, m)
		}
	}
	return out
}
