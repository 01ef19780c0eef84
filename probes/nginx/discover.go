package nginx

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// Install is the nginx this run inspects.
type Install struct {
	Binary   string
	Build    Build
	Master   *Master // nil when none runs
	Conf     string  // absolute path of the main config file
	Prefix   string  // effective prefix (-p, else compiled), with a trailing "/"
	Globals  string  // -g of the running master, passed on to -t/-T
	Source   string  // how the binary was found: "running master pid 123", "--nginx flag", "PATH", "/usr/sbin/nginx"
	Warnings []string
}

// DiscoverOptions are the command-line overrides; empty fields are discovered.
type DiscoverOptions struct {
	Binary, Conf, Prefix string
	ProcRoot             string // default /proc
}

const fallbackBinary = "/usr/sbin/nginx"

// Discover finds the nginx to inspect: the running master first (its exe and
// -c/-p/-g), else "nginx" on PATH, else /usr/sbin/nginx; flags override. It
// fails only when there is neither a binary nor a config file to look at.
func Discover(ctx context.Context, o DiscoverOptions) (Install, error) {
	var in Install
	masters, err := FindMasters(o.ProcRoot)
	if err != nil {
		in.Warnings = append(in.Warnings, err.Error())
	}
	switch {
	case o.Binary != "":
		in.Binary, in.Source = o.Binary, "--nginx flag"
		in.Master = masterRunning(masters, o.Binary, o.Conf)
	case o.Conf != "":
		// --conf without --nginx: the master running that config, if any.
		if m := masterRunning(masters, "", o.Conf); m != nil {
			in.Master, in.Binary, in.Source = m, m.Binary, "running master pid "+strconv.Itoa(m.PID)
		}
	case len(masters) > 0:
		m := masters[0]
		in.Master = &m
		in.Binary, in.Source = m.Binary, "running master pid "+strconv.Itoa(m.PID)
		if in.Binary == "" && len(m.Cmdline) > 0 && filepath.IsAbs(m.Cmdline[0]) {
			// exe is unreadable without root; argv[0] is the next best witness.
			in.Binary = m.Cmdline[0]
			in.Warnings = append(in.Warnings, fmt.Sprintf("cannot read /proc/%d/exe (run as root to be sure); using argv[0] %s", m.PID, in.Binary))
		}
		if len(masters) > 1 {
			in.Warnings = append(in.Warnings, fmt.Sprintf("%d nginx masters run; inspecting pid %d", len(masters), m.PID))
		}
	}
	if in.Binary == "" {
		if p, err := exec.LookPath("nginx"); err == nil {
			in.Binary, in.Source = p, "PATH"
		} else if st, err := os.Stat(fallbackBinary); err == nil && !st.IsDir() {
			in.Binary, in.Source = fallbackBinary, fallbackBinary
		}
	}
	if in.Binary != "" {
		b, err := Version(ctx, in.Binary)
		in.Build = b
		if err != nil {
			in.Warnings = append(in.Warnings, err.Error())
		}
	}
	in.Prefix, in.Conf = resolvePaths(in, o)
	if in.Master != nil {
		in.Globals = in.Master.Globals
	}
	if in.Binary == "" && o.Conf == "" {
		return in, errors.New("no nginx found: no running master, none on PATH, no " + fallbackBinary + " — pass --nginx or --conf")
	}
	return in, nil
}

// masterRunning returns the master running binary (any binary when "")
// with config conf (any when ""); a master whose exe is unreadable is
// assumed to match. Several test or tenant masters can run at once, so
// the config decides between them.
func masterRunning(ms []Master, binary, conf string) *Master {
	want, err := filepath.EvalSymlinks(binary)
	if err != nil {
		want = binary
	}
	if conf != "" {
		if abs, err := filepath.Abs(conf); err == nil {
			conf = abs
		}
	}
	for _, m := range ms {
		if binary != "" && m.Binary != "" && m.Binary != want && m.Binary != binary {
			continue
		}
		if conf != "" && masterConf(m) != conf {
			continue
		}
		return &m
	}
	return nil
}

// masterConf is the absolute config path a master was started with; "" when
// it used the compiled-in default.
func masterConf(m Master) string {
	if m.Conf == "" {
		return ""
	}
	prefix := m.Prefix
	if prefix != "" && !filepath.IsAbs(prefix) && m.Cwd != "" {
		prefix = filepath.Join(m.Cwd, prefix)
	}
	c := Resolve(prefix, m.Conf)
	if !filepath.IsAbs(c) && m.Cwd != "" {
		c = filepath.Join(m.Cwd, c)
	}
	return filepath.Clean(c)
}

// resolvePaths applies nginx's own rules (ngx_process_options): the prefix is
// -p (relative to the master's cwd) else compiled; -c and compiled paths are
// relative to the prefix.
func resolvePaths(in Install, o DiscoverOptions) (prefix, conf string) {
	m := in.Master
	switch {
	case o.Prefix != "":
		prefix = o.Prefix
	case m != nil && m.Prefix != "":
		prefix = m.Prefix
		if !filepath.IsAbs(prefix) && m.Cwd != "" {
			prefix = filepath.Join(m.Cwd, prefix)
		}
	default:
		prefix = in.Build.Prefix
	}
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	switch {
	case o.Conf != "":
		conf = o.Conf
		if abs, err := filepath.Abs(conf); err == nil {
			conf = abs
		}
		return prefix, conf
	case m != nil && m.Conf != "":
		conf = m.Conf
	case in.Build.ConfPath != "":
		conf = in.Build.ConfPath
	default:
		conf = "conf/nginx.conf"
	}
	return prefix, Resolve(prefix, conf)
}

// Resolve makes path absolute the way nginx does for file names in its
// configuration: relative to the prefix. Special targets (stderr,
// syslog:…, memory:…) and paths with variables are returned unchanged.
func Resolve(prefix, path string) string {
	if path == "" || filepath.IsAbs(path) || path == "stderr" ||
		strings.HasPrefix(path, "syslog:") || strings.HasPrefix(path, "memory:") || strings.Contains(path, "$") {
		return path
	}
	if prefix == "" {
		return path
	}
	return filepath.Join(prefix, path)
}
