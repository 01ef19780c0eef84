// Command ngx502 finds out why nginx answers 502 Bad Gateway on this box.
//
//	sudo ngx502            the wizard (plain report when there is no terminal)
//	sudo ngx502 report     the same run printed as text, JSON or Markdown
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"ngx502/lab"
	"ngx502/steps"
	"ngx502/ui"
)

// Exit codes, as the report contract says.
const (
	exitOK      = 0
	exitProblem = 1
	exitUsage   = 2
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type cli struct {
	mode   string // "wizard", "report", "version" or "explain"
	cause  string // explain: the cause to explain, "" for the list
	format string
	follow bool   // report: then print new upstream errors as nginx logs them
	fix    string // report: the action ID to run (or "all"); "" runs nothing
	dryRun bool   // report --fix: print what would run, run nothing
	opts   steps.Options
	color  bool
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case lab.BackendArg: // ngx502 running itself as a lab's backend
			return lab.BackendMain(args[1:])
		case lab.NamespaceArg:
			return lab.NamespaceMain(args[1:])
		case "lab":
			return labCommand(args[1:], stdout, stderr)
		case "demo":
			return demoCommand(args[1:], stdout, stderr)
		}
	}
	c, err := parse(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(stderr, "ngx502:", err)
		fmt.Fprintln(stderr, "run 'ngx502 --help' for usage")
		return exitUsage
	}
	if c.mode == "version" {
		fmt.Fprintln(stdout, "ngx502", version)
		return exitOK
	}
	if c.mode == "explain" {
		return explainCause(c.cause, stdout, stderr)
	}
	ctx, stop := interruptible(context.Background(), stderr)
	defer stop()

	kase, err := steps.Discover(ctx, c.opts)
	if err != nil {
		fmt.Fprintf(stderr, "ngx502: %v\n", err)
		fmt.Fprintln(stderr, "  nothing to inspect: install nginx, or point at it with --nginx /usr/sbin/nginx --conf /etc/nginx/nginx.conf")
		return exitUsage
	}
	if c.mode == "wizard" && ui.Interactive() {
		if kase, err = pickMaster(ctx, kase, c); err != nil {
			fmt.Fprintln(stderr, "ngx502:", err)
			return exitUsage
		}
		rep, err := ui.Run(ctx, kase, ui.Options{NoColor: !c.color})
		if err != nil {
			fmt.Fprintln(stderr, "ngx502:", err)
			return exitUsage
		}
		return ui.ExitCode(rep)
	}
	rep := steps.RunAll(ctx, kase)
	if err := ui.Write(stdout, rep, c.format); err != nil {
		fmt.Fprintln(stderr, "ngx502:", err)
		return exitUsage
	}
	if c.fix != "" {
		return fixActions(ctx, kase, rep, c, stdout, stderr)
	}
	if c.follow {
		return followLogs(ctx, kase, c.format, rep, stdout, stderr)
	}
	return ui.ExitCode(rep)
}

// fixActions runs the actions --fix names, each after its own nginx -t
// gate, and proves the result by probing again; --dry-run prints the
// exact argv and runs nothing. The exit code says whether the 502 is gone.
func fixActions(ctx context.Context, kase *steps.Case, rep steps.Report, c cli, stdout, stderr io.Writer) int {
	acts, err := steps.Fixes(rep, c.fix)
	if err != nil {
		fmt.Fprintln(stderr, "ngx502: --fix:", err)
		return exitUsage
	}
	code := exitOK
	for _, a := range acts {
		if c.dryRun {
			fmt.Fprintf(stdout, "would run %s: %s\n  changes: %s\n", a.ID, a.Command, a.Changes)
			continue
		}
		fmt.Fprintf(stdout, "running %s: %s\n", a.ID, a.Command)
		if c.opts.Verify > 0 {
			fmt.Fprintf(stdout, "  then proving it for %s: requests through nginx, both logs followed\n", c.opts.Verify)
		}
		ex := steps.Execute(ctx, kase, a)
		fmt.Fprintf(stdout, "  %s\n", ex.Summary)
		if !ex.Ran || !ex.Fixed {
			code = exitProblem
		}
	}
	return code
}

