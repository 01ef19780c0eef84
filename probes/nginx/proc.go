package nginx

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Master is a running nginx master found in /proc. Conf, Prefix, Globals and
// ErrorLog are filled only when ArgvExact: a guessed -g must never reach
// root's nginx -t.
type Master struct {
	PID       int
	UID       int      // real uid from /proc/PID/status; -1 when unreadable
	Binary    string   // /proc/PID/exe target; "" when unreadable (not root)
	Cmdline   []string // the original argv, recovered from the process title (a plain split on spaces when !ArgvExact)
	ArgvExact bool     // the title splits into exactly one argv nginx accepts
	ArgvWhy   string   // why !ArgvExact, in plain words
	Conf      string   // -c as given (may be relative to the prefix)
	Prefix    string   // -p as given (may be relative to Cwd)
	Globals   string   // -g value
	ErrorLog  string   // -e value: where the master logged before it read error_log
	Cwd       string   // /proc/PID/cwd target, to resolve a relative -p; "" when unreadable
	Trusted   bool     // run by root from a root-owned binary only root can change: safe to run as root
	Distrust  string   // why !Trusted, in plain words ("runs as uid 65534 (nobody), not root")
}

const masterTitle = "nginx: master process "

// FindMasters scans procRoot ("/proc") for processes titled
// "nginx: master process …", recovers their argv and judges whether each may
// be trusted (see TrustBinary); namedBinary is the admin's --nginx, which a
// trusted master must be running ("" for any). Every titled master is
// returned, trusted or not, lowest PID first. A process that vanishes or
// cannot be read mid-scan is skipped: /proc changes under us.
func FindMasters(procRoot, namedBinary string) ([]Master, error) {
	if procRoot == "" {
		procRoot = "/proc"
	}
	ents, err := os.ReadDir(procRoot)
	if err != nil {
		return nil, fmt.Errorf("scan %s for nginx masters: %w", procRoot, err)
	}
	var out []Master
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid <= 0 {
			continue
		}
		dir := filepath.Join(procRoot, e.Name())
		raw, err := os.ReadFile(filepath.Join(dir, "cmdline"))
		if err != nil {
			continue
		}
		m, ok := parseMasterTitle(string(raw))
		if !ok {
			continue
		}
		m.PID = pid
		m.Binary = readLinkClean(filepath.Join(dir, "exe"))
		m.Cwd = readLinkClean(filepath.Join(dir, "cwd"))
		trustMaster(dir, &m, namedBinary)
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PID < out[j].PID })
	return out, nil
}

// readLinkClean reads a /proc symlink; " (deleted)" (binary replaced by an
// upgrade) is dropped because the path is what a person would run now.
func readLinkClean(p string) string {
	t, err := os.Readlink(p)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(t, " (deleted)")
}

// parseMasterTitle reads a master's /proc/PID/cmdline (see recoverArgv) and,
// only when its argv is exact, its -c, -p, -g and -e. ok is false for
// anything not titled "nginx: master process …", including a plain
// NUL-separated nginx argv (a process that never set its title).
func parseMasterTitle(cmdline string) (m Master, ok bool) {
	argv, why, ok := readArgv(cmdline)
	if !ok {
		return Master{}, false
	}
	m = Master{Cmdline: argv, ArgvExact: why == "", ArgvWhy: why}
	if !m.ArgvExact {
		return m, true
	}
	o, _ := parseOptions(argv[1:])
	m.Conf, m.Prefix, m.Globals, m.ErrorLog = o.conf, o.prefix, o.globals, o.errorLog
	return m, true
}
