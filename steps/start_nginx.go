package steps

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"ngx502/probes/nginx"
	"ngx502/probes/service"
)

const checkStartNginx = "how nginx starts"

// startNginx is how a stopped nginx starts again as it last ran: through
// the service that runs the packaged config, else the binary with the
// prefix and config this one was found with — the prefix its relative
// paths live under, never a compiled-in one they do not. ok is false
// when it must not be started from here (daemon off: it would run in
// ngx502's foreground), with the check saying why.
func startNginx(c *Case) (cmd service.Command, ch Check, ok bool) {
	in := c.Install
	ch = Check{Name: checkStartNginx, Command: "ls -l " + shellQuote(in.Conf), Status: Pass}
	prefix := withSlash(c.prefix())
	why := startWhy(c, prefix)
	stale := stalePIDFile(c, prefix)
	if c.Config != nil && c.Config.Daemon == "off" {
		ch.Status = Warn
		ch.Result = "the config says daemon off;: nginx runs in the foreground of whatever started it (a supervisor, a container, a terminal) — start it there, not from here"
		return service.Command{}, ch, false
	}
	if in.Conf == packagedConf(in) && c.Opts.Prefix == "" {
		owner, ev := service.ManagerFor(orDefault(c.Opts.Root, "/"), c.Opts.ProcRoot, "nginx.service", 0)
		if cmd, err := service.CommandFor(orDefault(c.Opts.Root, "/"), owner, service.Start); err == nil {
			cmd.Why = "nginx is not running"
			ch.Result = joinNonEmpty("; ", "the packaged config "+in.Conf+" is nginx's service's", ev.String(), stale)
			return cmd, ch, true
		}
	}
	argv := []string{in.Binary}
	if prefix != strings.TrimSuffix(in.Build.Prefix, "/")+"/" || c.Opts.Prefix != "" {
		argv = append(argv, "-p", prefix)
	}
	argv = append(argv, "-c", in.Conf)
	ch.Result = joinNonEmpty("; ", why, stale)
	return service.Command{Argv: argv, Why: "nginx is not running",
		Changes: "starts nginx with " + in.Conf + " (prefix " + prefix + "); it forks into the background"}, ch, true
}

// packagedConf is the config nginx reads with no -c: what its service
// (unit or init script) starts.
func packagedConf(in nginx.Install) string {
	if in.Build.ConfPath == "" {
		return ""
	}
	return nginx.Resolve(withSlash(in.Build.Prefix), in.Build.ConfPath)
}

// inferPrefix finds the -p a stopped nginx's config was written for,
// when neither --prefix nor a running master says and the config is not
// the packaged one: of the compiled prefix, the config's directory and
// the parent of a conf/ directory (nginx's own layout), the one under
// which most of the config's relative paths (pid, logs, temp dirs)
// already exist — the nginx that ran there made them. ok only when that
// is another prefix than the compiled one.
func inferPrefix(c *Case) (prefix, why string, ok bool) {
	in := c.Install
	if in.Master != nil || c.Opts.Prefix != "" || c.Config == nil || len(c.Config.Relative) == 0 || in.Conf == packagedConf(in) {
		return "", "", false
	}
	dir := filepath.Dir(in.Conf)
	compiled := withSlash(in.Build.Prefix)
	cands := []string{compiled, withSlash(dir)}
	if filepath.Base(dir) == "conf" {
		cands = append(cands, withSlash(filepath.Dir(dir)))
	}
	rel := c.Config.Relative
	best, bestN := compiled, existingUnder(compiled, rel)
	for _, p := range cands[1:] {
		if n := existingUnder(p, rel); n > bestN {
			best, bestN = p, n
		}
	}
	if best == compiled {
		return "", "", false
	}
	return best, fmt.Sprintf("prefix %s: %d of the config's %d relative paths (%s) exist under it, none under the compiled %s",
		best, bestN, len(rel), strings.Join(rel, ", "), compiled), true
}

// startWhy says where the prefix of a start comes from.
func startWhy(c *Case, prefix string) string {
	switch {
	case c.Opts.Prefix != "":
		return "prefix " + prefix + " as --prefix says"
	case c.PrefixWhy != "":
		return c.PrefixWhy
	}
	return "the compiled prefix " + prefix
}

// existingUnder counts the relative paths whose directory exists under p.
func existingUnder(p string, rel []string) int {
	if p == "/" {
		return 0 // any path "exists" under /: it proves nothing
	}
	n := 0
	for _, r := range rel {
		if st, err := os.Stat(filepath.Dir(filepath.Join(p, r))); err == nil && st.IsDir() && filepath.Dir(r) != "." {
			n++
		} else if _, err := os.Stat(filepath.Join(p, r)); err == nil {
			n++
		}
	}
	return n
}

// stalePIDFile says what nginx's pid file tells about its end: a pid file
// left behind means nginx did not stop cleanly (killed, OOM, a crash).
func stalePIDFile(c *Case, prefix string) string {
	pid := c.Install.Build.PIDPath
	if c.Config != nil && c.Config.PID != "" {
		pid = c.Config.PID
	}
	if pid == "" {
		return ""
	}
	path := nginx.Resolve(prefix, pid)
	b, err := os.ReadFile(path)
	if err != nil || len(b) > 32 {
		return ""
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || n <= 0 {
		return ""
	}
	if _, err := os.Stat(filepath.Join(orDefault(c.Opts.ProcRoot, "/proc"), strconv.Itoa(n))); err == nil {
		return fmt.Sprintf("its pid file %s names pid %d, which still runs but is not a master ngx502 trusts", path, n)
	}
	return fmt.Sprintf("nginx did not stop cleanly: its pid file %s still names pid %d, which is gone (killed or crashed; see its error log)", path, n)
}

func withSlash(p string) string {
	if p == "" || strings.HasSuffix(p, "/") {
		return p
	}
	return p + "/"
}