// followLogs prints each upstream error nginx logs from now on, one line
// (or JSON object) each, until Ctrl+C; the exit code stays the report's.
func followLogs(ctx context.Context, kase *steps.Case, format string, rep steps.Report, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "ngx502: following", strings.Join(kase.ErrorLogs, ", "), "— Ctrl+C stops")
	var werr error
	err := steps.Follow(ctx, kase, func(ev steps.Event) {
		if werr == nil {
			werr = ui.WriteEvent(stdout, ev, format)
		}
	})
	if err = errors.Join(err, werr); err != nil {
		fmt.Fprintln(stderr, "ngx502:", err)
		return exitUsage
	}
	return ui.ExitCode(rep)
}

// explainCause prints what a cause means, how nginx shows it, how ngx502
// decides it and how to fix it; with no cause, the list of causes.
func explainCause(cause string, stdout, stderr io.Writer) int {
	if cause == "" {
		fmt.Fprint(stdout, steps.ExplainList(80))
		fmt.Fprintln(stdout, "\nngx502 explain CAUSE tells more about one.")
		return exitOK
	}
	e, ok := steps.Explain(steps.CauseID(cause))
	if !ok {
		fmt.Fprintf(stderr, "ngx502: no cause %q; ngx502 explain lists them\n", cause)
		return exitUsage
	}
	fmt.Fprint(stdout, e.Text(80))
	return exitOK
}

// pickMaster lets the admin choose when several trusted nginx masters run
// and neither --pid nor --conf said which; the run is then discovered
// again for the one chosen.
func pickMaster(ctx context.Context, kase *steps.Case, c cli) (*steps.Case, error) {
	if !kase.Install.Ambiguous || kase.Install.Master == nil {
		return kase, nil
	}
	pid, err := ui.PickMaster(ctx, steps.MasterChoices(kase), kase.Install.Master.PID, ui.Options{NoColor: !c.color})
	switch {
	case err != nil:
		return nil, err
	case pid == 0:
		return nil, errors.New("no nginx master chosen: pass --pid N or --conf FILE")
	}
	o := c.opts
	o.PID = pid
	return steps.Discover(ctx, o)
}

