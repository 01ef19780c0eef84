package steps

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"ngx502/probes/nginx"
)

// staticFindings are the config mistakes nginx -t does not catch but
// that answer 502 on every request (nginx answers 502 for them, see ngx_http_upstream.c).
func staticFindings(c *Case) []Finding {
	var out []Finding
	worker := workerUser(c)
	for _, ep := range c.Endpoints {
		if ep.Network == "unix" {
			if f, ok := socketFinding(ep, worker); ok {
				out = append(out, f)
			}
		}
		if ep.Host == "localhost" {
			out = append(out, Finding{Cause: CauseLocalhostIPv6, Title: CauseOf(CauseLocalhostIPv6).Title,
				Subject: ep.Address, Where: where(ep.Where), Kind: Predicted,
				Evidence: []string{fmt.Sprintf("config: %s names localhost, which may resolve to both 127.0.0.1 and ::1", ep.Address)},
				Fix:      fmt.Sprintf("write 127.0.0.1:%d instead of localhost:%d at %s", ep.Port, ep.Port, where(ep.Where))})
		}
	}
	out = append(out, keepaliveFindings(c)...)
	out = append(out, resolverFindings(c)...)
	return out
}

// workerUser is the user nginx workers run as: the user directive, the
// build's --user, else nginx's compiled default "nobody".
func workerUser(c *Case) string {
	if c.Config != nil && c.Config.User != "" {
		return strings.Fields(c.Config.User)[0]
	}
	if c.Install.Build.User != "" {
		return c.Install.Build.User
	}
	return "nobody"
}

func socketFinding(ep nginx.Endpoint, worker string) (Finding, bool) {
	subject := "unix:" + ep.Address
	fi, err := os.Stat(ep.Address)
	switch {
	case os.IsNotExist(err):
		return Finding{Cause: CauseSocketMissing, Title: CauseOf(CauseSocketMissing).Title, Subject: subject,
			Where: where(ep.Where), Kind: Measured,
			Evidence: []string{"config: " + ep.Address + " does not exist"},
			Fix:      "start the backend that creates " + ep.Address + ", or fix the path at " + where(ep.Where)}, true
	case err != nil:
		return Finding{}, false // permission to stat: the network step says so
	case fi.Mode()&os.ModeSocket == 0:
		return Finding{Cause: CauseSocketMissing, Title: CauseOf(CauseSocketMissing).Title, Subject: subject,
			Where: where(ep.Where), Kind: Measured,
			Evidence: []string{fmt.Sprintf("config: %s exists but is not a socket (%s)", ep.Address, fi.Mode())}}, true
	}
	if why := cannotReach(ep.Address, worker); why != "" {
		return Finding{Cause: CauseSocketPerm, Title: CauseOf(CauseSocketPerm).Title, Subject: subject,
			Where: where(ep.Where), Kind: Measured,
			Evidence: []string{"config: worker user " + worker + " " + why},
			Fix:      fmt.Sprintf("let %s write %s (php-fpm: listen.owner = %s, listen.mode = 0660)", worker, ep.Address, worker)}, true
	}
	return Finding{}, false
}

// cannotReach says why user cannot connect to the socket at path: it needs
// search (x) on every parent directory and write (w) on the socket.
func cannotReach(path, name string) string {
	u, err := user.Lookup(name)
	if err != nil {
		return ""
	}
	uid, _ := strconv.Atoi(u.Uid)
	if uid == 0 {
		return ""
	}
	gids := map[uint32]bool{}
	if ids, err := u.GroupIds(); err == nil {
		for _, g := range ids {
			n, _ := strconv.Atoi(g)
			gids[uint32(n)] = true
		}
	}
	allowed := func(p string, bit os.FileMode) bool {
		fi, err := os.Stat(p)
		if err != nil {
			return false
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return true
		}
		m := fi.Mode().Perm()
		switch {
		case st.Uid == uint32(uid):
			return m&(bit<<6) != 0
		case gids[st.Gid]:
			return m&(bit<<3) != 0
		}
		return m&bit != 0
	}
	for dir := filepath.Dir(path); ; dir = filepath.Dir(dir) {
		if !allowed(dir, 1) {
			return "cannot enter " + dir
		}
		if dir == "/" || dir == "." {
			break
		}
	}
	if !allowed(path, 2) {
		return "cannot write " + path
	}
	return ""
}

// keepaliveFindings: upstream{} keepalive without HTTP/1.1 and an empty
// Connection header never reuses a connection before nginx 1.29.7.
func keepaliveFindings(c *Case) []Finding {
	if c.Config == nil || !versionBefore(c.Install.Build.Version, 1, 29, 7) {
		return nil
	}
	keep := map[string]nginx.UpstreamBlock{}
	for _, u := range c.Config.Upstreams {
		if u.Keepalive > 0 {
			keep[u.Name] = u
		}
	}
	var out []Finding
	for _, s := range c.Config.Servers {
		for _, l := range s.Locations {
			if l.Pass == nil || l.Pass.Directive != "proxy_pass" {
				continue
			}
			if _, ok := keep[l.Pass.Group]; !ok {
				continue
			}
			v := l.Settings["proxy_http_version"]
			if len(v.Args) > 0 && (v.Args[0] == "1.1" || v.Args[0] == "2") && hasEmptyConnection(l.Settings) {
				continue
			}
			out = append(out, Finding{Cause: CauseKeepalive, Title: CauseOf(CauseKeepalive).Title,
				Subject: l.Pass.Group, Where: where(l.Where), Kind: Predicted,
				Evidence: []string{fmt.Sprintf("config: upstream %s has keepalive, but location %s does not set proxy_http_version 1.1 and Connection \"\"", l.Pass.Group, l.Match)},
				Fix:      CauseOf(CauseKeepalive).Fix + " at " + where(l.Where)})
		}
	}
	return out
}

func hasEmptyConnection(s nginx.Settings) bool {
	for _, args := range s["proxy_set_header"].All {
		if len(args) == 2 && strings.EqualFold(args[0], "Connection") && args[1] == "" {
			return true
		}
	}
	return false
}

// resolverFindings: a variable in *_pass needs a resolver at run time.
func resolverFindings(c *Case) []Finding {
	if c.Config == nil {
		return nil
	}
	var out []Finding
	for _, s := range c.Config.Servers {
		for _, l := range s.Locations {
			if l.Pass == nil || !l.Pass.Variable || l.Pass.Group != "" {
				continue
			}
			if _, ok := l.Settings["resolver"]; ok {
				continue
			}
			// A variable that names an upstream{} block needs no resolver;
			// only the log can tell, so this stays a hint.
			out = append(out, Finding{Cause: CauseResolver, Title: CauseOf(CauseResolver).Title,
				Where: where(l.Pass.Where), Kind: Predicted,
				Evidence: []string{fmt.Sprintf("config: %s %s uses a variable and no resolver is set", l.Pass.Directive, l.Pass.Raw)},
				Fix:      "add \"resolver 127.0.0.53 valid=30s;\" (or your DNS server) to the server block, near " + where(l.Pass.Where)})
		}
	}
	return out
}

// versionBefore reports whether version "a.b.c" is older than maj.min.patch;
// an unknown version counts as older so the check still runs.
func versionBefore(version string, maj, min, patch int) bool {
	var v [3]int
	for i, p := range strings.SplitN(version, ".", 3) {
		n, err := strconv.Atoi(p)
		if err != nil {
			return true
		}
		v[i] = n
	}
	want := [3]int{maj, min, patch}
	for i := range v {
		if v[i] != want[i] {
			return v[i] < want[i]
		}
	}
	return false
}
