package steps

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"ngx502/probes/errlog"
	"ngx502/probes/nginx"
)

// runLogs reads every error log in the window and turns each group of
// upstream errors (peer × kind) into a finding.
func runLogs(ctx context.Context, c *Case) Outcome {
	o := Outcome{Status: Pass}
	streams, where := c.logSources()
	for _, ch := range where {
		o.add(ch)
	}
	sources := make([]errlog.Source, len(streams))
	for i, st := range streams {
		sources[i] = errlog.Source{Name: st.name, Open: st.open}
	}
	sum := errlog.SummarizeWith(ctx, c.ErrorLogs, sources, c.Since, time.Local)
	o.Timeline.Upstream = sum.Minutes
	readable := 0
	for _, f := range sum.Files {
		o.add(fileCheck(f, c.Since))
		if f.Err == nil {
			readable++ // read, or not written to since the window began
		}
	}
	if c.Config == nil && len(c.Opts.ErrorLog) == 0 {
		// Without the config its error_log is unknown: say that the path
		// read is nginx's built-in default, not what the config names.
		o.add(Check{Name: "which error log", Command: "sudo nginx -T | grep -n error_log", Status: Warn,
			Result: "the config could not be read, so its error_log is unknown; tried the build's default " + strings.Join(c.ErrorLogs, ", ") + " — run with sudo, or pass --error-log"})
	}
	accessFinds, access := readAccessLogs(ctx, c, &o)
	if readable == 0 {
		o.Findings = accessFinds
		o.Summary = joinNonEmpty("; ", "no error log could be read"+sudoHint(sum.Files), access)
		if len(o.Findings) == 0 {
			o.Status = Skipped
			return o
		}
		o.Status = Worse(o.Status, findingsStatus(o.Findings))
		return o
	}
	loaded := loadedAt(c)
	groups := weighGroups(c, sum.Groups, loaded)
	for _, g := range groups {
		o.Findings = append(o.Findings, g.Finding)
	}
	o.Seen = seenURIs(groups)
	o.Findings = append(o.Findings, overflowFindings(sum.Overflow)...)
	o.Findings = append(o.Findings, accessFinds...)
	o.Summary = joinNonEmpty("; ", logsSummary(sum, c.window(), groups), access)
	o.Status = Worse(o.Status, findingsStatus(o.Findings))
	if o.Status == Warn && len(o.Findings) > 0 && !loaded.IsZero() {
		o.Summary += " — none since nginx last loaded its config at " + loaded.Format("15:04:05")
	}
	return o
}

func fileCheck(f errlog.FileStat, since time.Time) Check {
	ch := Check{Name: "read " + f.Path, Command: "sudo tail -n 200 " + shellQuote(f.Path)}
	switch {
	case f.Err != nil && errors.Is(f.Err, fs.ErrPermission):
		ch.Status, ch.Result = Warn, "permission denied — run ngx502 with sudo to read it"
	case errors.Is(f.Err, errlog.ErrNotFile):
		ch.Status, ch.Result = Warn, "not a file on disk: where nginx sends it, and what was read from there, is said above"
	case f.Err != nil && errors.Is(f.Err, fs.ErrNotExist):
		ch.Status, ch.Result = Warn, "does not exist (nginx has not written it yet, or logs elsewhere)"
	case f.Err != nil:
		ch.Status, ch.Result = Warn, "cannot read: "+f.Err.Error()
	case !f.Read:
		ch.Status = Pass
		ch.Result = "not written to since " + since.Format("01-02 15:04:05") + ": no new entries"
	default:
		ch.Status = Pass
		ch.Result = fmt.Sprintf("%d entries since %s (%s)", f.Entries, since.Format("01-02 15:04"), humanBytes(f.Size))
	}
	return ch
}

func sudoHint(files []errlog.FileStat) string {
	for _, f := range files {
		if errors.Is(f.Err, fs.ErrPermission) {
			return " — run with sudo"
		}
	}
	return ""
}

// weighed is a log group with the finding it supports.
type weighed struct {
	errlog.Group
	Finding
}

// weighGroups turns the upstream groups into observed findings: current
// when nginx logged them after it last (re)loaded its config and within
// recentWindow of now; sorted so faults of now come first.
func weighGroups(c *Case, groups []errlog.Group, loaded time.Time) []weighed {
	var out []weighed
	for _, g := range groups {
		if g.Kind == errlog.KindNone {
			continue
		}
		f := groupFinding(g)
		f.Subject = c.Subjects.canonical(g.Peer)
		f.Current = c.Started.Sub(g.Last) <= recentWindow
		if !loaded.IsZero() && g.Last.Before(loaded.Truncate(time.Second)) {
			f.Current = false
			f.Evidence = append(f.Evidence, "log: none since nginx last loaded its config at "+loaded.Format("01-02 15:04:05"))
		} else if !f.Current {
			f.Evidence = append(f.Evidence, fmt.Sprintf("log: none in the last %s", humanDuration(recentWindow)))
		}
		if c.Config != nil && g.Peer != "" {
			switch c.Subjects.known(g.Peer) {
			case "":
				// The running nginx talks to a backend the files no longer
				// name: history, or a config not loaded yet.
				f.Gone = true
				f.Evidence = append(f.Evidence, c.Subjects.explain(g.Peer))
			case peerVariable, peerResolver:
				f.Evidence = append(f.Evidence, c.Subjects.explain(g.Peer))
			}
		}
		out = append(out, weighed{g, f})
	}
	sort.SliceStable(out, func(i, j int) bool { return stronger(out[i].Finding, out[j].Finding) })
	return out
}

