package steps

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"ngx502/probes/nginx"
)

const checkNginxT = "nginx -t"

// maxRoutes bounds the server → location → upstream map on screen.
const maxRoutes = 40

// runConfig runs nginx -t, shows the route map and flags the static
// misconfigurations that turn into 502s.
func runConfig(ctx context.Context, c *Case) Outcome {
	o := Outcome{Status: Pass}
	for _, ch := range discoveryChecks(c) {
		o.add(ch)
	}
	test, ch, ask, ran := testIfAllowed(ctx, c)
	o.add(ch)
	if ask != nil {
		o.Actions = append(o.Actions, *ask)
	}
	if ran && !test.OK && test.Err == nil && !needsRoot(test) {
		o.Findings = append(o.Findings, testFindings(test)...)
	}
	if c.Config == nil {
		hint := ""
		if errors.Is(c.ConfigErr, fs.ErrPermission) {
			hint = " — run with sudo"
		}
		o.add(Check{Name: "parse " + c.Install.Conf, Command: "sudo nginx -T", Status: Fail,
			Result: "cannot read the config: " + errText(c.ConfigErr) + hint})
		o.Summary = "config not readable"
		return o
	}
	o.add(parseCheck(c))
	for _, pe := range c.Config.Errors {
		o.add(Check{Name: "parse error", Command: "sudo nginx -t", Status: Warn,
			Result: fmt.Sprintf("%s: %s", where(pe.Where), pe.Message)})
	}
	routes := routeChecks(c.Config)
	for i, r := range routes {
		if i == maxRoutes {
			o.add(Check{Name: "…", Status: Pass, Result: fmt.Sprintf("%d more routes: sudo nginx -T | grep -n _pass", len(routes)-maxRoutes)})
			break
		}
		o.add(r)
	}
	if ch, f, ok := staleCheck(c); ok {
		o.add(ch)
		if f != nil {
			o.Findings = append(o.Findings, *f)
		}
	}
	o.Findings = append(o.Findings, staticFindings(c)...)
	o.Summary = configSummary(c, test)
	if ask != nil {
		o.Summary = strings.Replace(o.Summary, "nginx -t not run", "nginx -t waits for your ok (t)", 1)
	}
	return o
}

func nginxTestCheck(t nginx.TestResult) Check {
	ch := Check{Name: checkNginxT, Command: "sudo " + shellLine(t.Argv)}
	switch {
	case t.Err != nil:
		ch.Status, ch.Result = Skipped, "could not run: "+t.Err.Error()
	case t.OK:
		ch.Status, ch.Result = Pass, "syntax is ok, test is successful"
		for _, p := range t.Problems {
			if p.Level == "warn" {
				ch.Status, ch.Result = Warn, "ok, with warning: "+p.Message
				break
			}
		}
	case needsRoot(t):
		// nginx -t opens the pid file and logs even in test mode, so an
		// unprivileged run fails for reasons that say nothing of the config.
		ch.Status, ch.Result = Skipped, "needs root (nginx -t opens the pid and log files): run ngx502 with sudo — "+firstProblem(t)
	case t.Signal != "":
		ch.Status, ch.Result = Fail, t.Reason()
	default:
		ch.Status, ch.Result = Fail, "test failed: "+t.Reason()
	}
	return ch
}

// needsRoot is true when a failed nginx -t ran without root and every
// error it printed is a permission denial.
func needsRoot(t nginx.TestResult) bool {
	if os.Geteuid() == 0 || len(t.Problems) == 0 {
		return false
	}
	for _, p := range t.Problems {
		if (p.Level == "emerg" || p.Level == "alert" || p.Level == "crit") && !strings.Contains(p.Message, "(13: Permission denied)") {
			return false
		}
	}
	return true
}

func firstProblem(t nginx.TestResult) string {
	for _, p := range t.Problems {
		if p.Level == "emerg" || p.Level == "alert" || p.Level == "crit" {
			return problemText(p)
		}
	}
	if len(t.Problems) > 0 {
		return problemText(t.Problems[0])
	}
	return truncate(strings.TrimSpace(t.Output), 200)
}

func problemText(p nginx.Problem) string {
	if p.Where.File != "" {
		return fmt.Sprintf("[%s] %s (%s)", p.Level, p.Message, where(p.Where))
	}
	return fmt.Sprintf("[%s] %s", p.Level, p.Message)
}

