package service

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Candidate is a service that, by its own configuration, should serve an
// address nginx cannot reach: the unit to start when nothing listens.
type Candidate struct {
	Unit string // "app.service", "php8.2-fpm.service"
	File string // where the address is written
	Line int
	Text string // that line, trimmed
}

// unitDirs are where systemd reads units from, most specific first.
var unitDirs = []string{"etc/systemd/system", "run/systemd/system", "lib/systemd/system", "usr/lib/systemd/system"}

// maxUnitFile bounds how much of one unit or pool file is read.
const maxUnitFile = 64 << 10

// Candidates lists the services under root ("/") whose unit files or
// php-fpm pools name port (e.g. "8080") or socket path. The address alone
// decides: a unit is a candidate when its ExecStart, Environment or
// ListenStream line mentions it.
func Candidates(root, port, socket string) []Candidate {
	var match func(string) bool
	switch {
	case socket != "":
		match = func(line string) bool { return strings.Contains(line, socket) }
	case port != "":
		re := regexp.MustCompile(`(^|[^0-9])` + regexp.QuoteMeta(port) + `([^0-9]|$)`)
		match = re.MatchString
	default:
		return nil
	}
	var out []Candidate
	seen := map[string]bool{}
	for _, dir := range unitDirs {
		files, _ := filepath.Glob(filepath.Join(root, dir, "*.service"))
		sockets, _ := filepath.Glob(filepath.Join(root, dir, "*.socket"))
		for _, f := range append(files, sockets...) {
			unit := filepath.Base(f)
			if seen[unit] {
				continue // an /etc override hides the packaged unit
			}
			keys := []string{"ExecStart=", "ExecStartPre=", "Environment=", "ListenStream="}
			if c, ok := grepFile(f, keys, match); ok {
				seen[unit] = true
				c.Unit = strings.TrimSuffix(unit, ".socket")
				if !strings.HasSuffix(c.Unit, ".service") {
					c.Unit += ".service"
				}
				out = append(out, c)
			}
		}
	}
	// php-fpm pools: /etc/php/8.2/fpm/pool.d/www.conf "listen = …" → php8.2-fpm.service
	pools, _ := filepath.Glob(filepath.Join(root, "etc/php/*/fpm/pool.d/*.conf"))
	for _, f := range pools {
		if c, ok := grepFile(f, []string{"listen"}, match); ok && strings.HasPrefix(strings.TrimSpace(c.Text), "listen") {
			ver := filepath.Base(filepath.Dir(filepath.Dir(filepath.Dir(f))))
			c.Unit = "php" + ver + "-fpm.service"
			if !seen[c.Unit] {
				seen[c.Unit] = true
				out = append(out, c)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Unit < out[j].Unit })
	return out
}

// grepFile returns the first line starting with one of keys that matches.
func grepFile(path string, keys []string, match func(string) bool) (Candidate, bool) {
	f, err := os.Open(path)
	if err != nil {
		return Candidate{}, false
	}
	defer f.Close()
	buf := make([]byte, maxUnitFile)
	n, _ := f.Read(buf)
	sc := bufio.NewScanner(bytes.NewReader(buf[:n]))
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		for _, k := range keys {
			if strings.HasPrefix(text, k) && match(text) {
				return Candidate{File: path, Line: line, Text: text}, true
			}
		}
	}
	return Candidate{}, false
}
