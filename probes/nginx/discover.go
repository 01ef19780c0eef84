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
	Binary        string // the nginx to run; "" when none found is safe to run as root
	BinaryTrusted bool   // Binary may be run as root (-V, -t, -T, reload): a trusted master's, --nginx, or a TrustBinary fallback
	BinaryWhy     string // why no binary is trusted, or what is wrong with a --nginx binary run anyway
	Build         Build
	Builds        map[string]Build // nginx -V of each trusted binary Discover ran, by path (for listing Masters)
	Master        *Master          // the trusted master inspected; nil when none was chosen
	Masters       []Master         // every master found, trusted or not, lowest PID first
	Ambiguous     bool             // several trusted masters run and neither --pid nor --conf chose one
	Conf          string           // absolute path of the main config file
	Prefix        string           // effective prefix (-p, else compiled), with a trailing "/"
	Globals       string           // -g of the running master, passed on to -t/-T
	Source        string           // how the binary was found: "running master pid 123", "--nginx flag", "PATH", "/usr/sbin/nginx"
	Warnings      []string
}

// DiscoverOptions are the command-line overrides; empty fields are discovered.
type DiscoverOptions struct {
	Binary, Conf, Prefix string
	PID                  int    // --pid: inspect this master (it must be trusted)
	ProcRoot             string // default /proc
}

const fallbackBinary = "/usr/sbin/nginx"

// Discover finds the nginx to inspect: a trusted running master first (its
// exe and, when its argv is exact, -c/-p/-g), else "nginx" on PATH, else
// /usr/sbin/nginx; flags override. It never runs a binary it does not trust
// (see TrustBinary) unless the admin named it with --nginx. It fails only
// when there is neither a binary nor a config file to look at.
func Discover(ctx context.Context, o DiscoverOptions) (Install, error) {
	in := Install{Builds: map[string]Build{}}
	masters, err := FindMasters(o.ProcRoot, o.Binary)
	if err != nil {
		in.warn(err.Error())
	}
	in.Masters = masters
	var trusted []Master
	for _, m := range masters {
		if !m.Trusted {
			in.warn(fmt.Sprintf("ignored nginx master pid %d: %s", m.PID, m.Distrust))
			continue
		}
		if !m.ArgvExact {
			in.warn(fmt.Sprintf("cannot recover pid %d's command line exactly (%s): not borrowing its -c/-p/-g", m.PID, m.ArgvWhy))
		}
		trusted = append(trusted, m)
	}
	builds := buildCache{ctx: ctx, in: &in, failed: map[string]bool{}}
	for _, m := range trusted {
		builds.get(m.Binary) // once per distinct binary: each master's default config
	}
	in.Master = chooseMaster(&in, trusted, o, builds.get)
	chooseBinary(&in, o)
	if in.BinaryTrusted {
		in.Build = builds.get(in.Binary)
	}
	in.Prefix, in.Conf = resolvePaths(in, o)
	if in.Master != nil {
		in.Globals = in.Master.Globals
	}
	if in.Binary == "" && o.Conf == "" {
		why := "no running master, none on PATH, no " + fallbackBinary
		if in.BinaryWhy != "" {
			why = in.BinaryWhy
		}
		return in, errors.New("no nginx found that is safe to run: " + why + " — pass --nginx or --conf")
	}
	return in, nil
}

func (in *Install) warn(s string) { in.Warnings = append(in.Warnings, s) }

// buildCache runs nginx -V once per trusted binary, keeping results in
// in.Builds and warning once per binary that fails.
type buildCache struct {
	ctx    context.Context
	in     *Install
	failed map[string]bool
}

// get returns binary's build; only call it for binaries that are trusted.
func (c buildCache) get(binary string) Build {
	if b, ok := c.in.Builds[binary]; ok || c.failed[binary] {
		return b
	}
	b, err := Version(c.ctx, binary)
	if err != nil {
		c.failed[binary] = true
		c.in.warn(err.Error())
		return b
	}
	c.in.Builds[binary] = b
	return b
}

