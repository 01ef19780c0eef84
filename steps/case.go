package steps

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"ngx502/probes/nginx"
	"ngx502/probes/service"
)

// Options are what the admin asked for on the command line.
type Options struct {
	Binary   string        // --nginx
	Conf     string        // --conf
	PID      int           // --pid: the nginx master to inspect when several run
	NginxT   bool          // --nginx-t: run nginx -t even on a config not owned by root
	Prefix   string        // --prefix
	ErrorLog []string      // --error-log, replaces the discovered logs
	Since    time.Duration // --since, default 24h
	Timeout  time.Duration // per probe, default 5s
	ProcRoot string        // default /proc; tests point it elsewhere
	Root     string        // filesystem root for service detection, default /
	// AuditLog is where every action run and its result are appended, one
	// JSON line each (--audit-log); "" keeps no record.
	AuditLog string
	// Verify is how long an action's result is proven for (--verify):
	// requests through nginx and both logs followed; 0 re-probes only.
	Verify time.Duration
}

// Case is what discovery found about this box: the nginx, its config, its
// logs and the upstreams it talks to. Steps read it; they never change it.
type Case struct {
	Opts      Options
	Install   nginx.Install
	FindErr   error // nginx itself could not be found
	Config    *nginx.Config
	ConfigErr error
	Endpoints []nginx.Endpoint
	// Subjects names every backend once, whatever the log, DNS or a probe
	// calls it (localhost:8081 ⇄ 127.0.0.1:8081).
	Subjects  subjects
	locations map[nginx.Where]routed // every proxying location by its file:line
	ErrorLogs []string
	Since     time.Time
	Manager   service.Manager
	// PrefixWhy says how the prefix of a stopped nginx was inferred from
	// where its config's relative paths exist; "" when not inferred.
	PrefixWhy string
	hosts     string // the /etc/hosts nginx resolves with (hostsFile)
	// RunID marks this run's own requests through nginx (?ngx502-probe=ID).
	RunID   string
	Started time.Time
}

func (o Options) withDefaults() Options {
	if o.Since <= 0 {
		o.Since = 24 * time.Hour
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if o.ProcRoot == "" {
		o.ProcRoot = "/proc"
	}
	if o.Root == "" {
		o.Root = "/"
	}
	return o
}

// Discover finds nginx, parses its config and lists its logs and upstreams.
// It fails only when there is nothing to inspect at all.
func Discover(ctx context.Context, o Options) (*Case, error) {
	o = o.withDefaults()
	for flag, p := range map[string]string{"--nginx": o.Binary, "--conf": o.Conf} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s %s: %w", flag, p, err)
		}
	}
	c := &Case{Opts: o, Started: time.Now(), Since: time.Now().Add(-o.Since), RunID: newRunID()}
	c.Manager = service.DetectManager(o.Root)
	// Discovery reads files and runs nginx -V/-T: bounded, whatever the box holds.
	ctx, cancel := context.WithTimeout(ctx, discoverBudget)
	defer cancel()
	c.Install, c.FindErr = nginx.Discover(ctx, nginx.DiscoverOptions{
		Binary: o.Binary, Conf: o.Conf, Prefix: o.Prefix, PID: o.PID, ProcRoot: o.ProcRoot,
	})
	if c.Install.Conf == "" {
		if c.FindErr != nil {
			return nil, fmt.Errorf("no nginx found and no --conf given: %w", c.FindErr)
		}
		return nil, fmt.Errorf("cannot tell which nginx.conf to read: pass --conf")
	}
	lo := nginx.LoadOptions{Prefix: c.prefix(), Globals: c.Install.Globals}
	c.Config, c.ConfigErr = nginx.Load(ctx, c.Install.Conf, lo)
	if c.ConfigErr != nil && c.dumpAllowed() {
		// Unreadable files: nginx -T (as root) still prints every file.
		if dump, err := nginx.Dump(ctx, c.Install); err == nil && dump != "" {
			if cfg, err := nginx.Load(ctx, c.Install.Conf, lo.WithDump(nginx.DumpFiles(dump))); err == nil {
				c.Config, c.ConfigErr = cfg, nil
			}
		}
	}
	if p, why, ok := inferPrefix(c); ok {
		// A stopped nginx with its own -p: read the config as it resolves.
		c.Install.Prefix, c.PrefixWhy = p, why
		lo.Prefix = p
		if cfg, err := nginx.Load(ctx, c.Install.Conf, lo); err == nil {
			c.Config = cfg
		}
	}
	if c.Config == nil && c.Install.Binary == "" && errors.Is(c.ConfigErr, fs.ErrNotExist) {
		return nil, fmt.Errorf("no nginx binary and no config at %s: %w", c.Install.Conf, c.ConfigErr)
	}
	c.hosts = c.hostsFile()
	if c.Config != nil {
		c.Endpoints = c.Config.Endpoints()
		c.Subjects = newSubjects(ctx, c)
		c.locations = locationIndex(c.Config)
	}
	c.ErrorLogs = c.errorLogs()
	return c, nil
}

// newRunID is a short random hex ID for this run's marker.
func newRunID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b) // crypto/rand never fails on Linux
	return hex.EncodeToString(b)
}

// discoverBudget bounds finding nginx and reading its config: a hostile
// tree (FIFOs, huge files, include loops) must not hold the run.
const discoverBudget = 30 * time.Second

// dumpAllowed: nginx -T does what nginx -t does, so it runs by itself only
// with a trusted binary on the config the trusted master loaded (the file
// tree could not be read, so its owners are unknown), or when asked.
func (c *Case) dumpAllowed() bool {
	return c.Install.Binary != "" && c.Install.BinaryTrusted && (c.Opts.NginxT || loadedByMaster(c))
}

// prefix is nginx's prefix: the master's -p, else the build's --prefix.
func (c *Case) prefix() string {
	if c.Install.Prefix != "" {
		return c.Install.Prefix
	}
	return c.Install.Build.Prefix
}

// errorLogs lists every error log the config names (main, http, server
// and location level), the flag's list when given, and the compiled-in
// default when the main level names none.
func (c *Case) errorLogs() []string {
	if len(c.Opts.ErrorLog) > 0 {
		return c.Opts.ErrorLog
	}
	if c.Config == nil {
		if p := nginx.Resolve(c.prefix(), c.Install.Build.ErrorLogPath); p != "" {
			return []string{p}
		}
		return []string{"/var/log/nginx/error.log"}
	}
	seen := map[string]bool{}
	var out []string
	add := func(p string) {
		if p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, l := range append(c.Config.MainErrorLogs(c.Install.Build), c.Config.ErrorLogs...) {
		add(l.Path)
	}
	if m := c.Install.Master; m != nil && m.ErrorLog != "" && m.ErrorLog != "stderr" {
		add(nginx.Resolve(c.prefix(), m.ErrorLog)) // -e: startup errors land there
	}
	return out
}

// window describes the log window in words: "in the last 24h", or "since
// 14:02:11" once a restart moved it to the moment of the action.
func (c *Case) window() string {
	if d := c.Started.Sub(c.Since); d >= c.Opts.Since-time.Second {
		return "in the last " + humanDuration(c.Opts.Since)
	}
	return "since " + c.Since.Format("15:04:05")
}

// Version is nginx's version for display, or "nginx ?" when unknown.
func (c *Case) Version() string {
	if c.Install.Build.Version == "" {
		return "nginx ?"
	}
	return "nginx " + c.Install.Build.Version
}