func logsSummary(sum errlog.Summary, window string, groups []weighed) string {
	if len(groups) == 0 {
		return fmt.Sprintf("no upstream errors %s (%d entries read)", window, sum.Entries)
	}
	top := groups[0]
	return fmt.Sprintf("%d upstream errors %s; first: %d× %s %s",
		sum.Upstream, window, top.Group.Count, top.Group.Kind, orNginx(top.Peer))
}

// groupFinding turns a peer × kind group into evidence: the count, the
// window it spans and a sample line, sanitised for the terminal.
func groupFinding(g errlog.Group) Finding {
	cause := CauseID(g.Kind)
	not502 := isNot502(cause, g.Status)
	msg := g.Sample.Message
	if g.Sample.Errno != 0 {
		msg += fmt.Sprintf(" (%d: %s)", g.Sample.Errno, g.Sample.ErrText)
	}
	if g.Sample.Action != "" {
		msg += " while " + g.Sample.Action
	}
	ev := []string{
		fmt.Sprintf("log: %d× %s", g.Count, errlog.Sanitize(msg)),
		fmt.Sprintf("log: first %s · last %s%s", g.First.Format("01-02 15:04:05"), g.Last.Format("01-02 15:04:05"), serversNote(g.Servers, g.MoreServers)),
	}
	if g.Restarted {
		ev = append(ev, "log: counted since "+g.First.Format("01-02 15:04:05")+": it fell out of the 1,000 busiest peers before and came back")
	}
	if g.Sample.Request != "" {
		ev = append(ev, "log: e.g. "+errlog.Sanitize(truncate(g.Sample.Request, 120))+statusNote(g.Status))
	}
	return Finding{
		Cause: cause, Title: CauseOf(cause).Title, Subject: g.Peer,
		Where: orNginx(g.Peer), Evidence: ev, Kind: Observed, Count: g.Count, Last: g.Last,
		Not502: not502,
	}
}

// isNot502: nginx answered the client something else than a 5xx (a 404
// for a missing script), or the kind is no 502 by itself (a body cut
// after the header; an emerg at reload, which nginx -t judges now).
func isNot502(cause CauseID, status int) bool {
	switch cause {
	case CauseBodyTruncated, CauseOther, CauseConfigInvalid:
		return true
	}
	return status != 0 && status < 500
}

func serversNote(servers []string, more int) string {
	if len(servers) == 0 {
		return ""
	}
	s := " · server " + errlog.Sanitize(strings.Join(servers, ", "))
	if more > 0 {
		s += fmt.Sprintf(" and %s more", thousands(more))
	}
	return s
}

// overflowFindings say what the log summary could not keep one by one: the
// long tail of peers beyond the busiest (random Host headers behind
// proxy_pass http://$host make any number of them). They carry no weight:
// the tail explains, the busiest groups decide.
func overflowFindings(ovs []errlog.Overflow) []Finding {
	var out []Finding
	for _, ov := range ovs {
		if ov.Kind == errlog.KindNone || ov.Entries == 0 {
			continue
		}
		peers := thousands(ov.Peers)
		if ov.PeersAtLeast {
			peers = "at least " + peers
		}
		examples := make([]string, len(ov.Examples))
		for i, e := range ov.Examples {
			examples[i] = errlog.Sanitize(truncate(e, 60))
		}
		cause := CauseID(ov.Kind)
		out = append(out, Finding{Cause: cause, Title: fmt.Sprintf("%s more peers, same cause (%s)", peers, CauseOf(cause).Title),
			Evidence: []string{
				fmt.Sprintf("log: %s more entries from %s other peers, e.g. %s", thousands(ov.Entries), peers, strings.Join(examples, ", ")),
				fmt.Sprintf("log: first %s · last %s", ov.First.Format("01-02 15:04:05"), ov.Last.Format("01-02 15:04:05")),
			}})
	}
	return out
}

func statusNote(status int) string {
	if status == 0 {
		return ""
	}
	return fmt.Sprintf(" → %d", status)
}

func orNginx(peer string) string {
	if peer == "" {
		return "nginx"
	}
	return peer
}

// loadedAt is when the running nginx last loaded its config; zero when
// no master was found or /proc does not say.
func loadedAt(c *Case) time.Time {
	if c.Install.Master == nil {
		return time.Time{}
	}
	t, err := nginx.LoadedAt(c.Opts.ProcRoot, c.Install.Master.PID)
	if err != nil {
		return time.Time{}
	}
	return t
}

// routesOnDisk: the config files have not changed since nginx loaded them,
// so a request's location on disk is the one nginx sent it through.
// loaded is loadedAt(c).
func routesOnDisk(c *Case, loaded time.Time) bool {
	return c.Config != nil && (loaded.IsZero() || len(c.Config.ChangedSince(loaded.Add(staleSlack))) == 0)
}

// findingsStatus: fail when nginx still reports a 5xx failure, warn when
// all it reported is of the past or not a 502.
func findingsStatus(fs []Finding) Status {
	st := Pass
	for _, f := range fs {
		if f.Current && !f.Not502 && f.Rest == 0 {
			return Fail
		}
		st = Warn
	}
	return st
}
