package nginx

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Master is a running nginx master found in /proc.
type Master struct {
	PID      int
	Binary   string   // /proc/PID/exe target; "" when unreadable (not root)
	Cmdline  []string // the original argv, recovered from the process title
	Conf     string   // -c as given (may be relative to the prefix)
	Prefix   string   // -p as given (may be relative to Cwd)
	Globals  string   // -g value
	ErrorLog string   // -e value: where the master logged before it read error_log
	Cwd      string   // /proc/PID/cwd target, to resolve a relative -p; "" when unreadable
}

const masterTitle = "nginx: master process "

// FindMasters scans procRoot ("/proc") for processes titled
// "nginx: master process …" and recovers their -c, -p and -g. A process that
// vanishes or cannot be read mid-scan is skipped: /proc changes under us.
func FindMasters(procRoot string) ([]Master, error) {
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
		raw, err := os.ReadFile(filepath.Join(procRoot, e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		m, ok := parseMasterTitle(string(raw))
		if !ok {
			continue
		}
		m.PID = pid
		m.Binary = readLinkClean(filepath.Join(procRoot, e.Name(), "exe"))
		m.Cwd = readLinkClean(filepath.Join(procRoot, e.Name(), "cwd"))
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

// parseMasterTitle recovers argv from nginx's process title. nginx rewrites
// its argv area into one space-joined string (ngx_setproctitle), so argv
// boundaries are lost and values such as -g "daemon on; master_process on;"
// must be reassembled: a value runs until the next nginx flag.
func parseMasterTitle(cmdline string) (Master, bool) {
	cmdline = strings.TrimRight(cmdline, "\x00")
	// Without the title rewrite (unusual) the cmdline is NUL-separated.
	rest, ok := strings.CutPrefix(strings.ReplaceAll(cmdline, "\x00", " "), masterTitle)
	if !ok {
		return Master{}, false
	}
	words := strings.Fields(rest)
	m := Master{Cmdline: words}
	for i := 1; i < len(words); i++ {
		w := words[i]
		if len(w) < 2 || w[0] != '-' || !strings.ContainsRune("cpgse", rune(w[1])) {
			continue
		}
		flag := w[1]
		val := w[2:] // nginx also accepts the value glued on: -c/etc/nginx.conf
		if val == "" {
			j := i + 1
			for ; j < len(words); j++ {
				if isNginxFlag(words[j]) && (flag != 'g' || strings.HasSuffix(val, ";")) {
					break
				}
				val = strings.TrimPrefix(val+" "+words[j], " ")
			}
			i = j - 1
		}
		switch flag {
		case 'c':
			m.Conf = val
		case 'p':
			m.Prefix = val
		case 'g':
			m.Globals = val
		case 'e':
			m.ErrorLog = val
		}
	}
	return m, true
}

// isNginxFlag reports whether w looks like one of nginx's command-line options.
func isNginxFlag(w string) bool {
	return len(w) >= 2 && w[0] == '-' && strings.ContainsRune("?hvVtTqspecg", rune(w[1]))
}