func testFindings(t nginx.TestResult) []Finding {
	f := Finding{Cause: CauseConfigInvalid, Title: CauseOf(CauseConfigInvalid).Title, Kind: Measured,
		Evidence: []string{"nginx -t: " + t.Reason()}}
	for _, p := range t.Problems {
		if p.Where.File != "" {
			f.Where = where(p.Where)
			f.Fix = fmt.Sprintf("fix %s, then run %s again", where(p.Where), shellLine(t.Argv))
			break
		}
	}
	return []Finding{f}
}

func parseCheck(c *Case) Check {
	locs := 0
	for _, s := range c.Config.Servers {
		locs += len(s.Locations)
	}
	ch := Check{Name: "parse config", Command: "sudo nginx -T | less", Status: Pass,
		Result: fmt.Sprintf("%d files · %d servers · %d locations · %d upstream targets",
			len(c.Config.Files), len(c.Config.Servers), locs, len(c.Endpoints))}
	if len(c.Config.Errors) > 0 {
		ch.Status = Warn
		ch.Result += fmt.Sprintf(" · %d parse errors", len(c.Config.Errors))
	}
	return ch
}

// routeChecks is the map server → location → upstream, one line each.
func routeChecks(cfg *nginx.Config) []Check {
	var out []Check
	for _, s := range cfg.Servers {
		name := serverName(s)
		for _, l := range s.Locations {
			if l.Pass == nil {
				continue
			}
			out = append(out, Check{
				Name:    name + " " + l.Match,
				Command: "sudo nginx -T | grep -n " + shellQuote(l.Pass.Directive),
				Status:  Pass,
				Result:  fmt.Sprintf("→ %s %s (%s)", l.Pass.Directive, l.Pass.Raw, where(l.Pass.Where)),
			})
		}
	}
	return out
}

func serverName(s nginx.Server) string {
	if len(s.Names) > 0 && s.Names[0] != "" && s.Names[0] != "_" {
		return s.Names[0]
	}
	if len(s.Listen) > 0 {
		return strings.Fields(s.Listen[0])[0]
	}
	return "server"
}

func configSummary(c *Case, t nginx.TestResult) string {
	test := "nginx -t not run"
	switch {
	case len(t.Argv) == 0:
	case t.Err != nil:
		test = "nginx -t could not run"
	case t.OK:
		test = "nginx -t ok"
	case needsRoot(t):
		test = "nginx -t needs sudo"
	case len(t.Argv) > 0:
		test = "nginx -t FAILS"
	}
	return fmt.Sprintf("%s · %d servers · %d upstream targets", test, len(c.Config.Servers), len(c.Endpoints))
}

func where(w nginx.Where) string {
	if w.File == "" {
		return ""
	}
	return fmt.Sprintf("%s:%d", w.File, w.Line)
}

func errText(err error) string {
	if err == nil {
		return "unknown error"
	}
	return err.Error()
}

// staleSlack absorbs the clock-tick precision of process start times, so
// an edit right before a reload is not taken for one after it.
const staleSlack = 100 * time.Millisecond

// staleCheck compares the config files with the moment the running nginx
// loaded them: files changed since mean the 502 may come from the old one.
func staleCheck(c *Case) (Check, *Finding, bool) {
	if c.Install.Master == nil {
		return Check{}, nil, false
	}
	ch := Check{Name: "loaded config", Command: "ps -o lstart= --ppid " + fmt.Sprint(c.Install.Master.PID) + "; ls -l --time-style=full-iso " + shellQuote(c.Install.Conf), Status: Pass}
	at, err := nginx.LoadedAt(c.Opts.ProcRoot, c.Install.Master.PID)
	if err != nil {
		ch.Status, ch.Result = Skipped, "cannot tell when nginx loaded its config: "+err.Error()
		return ch, nil, true
	}
	changed := c.Config.ChangedSince(at.Add(staleSlack))
	if len(changed) == 0 {
		ch.Result = "the running nginx (pid " + fmt.Sprint(c.Install.Master.PID) + ") loaded these files at " + at.Format("01-02 15:04:05") + "; none changed since"
		return ch, nil, true
	}
	ch.Status = Warn
	ch.Result = fmt.Sprintf("%d file(s) changed after nginx loaded its config at %s: %s", len(changed), at.Format("01-02 15:04:05"), strings.Join(changed, ", "))
	return ch, &Finding{Cause: CauseConfigStale, Title: CauseOf(CauseConfigStale).Title, Where: changed[0], Kind: Measured,
		Evidence: []string{"config: " + ch.Result},
		Fix:      "reload nginx so it uses the files on disk (step 5 runs nginx -t first)"}, true
}