// chooseBinary picks the binary to run: --nginx (the admin's choice, run
// even when TrustBinary objects), else the chosen master's, else the first
// of PATH and /usr/sbin/nginx that TrustBinary accepts.
func chooseBinary(in *Install, o DiscoverOptions) {
	switch {
	case o.Binary != "":
		in.Binary, in.Source, in.BinaryTrusted = o.Binary, "--nginx flag", true
		if ok, why := TrustBinary(o.Binary); !ok {
			in.BinaryWhy = why
			in.warn(fmt.Sprintf("--nginx %s is not safe to run as root (%s); running it because you named it", o.Binary, why))
		}
		return
	case in.Master != nil:
		in.Binary, in.Source, in.BinaryTrusted = in.Master.Binary, "running master pid "+strconv.Itoa(in.Master.PID), true
		return
	}
	type candidate struct{ path, source string }
	var cands []candidate
	if p, err := exec.LookPath("nginx"); err == nil {
		cands = append(cands, candidate{p, "PATH"})
	}
	if st, err := os.Stat(fallbackBinary); err == nil && !st.IsDir() && (len(cands) == 0 || !sameFile(cands[0].path, fallbackBinary)) {
		cands = append(cands, candidate{fallbackBinary, fallbackBinary})
	}
	for _, c := range cands {
		ok, why := TrustBinary(c.path)
		if ok {
			in.Binary, in.Source, in.BinaryTrusted, in.BinaryWhy = c.path, c.source, true, ""
			return
		}
		in.BinaryWhy = why
		in.warn(fmt.Sprintf("not running the nginx from %s: %s", c.source, why))
	}
}

// chooseMaster picks the trusted master to inspect: --pid, else the one
// running --conf, else the only one; with several and no choice, the one
// running its build's default config (else the lowest PID), marked Ambiguous.
// build gives a trusted binary's nginx -V.
func chooseMaster(in *Install, trusted []Master, o DiscoverOptions, build func(string) Build) *Master {
	if o.PID != 0 {
		for _, m := range in.Masters {
			if m.PID != o.PID {
				continue
			}
			if !m.Trusted {
				in.warn(fmt.Sprintf("--pid %d is not a trusted nginx master (%s): inspecting no running master", o.PID, m.Distrust))
				return nil
			}
			return &m
		}
		in.warn(fmt.Sprintf("--pid %d is not a running nginx master: inspecting no running master", o.PID))
		return nil
	}
	if o.Conf != "" {
		want, err := filepath.Abs(o.Conf)
		if err != nil {
			want = o.Conf
		}
		var hits []Master
		for _, m := range trusted {
			if c := m.EffectiveConf(build(m.Binary)); c != "" && (c == want || sameFile(c, want)) {
				hits = append(hits, m)
			}
		}
		if len(hits) == 0 {
			return nil
		}
		if len(hits) > 1 {
			in.Ambiguous = true
			in.warn(listMasters(hits, hits[0], build))
		}
		return &hits[0]
	}
	switch len(trusted) {
	case 0:
		return nil
	case 1:
		return &trusted[0]
	}
	pick := trusted[0]
	for _, m := range trusted {
		b := build(m.Binary)
		if c := m.EffectiveConf(b); c != "" && c == m.defaultConf(b) {
			pick = m
			break
		}
	}
	in.Ambiguous = true
	in.warn(listMasters(trusted, pick, build))
	return &pick
}

// listMasters is the warning that several masters run and which one is shown.
func listMasters(ms []Master, pick Master, build func(string) Build) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		c := m.EffectiveConf(build(m.Binary))
		if c == "" {
			c = "unknown"
		}
		parts[i] = fmt.Sprintf("pid %d (uid %d, -c %s)", m.PID, m.UID, c)
	}
	return fmt.Sprintf("%d nginx masters run: %s; inspecting pid %d — choose with --pid N or --conf FILE",
		len(ms), strings.Join(parts, ", "), pick.PID)
}

// EffectiveConf is the absolute config file the master reads: its -c, else
// build's --conf-path (build is `nginx -V` of m.Binary), relative to its
// prefix as nginx resolves it. "" when its argv is not exact or build unknown.
func (m Master) EffectiveConf(build Build) string {
	if !m.ArgvExact {
		return ""
	}
	if m.Conf != "" {
		return masterConf(m)
	}
	return m.defaultConf(build)
}

// defaultConf is build's --conf-path resolved for m (its -p, else build's
// prefix, against its cwd); "" when build is unknown.
func (m Master) defaultConf(build Build) string {
	if build.ConfPath == "" {
		return ""
	}
	prefix := m.Prefix
	if prefix == "" {
		prefix = build.Prefix
	}
	return masterConf(Master{Conf: build.ConfPath, Prefix: prefix, Cwd: m.Cwd})
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
