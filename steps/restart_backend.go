package steps

import (
	"context"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"time"

	"ngx502/probes/netcheck"
	"ngx502/probes/postmortem"
	"ngx502/probes/service"
)

// backendAction proposes to start (nothing listens) or restart the service
// that owns the upstream the verdict blames, through whatever manager
// really controls it on this box — and says first why it died, since a
// restart without that knowledge brings the 502 back.
func backendAction(ctx context.Context, c *Case, v Verdict) (Action, Check, bool) {
	verb := service.Restart
	switch v.Cause {
	case CauseRefused, CauseSocketMissing:
		verb = service.Start // nothing listens: start it (no effect if it runs)
	case CauseTimeout, CauseClosed, CauseReset, CauseInvalid, CauseNoLive, CauseFastCGI, CauseBusy:
	default:
		return Action{}, Check{}, false
	}
	note := Check{Name: "service for " + v.Subject, Command: "sudo ss -ltnpx", Status: Warn}
	owner, why, evidence, ok := ownerOf(c, v.Subject)
	if !ok {
		note.Result = "no process or unit file names " + v.Subject + ": start the application that should serve it by hand"
		return Action{}, note, false
	}
	cmd, err := service.CommandFor(orDefault(c.Opts.Root, "/"), owner, verb)
	if err != nil {
		note.Result = joinNonEmpty("; ", why, evidence, err.Error())
		if owner.Process != nil && owner.Manager == service.PlainProcess {
			note.Result += "; it runs " + owner.Process.HandStart()
		}
		return Action{}, note, false
	}
	if died := whyItDied(ctx, c, owner); died != "" {
		why += "; why it died: " + died
	}
	// The check carries how the manager was found; the confirm dialog only
	// what runs, why, and what it changes.
	note.Status, note.Result = Pass, joinNonEmpty("; ", why, evidence)
	name := orDefault(owner.Name, "the process")
	a := actionOf(string(verb)+" "+name, cmd, true)
	a.ID = string(verb) + "-backend"
	a.Subject = v.Subject
	a.Changes = why + "; " + a.Changes
	if cmd.ExplicitYes {
		a.Explicit = true
		a.Changes += " (needs your explicit yes: it acts on a whole container or a process by pid)"
	}
	return a, note, true
}

// ownerOf finds who controls the backend behind subject: the process that
// listens there and its manager, else the service whose own configuration
// names that address (the surest first).
func ownerOf(c *Case, subject string) (owner service.Owner, why, evidence string, ok bool) {
	root := orDefault(c.Opts.Root, "/")
	path, isUnix := strings.CutPrefix(subject, "unix:")
	network, address := "tcp", subject
	if isUnix {
		network, address = "unix", path
	}
	if table, err := netcheck.ReadTable(c.Opts.ProcRoot); err == nil {
		var ls []netcheck.Listener
		if isUnix {
			ls = table.ForUnix(path)
		} else if ap, err := netip.ParseAddrPort(subject); err == nil {
			ls = table.ForTCP(ap)
		}
		for _, l := range ls {
			if l.PID == 0 {
				continue
			}
			o, ev := service.ManagerFor(root, c.Opts.ProcRoot, service.UnitOfPID(c.Opts.ProcRoot, l.PID), l.PID)
			return o, fmt.Sprintf("%s (pid %d) listens on %s", l.Process, l.PID, subject), ev.String(), true
		}
	}
	for _, cand := range service.CandidatesAt(root, network, address) {
		o, ev := service.ManagerForCandidate(root, c.Opts.ProcRoot, cand)
		if o.Manager == service.None {
			continue
		}
		return o, fmt.Sprintf("%s should serve %s (%s:%d: %s)", cand.Unit, subject, cand.File, cand.Line, cand.Text), ev.String(), true
	}
	return service.Owner{}, "", "", false
}

// phpVersion finds "8.2" in php8.2-fpm or php-fpm8.2.
var phpVersion = regexp.MustCompile(`\d+\.\d+`)

// whyItDied reads what the box kept about the service's end: OOM kills,
// its unit's last words, php-fpm's own log — one sentence, "" when none.
func whyItDied(ctx context.Context, c *Case, o service.Owner) string {
	req := postmortem.Request{Since: c.Since}
	switch {
	case o.Process != nil:
		req.Process = o.Process.Comm
	case o.Name != "":
		req.Process = strings.TrimSuffix(o.Name, ".service")
	}
	if o.Manager == service.Systemd {
		req.Unit = o.Name
	}
	if v := phpVersion.FindString(req.Process); v != "" && strings.Contains(req.Process, "fpm") {
		req.FPMConfig = "/etc/php/" + v + "/fpm/php-fpm.conf" // Debian's layout: php8.2-fpm, php-fpm8.2
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return postmortem.Gather(ctx, req).Reason()
}
