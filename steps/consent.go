package steps

import (
	"context"
	"fmt"

	"ngx502/probes/filetrust"
	"ngx502/probes/nginx"
)

// ActionNginxT is the ID of the action that runs nginx -t once the admin
// agreed to it: the wizard offers it when the config is not root's own.
const ActionNginxT = "nginx-t"

// testChanges says what nginx -t may do to the box, wherever ngx502 asks
// before running it.
const testChanges = "nginx -t is not read-only: it creates the pid file, opens every log file, creates temp dirs and chowns them to the `user` directive, and loads load_module files"

// testConsent says whether nginx -t may run without asking, and why not.
// Only a trusted binary ever runs. It runs unasked on the config the trusted
// running master loaded (its own -c/-p/-g), or on a tree of files only root
// can change — the box's own /etc/nginx, which a service start would test
// the same way. Anything else needs --nginx-t or a "yes" in the wizard.
// refused is true when no consent can make it run (no trusted binary).
func testConsent(c *Case) (ok, refused bool, why string) {
	in := c.Install
	switch {
	case in.Binary == "":
		return false, true, "no nginx binary found — pass --nginx /path/to/nginx"
	case !in.BinaryTrusted:
		return false, true, "no nginx binary that is safe to run as root: " + in.BinaryWhy
	case c.Config != nil && len(c.Config.Unsafe) > 0:
		return false, true, "the config includes " + c.Config.Unsafe[0] + ", which is not a regular file or too big: nginx -t would block or spin on it (see the parse errors)"
	case c.Opts.NginxT, loadedByMaster(c):
		return true, false, ""
	case c.Config == nil:
		return false, false, "the config could not be read, so ngx502 cannot tell who may change it"
	}
	// The same rule as for a binary: owned by root, writable by no one
	// else, reached through directories only root can change.
	for _, f := range append(append([]string(nil), c.Config.Files...), c.Config.Modules...) {
		if ok, why := filetrust.File(f); !ok {
			return false, false, why
		}
	}
	return true, false, ""
}

// loadedByMaster: the config is the one the trusted running master started
// with, read exactly from its command line.
func loadedByMaster(c *Case) bool {
	m := c.Install.Master
	if m == nil || !m.Trusted || !m.ArgvExact {
		return false
	}
	return m.EffectiveConf(c.Install.Builds[m.Binary]) == c.Install.Conf
}

// testIfAllowed runs nginx -t when consent allows. Otherwise ran is false
// and the check says why it did not run and what running it would change;
// the action runs it once the admin agrees (nil when nothing can).
func testIfAllowed(ctx context.Context, c *Case) (t nginx.TestResult, ch Check, ask *Action, ran bool) {
	ok, refused, why := testConsent(c)
	if ok {
		t = nginx.Test(ctx, c.Install)
		return t, nginxTestCheck(t), nil, true
	}
	argv := nginx.TestArgv(c.Install)
	ch = Check{Name: checkNginxT, Command: "sudo " + shellLine(argv), Status: Skipped}
	if refused {
		ch.Result = "not run: " + why
		return t, ch, nil, false
	}
	ch.Result = fmt.Sprintf("not run by itself (t in the wizard or --nginx-t runs it): %s; %s", why, testChanges)
	a := Action{ID: ActionNginxT, Label: "run nginx -t on this config", Argv: argv, Command: shellLine(argv), Changes: testChanges}
	return t, ch, &a, false
}
