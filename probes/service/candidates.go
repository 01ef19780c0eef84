package service

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"path/filepath"
	"sort"
	"strings"
)

// Candidate is a service that, by its own configuration, should serve an
// address nginx cannot reach: the service to start when nothing listens.
type Candidate struct {
	// Unit names it: a systemd unit or init-script name as "NAME.service"
	// (ManagerFor resolves which manager runs it), or, when Manager is
	// Supervisord, the supervisorctl program name.
	Unit    string
	Manager Manager // "" for a unit or init script; Supervisord for a [program:]
	Socket  string  // the .socket unit that listens for Unit, "" when none
	File    string  // where the address is written
	Line    int
	Text    string // that line, trimmed
	// Sure: the address is written as the service's own listen address
	// (ListenStream=, listen =, a host:port argument, a port option), not
	// just mentioned somewhere on a line.
	Sure bool
	Why  string // how it was found and how sure, in plain words
}

// unitDirs are where systemd reads units from, most specific first.
var unitDirs = []string{"etc/systemd/system", "run/systemd/system", "lib/systemd/system", "usr/lib/systemd/system"}

// maxUnitFile bounds how much of one unit, script or default file is read.
const maxUnitFile = 64 << 10

// maxDefaultFiles bounds how many /etc/default files are read.
const maxDefaultFiles = 300

// Candidates lists the services under root ("/") whose configuration names
// port (e.g. "8080", any host) or socket path; see CandidatesAt.
func Candidates(root, port, socket string) []Candidate {
	if socket != "" {
		return CandidatesAt(root, "unix", socket)
	}
	return CandidatesAt(root, "tcp", port)
}

// CandidatesAt lists the services under root whose own configuration names
// address on network ("unix" and a path, or "tcp" and "host:port" or a bare
// port): systemd .socket units' ListenStream=, .service units' ExecStart=,
// ExecStartPre= and Environment=, php-fpm pools' listen (FPMPools + PoolFor:
// /etc/php/8.2/ → php8.2-fpm.service), supervisord programs' command= and
// fcgi socket=, and init scripts' /etc/default/NAME. Sure ones first, then by
// name; one Candidate per service, its surest line.
func CandidatesAt(root, network, address string) []Candidate {
	w, ok := newAddrWant(network, address)
	if !ok {
		return nil
	}
	var all []Candidate
	all = append(all, unitCandidates(root, w)...)
	all = append(all, poolCandidates(root, w)...)
	all = append(all, supervisorCandidates(root, w)...)
	all = append(all, defaultCandidates(root, w)...)
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].Sure != all[j].Sure {
			return all[i].Sure
		}
		return all[i].Unit < all[j].Unit
	})
	var out []Candidate
	seen := map[string]bool{}
	for _, c := range all {
		if k := string(c.Manager) + "\x00" + c.Unit; !seen[k] {
			seen[k] = true
			out = append(out, c)
		}
	}
	return out
}

// unitCandidates reads systemd units; a unit in /etc hides the packaged one.
func unitCandidates(root string, w addrWant) []Candidate {
	var out []Candidate
	hidden := map[string]bool{}
	for _, dir := range unitDirs {
		files, _ := filepath.Glob(filepath.Join(root, dir, "*.service"))
		sockets, _ := filepath.Glob(filepath.Join(root, dir, "*.socket"))
		for _, f := range append(files, sockets...) {
			name := filepath.Base(f)
			if hidden[name] {
				continue
			}
			hidden[name] = true
			c, ok := scanFile(f, []string{"ExecStart=", "ExecStartPre=", "Environment=", "ListenStream="}, w)
			if !ok {
				continue
			}
			c.Unit = name
			if stem, isSocket := strings.CutSuffix(name, ".socket"); isSocket {
				c.Socket, c.Unit = name, stem+".service"
				if svc := unitKey(f, "Service="); svc != "" {
					c.Unit = svc
				}
			}
			c.Why = unitWhy(c)
			out = append(out, c)
		}
	}
	return out
}

