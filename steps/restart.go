package steps

import (
	"context"
	"fmt"
	"strings"
	"time"

	"ngx502/probes/nginx"
	"ngx502/probes/service"
)

// Action is a change the tool can make on the box, only after the admin
// confirms the exact command.
type Action struct {
	// ID names the action for scripts ("nginx-t"); "" for the restart
	// proposals until they get stable IDs.
	ID      string   `json:"id,omitempty"`
	Label   string   `json:"label"`
	Argv    []string `json:"argv"`
	Command string   `json:"command"` // Argv shell-quoted, for display only
	Changes string   `json:"changes"`
	// Blocked says why the action may not run now (nginx -t fails).
	Blocked string `json:"blocked,omitempty"`
	// Gated actions re-run nginx -t right before they execute.
	Gated bool `json:"gated"`
	// Explicit actions (a whole container, a process by pid) run only on a
	// yes for them by name: never with --fix all.
	Explicit bool `json:"explicit,omitempty"`
	// Subject is the backend the action is for; its routes prove the fix
	// ("" for nginx itself: every route).
	Subject string `json:"subject,omitempty"`
}

func actionOf(label string, c service.Command, gated bool) Action {
	return Action{Label: label, Argv: c.Argv, Command: c.String(), Changes: c.Changes, Gated: gated}
}

// planRestart proposes what to run: the backend's service when the
// verdict points at a backend, and an nginx reload, both gated by nginx -t.
func planRestart(ctx context.Context, c *Case, prior []Outcome) Outcome {
	o := Outcome{Status: Pass}
	test := configTest(ctx, c, prior)
	o.add(test)
	blocked := gateBlocks(test)
	v := Decide(prior)
	a, note, ok := backendAction(ctx, c, v)
	if note.Name != "" {
		o.add(note)
	}
	if ok {
		a.Blocked = blocked
		o.Actions = append(o.Actions, a)
	}
	if r, ok := nginxAction(c, &o); ok {
		r.Blocked = blocked
		if reloadCures(v.Cause) {
			o.Actions = append([]Action{r}, o.Actions...)
		} else {
			o.Actions = append(o.Actions, r)
		}
	}
	o.Summary = restartSummary(v, o, note, blocked, ok)
	if len(o.Actions) == 0 {
		o.Status = Skipped
	}
	return o
}

// nginxAction reloads a running nginx, or starts a stopped one as it last
// ran (the check saying how that was found).
func nginxAction(c *Case, o *Outcome) (Action, bool) {
	if c.Install.Binary == "" {
		return Action{}, false
	}
	if c.Install.Master != nil {
		r := actionOf("reload nginx", reloadNginx(c), true)
		r.ID = "reload-nginx"
		return r, true
	}
	cmd, ch, ok := startNginx(c)
	o.add(ch)
	if !ok {
		return Action{}, false
	}
	r := actionOf("start nginx", cmd, true)
	r.ID = "start-nginx"
	return r, true
}

// reloadCures: causes fixed in nginx's config, which a reload applies
// (after the admin edits the file the fix names).
func reloadCures(c CauseID) bool {
	switch c {
	case CauseConfigStale, CauseHeaderTooBig, CauseKeepalive, CauseResolver, CauseLocalhostIPv6, CauseTLS, CauseNginxDown:
		return true
	}
	return false
}

func restartSummary(v Verdict, o Outcome, note Check, blocked string, backend bool) string {
	switch {
	case blocked != "":
		return "restart refused: " + blocked
	case len(o.Actions) == 0:
		return "nothing to restart: nginx was not found"
	case v.Cause == CauseHealthy || v.Inconclusive():
		return "no restart needed; " + o.Actions[0].Label + " available on request"
	case backend || v.Cause == CauseConfigStale || v.Cause == CauseNginxDown:
		return "proposed: " + o.Actions[0].Command
	case reloadCures(v.Cause):
		return "after you change the config as the fix says: " + o.Actions[0].Command
	case note.Result != "":
		return note.Result + " (a reload of nginx will not fix this)"
	}
	return "no restart fixes " + string(v.Cause) + "; " + o.Actions[0].Label + " available on request"
}

// gateBlocks says why an action may not run: only a passing nginx -t
// opens the gate; a failing one, or one that could not run, keeps it shut.
func gateBlocks(test Check) string {
	switch test.Status {
	case Pass, Warn:
		return ""
	case Fail:
		return "nginx -t fails: fix the configuration first (step 3)"
	}
	return "nginx -t could not run (" + test.Result + ")"
}

// configTest reuses step 3's nginx -t when it ran, else runs it now.
func configTest(ctx context.Context, c *Case, prior []Outcome) Check {
	for _, p := range prior {
		if p.Step != Config {
			continue
		}
		for _, ch := range p.Checks {
			if ch.Name == checkNginxT {
				return ch
			}
		}
	}
	_, ch, _, _ := testIfAllowed(ctx, c)
	return ch
}