func parse(args []string, stderr io.Writer) (cli, error) {
	c := cli{mode: "wizard", format: "text", color: true}
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "report", "version":
			c.mode = args[0]
			args = args[1:]
		case "explain":
			c.mode = "explain"
			if len(args) > 2 {
				return c, fmt.Errorf("explain takes one cause, e.g. ngx502 explain upstream-refused")
			}
			if len(args) == 2 {
				c.cause = args[1]
			}
			return c, nil
		case "help":
			args = []string{"-h"}
		default:
			return c, fmt.Errorf("unknown command %q (commands: report, explain, lab, demo, version, help)", args[0])
		}
	}
	fs := flag.NewFlagSet("ngx502", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { usage(fs, stderr) }
	fs.StringVar(&c.opts.Conf, "conf", "", "nginx.conf to inspect (default: the running master's -c, else nginx -V's --conf-path)")
	fs.StringVar(&c.opts.Binary, "nginx", "", "nginx binary (default: the running master's, else nginx on PATH, else /usr/sbin/nginx)")
	fs.IntVar(&c.opts.PID, "pid", 0, "pid of the nginx master to inspect when several run")
	fs.BoolVar(&c.opts.NginxT, "nginx-t", false, "run nginx -t even when the config is not owned by root (it may create the pid file, open logs, chown temp dirs, load modules)")
	fs.StringVar(&c.opts.Prefix, "prefix", "", "nginx prefix, like nginx -p (default: the master's -p, else --prefix from nginx -V)")
	fs.Func("error-log", "error log to read instead of the config's (repeatable)", func(s string) error {
		c.opts.ErrorLog = append(c.opts.ErrorLog, s)
		return nil
	})
	fs.DurationVar(&c.opts.Since, "since", 24*time.Hour, "how far back to read the error log")
	fs.DurationVar(&c.opts.Timeout, "timeout", 5*time.Second, "timeout of each probe")
	fs.StringVar(&c.format, "format", "text", "report format: text, json or markdown")
	fs.StringVar(&c.fix, "fix", "", "report: then run the proposed action with this ID (or all that may run unasked), each after nginx -t, and probe again")
	fs.StringVar(&c.opts.AuditLog, "audit-log", steps.DefaultAuditLog(), "where every action run is recorded, one JSON line each (\"\" keeps none)")
	fs.DurationVar(&c.opts.Verify, "verify", 5*time.Second, "after an action: ask nginx on the routes it was for and follow both logs this long to prove the fix (0: re-probe only)")
	fs.BoolVar(&c.dryRun, "dry-run", false, "with --fix: print exactly what would run, run nothing")
	fs.BoolVar(&c.follow, "follow", false, "report: then print each new upstream error nginx logs (JSON lines with --format json) until Ctrl+C")
	noColor := fs.Bool("no-color", os.Getenv("NO_COLOR") != "", "no colours in the wizard")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	switch c.format {
	case "text", "json", "markdown", "md":
	default:
		return c, fmt.Errorf("--format %q: use text, json or markdown", c.format)
	}
	if c.format == "md" {
		c.format = "markdown"
	}
	if (c.fix != "" || c.dryRun) && c.mode != "report" {
		return c, fmt.Errorf("--fix and --dry-run are for ngx502 report; in the wizard press r")
	}
	if c.dryRun && c.fix == "" {
		return c, fmt.Errorf("--dry-run needs --fix ID")
	}
	if c.follow && c.mode != "report" {
		return c, fmt.Errorf("--follow is for ngx502 report; in the wizard press f")
	}
	if c.opts.PID < 0 {
		return c, fmt.Errorf("--pid %d: want the pid of a running nginx master", c.opts.PID)
	}
	if c.opts.Verify < 0 {
		return c, fmt.Errorf("--verify must not be negative, e.g. 5s (0 re-probes only)")
	}
	if c.opts.Since <= 0 {
		return c, fmt.Errorf("--since must be positive, e.g. 2h")
	}
	c.color = !*noColor
	return c, nil
}

func usage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprint(w, `ngx502 finds out why nginx answers 502 Bad Gateway on this box.

Usage:
  sudo ngx502 [flags]          the wizard: error log → upstream → config → network → restart
  sudo ngx502 report [flags]   the same run, printed (also used when there is no terminal)
  ngx502 explain [CAUSE]       what a cause means, what nginx logs, how to fix it
  ngx502 lab list|start|status|check|stop   real broken nginx setups to practise on
  ngx502 demo                  a broken lab, the wizard on it, stopped on exit
  ngx502 version

Only root's own nginx is trusted: a master not run by root from a root-owned
binary is ignored. nginx -t is not read-only (pid file, logs, temp dirs chowned
to the worker user, modules); it runs by itself only on the config the running
master loaded or on files only root can change — else the wizard asks (t) and
the report needs --nginx-t.

Exit codes: 0 no problem found · 1 a problem found · 2 could not run or decide

Flags:
`)
	fs.PrintDefaults()
}

// interruptible cancels ctx on the first SIGINT/SIGTERM, so running probes
// stop and what came in is reported; a second signal exits at once, for a
// probe or discovery that does not give up quickly enough.
func interruptible(parent context.Context, stderr io.Writer) (context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	sig := make(chan os.Signal, 2)
	done := make(chan struct{})
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case <-sig:
			cancel()
		case <-done:
			return
		}
		select {
		case <-sig:
			fmt.Fprintln(stderr, "ngx502: interrupted twice: quitting without a report")
			os.Exit(exitUsage)
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sig)
		close(done)
		cancel()
	}
}