func unitWhy(c Candidate) string {
	at := fmt.Sprintf("%s:%d", c.File, c.Line)
	switch {
	case c.Socket != "":
		return fmt.Sprintf("%s listens there for %s (%s); sure: systemd binds it itself", c.Socket, c.Unit, at)
	case strings.HasPrefix(c.Text, "Environment="):
		return fmt.Sprintf("%s's environment names it (%s); not sure: the program decides what the variable means", c.Unit, at)
	case c.Sure:
		return fmt.Sprintf("%s's command line gives it as its listen address (%s)", c.Unit, at)
	}
	return fmt.Sprintf("%s's command line mentions it (%s); not sure: it is not written as a listen address", c.Unit, at)
}

// poolCandidates: the php-fpm pool that listens there, and the service of its php-fpm.
func poolCandidates(root string, w addrWant) []Candidate {
	pools, _ := FPMPools(root) // unreadable files only cost their pools
	var out []Candidate
	for _, p := range pools {
		if !poolListensAt(pools, p, w) {
			continue
		}
		unit, from := fpmUnit(root, p)
		if unit == "" {
			continue
		}
		c := Candidate{Unit: unit, File: p.File, Line: p.Line, Text: lineText(p.File, p.Line, "listen = "+p.Listen), Sure: true}
		c.Why = fmt.Sprintf("php-fpm pool [%s] listens there (%s:%d); %s", p.Name, p.File, p.Line, from)
		out = append(out, c)
	}
	return out
}

// poolListensAt: PoolFor decides when the host is known; with a port alone
// any pool on that port counts.
func poolListensAt(pools []FPMPool, p FPMPool, w addrWant) bool {
	switch {
	case w.path != "":
		got, ok := PoolFor(pools, "unix", w.path)
		return ok && got.File == p.File && got.Name == p.Name
	case w.host != "":
		got, ok := PoolFor(pools, "tcp", net.JoinHostPort(w.host, w.port))
		return ok && got.File == p.File && got.Name == p.Name
	}
	_, port, ok := listenHostPort(p.Listen)
	return ok && port == w.port
}

// fpmUnit names the service of the php-fpm that reads pool p: Debian's
// /etc/php/8.2/ → php8.2-fpm.service, RHEL's /etc/php-fpm.* → php-fpm.service;
// "" for the docker images' /usr/local/etc, which no service starts.
func fpmUnit(root string, p FPMPool) (unit, why string) {
	for _, f := range []string{p.Config, p.File} {
		rel := strings.TrimPrefix(inBox(root, f), "/")
		if rest, ok := strings.CutPrefix(rel, "etc/php/"); ok {
			ver, _, _ := strings.Cut(rest, "/")
			return "php" + ver + "-fpm.service", "PHP " + ver + "'s php-fpm is php" + ver + "-fpm (init script /etc/init.d/php" + ver + "-fpm, unit php" + ver + "-fpm.service)"
		}
		if strings.HasPrefix(rel, "etc/php-fpm") {
			return "php-fpm.service", "RHEL's php-fpm is php-fpm.service"
		}
	}
	return "", ""
}

// scanFile returns the surest line starting with one of keys that names the
// address: one that gives it exactly, else the first that mentions it.
func scanFile(path string, keys []string, w addrWant) (Candidate, bool) {
	b, err := readCapped(path)
	if err != nil {
		return Candidate{}, false
	}
	var first Candidate
	found := false
	sc := bufio.NewScanner(bytes.NewReader(b[:min(len(b), maxUnitFile)]))
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		for _, k := range keys {
			if !strings.HasPrefix(text, k) || !w.mentions(text) {
				continue
			}
			c := Candidate{File: path, Line: line, Text: text}
			if k != "Environment=" && w.exactIn(strings.Fields(text)) {
				c.Sure = true
				return c, true
			}
			if !found {
				first, found = c, true
			}
		}
	}
	return first, found
}

// unitKey is the value of the first "Key=" line of a unit file, "" when none.
func unitKey(path, key string) string {
	b, err := readCapped(path)
	if err != nil {
		return ""
	}
	for l := range strings.SplitSeq(string(b[:min(len(b), maxUnitFile)]), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), key); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// lineText is line n of path trimmed, else def.
func lineText(path string, n int, def string) string {
	b, err := readCapped(path)
	if err != nil || n <= 0 {
		return def
	}
	lines := strings.Split(string(b), "\n")
	if n > len(lines) {
		return def
	}
	return strings.TrimSpace(lines[n-1])
}