// reloadNginx reloads through the unit that runs the master; a master
// started by hand (no unit) gets the signal itself, as systemctl would
// reload some other nginx.service or none.
func reloadNginx(c *Case) service.Command {
	in := c.Install
	m, unit := c.Manager, ""
	if in.Master != nil {
		unit = service.UnitOfPID(c.Opts.ProcRoot, in.Master.PID)
		if m == service.Systemd && unit == "" {
			m = service.None
		}
	}
	return service.ReloadNginx(m, unit, in.Binary, in.Conf, in.Prefix, in.Globals)
}

// Execution is what happened when an action ran.
type Execution struct {
	Action   Action
	Started  time.Time // when the command ran; later log lines are "after"
	Gate     Check     // nginx -t right before
	Ran      bool
	Output   string
	ExitCode int
	Err      error
	After    Outcome // step 2 again, to show whether the 502 is gone
	Proof    *Proof  // requests through nginx and both logs followed (--verify); nil when off
	Fixed    bool
	Summary  string
}

// Execute runs a confirmed action: nginx -t first (a failing test refuses
// it), then the argv, then step 2 again.
func Execute(ctx context.Context, c *Case, a Action) (ex Execution) {
	ex = Execution{Action: a}
	defer func() {
		// Every attempt is recorded, refused ones too.
		if err := audit(c.Opts.AuditLog, ex); err != nil {
			ex.Summary += " (" + err.Error() + ")"
		}
	}()
	if a.Gated {
		ex.Gate = nginxTestCheck(nginx.Test(ctx, c.Install))
		if why := gateBlocks(ex.Gate); why != "" {
			ex.Summary = "not run: " + why + " — " + ex.Gate.Result
			return ex
		}
	}
	ex.Started = time.Now()
	res := service.Run(ctx, service.Command{Argv: a.Argv}, 60*time.Second)
	ex.Ran, ex.Output, ex.ExitCode, ex.Err = true, res.Output, res.ExitCode, res.Err
	if res.Err != nil || res.ExitCode != 0 {
		ex.Summary = fmt.Sprintf("%s failed (exit %d): %s", a.Command, res.ExitCode, firstLine(res.Output, res.Err))
		if a.ID == "reload-nginx" {
			ex.Summary += "; " + restartHint(c)
		}
		return ex
	}
	// Workers need a moment to pick up a reload or a backend to bind.
	select {
	case <-ctx.Done():
	case <-time.After(time.Second):
	}
	ex.After = RunStep(ctx, c, Upstream, nil)
	ex.Fixed = ex.After.Status != Fail
	if c.Opts.Verify > 0 {
		p := Verify(ctx, c, a.Subject, c.Opts.Verify)
		ex.Proof = &p
		ex.Fixed = ex.Fixed && p.Fixed
	}
	switch {
	case ex.Proof != nil:
		ex.Summary = "done; " + ex.Proof.Summary
		if ex.After.Status == Fail {
			ex.Summary += "; re-probe: " + ex.After.Summary
		}
	case ex.Fixed:
		ex.Summary = "done; re-probe: " + ex.After.Summary + " — the 502 is gone"
	default:
		ex.Summary = "done, but the 502 is still there: " + ex.After.Summary
	}
	return ex
}

// restartHint is the next step when a reload fails: a restart, through
// whoever runs the master — said, never run without a new yes.
func restartHint(c *Case) string {
	const lead = "the old workers still serve the old config; if nginx -t passes and the reload still fails, restart nginx: "
	if m := c.Install.Master; m != nil {
		root := orDefault(c.Opts.Root, "/")
		owner, _ := service.ManagerFor(root, c.Opts.ProcRoot, service.UnitOfPID(c.Opts.ProcRoot, m.PID), m.PID)
		if owner.Manager != service.PlainProcess && owner.Manager != service.None {
			if cmd, err := service.CommandFor(root, owner, service.Restart); err == nil {
				return lead + cmd.String()
			}
		}
	}
	stop := service.Command{Argv: []string{c.Install.Binary, "-s", "quit"}}
	if c.Install.Prefix != "" {
		stop.Argv = append(stop.Argv, "-p", c.Install.Prefix)
	}
	stop.Argv = append(stop.Argv, "-c", c.Install.Conf)
	start, _, _ := startNginx(c)
	if len(start.Argv) == 0 {
		return lead + stop.String() + ", then start it as it was started"
	}
	return lead + stop.String() + ", then " + start.String()
}

func firstLine(out string, err error) string {
	if s := strings.TrimSpace(out); s != "" {
		return strings.SplitN(s, "\n", 2)[0]
	}
	if err != nil {
		return err.Error()
	}
	return "no output"
}
