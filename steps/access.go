package steps

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"ngx502/probes/accesslog"
	"ngx502/probes/errlog"
	"ngx502/probes/logfile"
	"ngx502/probes/nginx"
)

// accessLog is one access_log target with the format nginx writes it in.
type accessLog struct {
	path     string
	format   string // log_format name
	where    nginx.Where
	buffered []string
}

// accessLogs lists the access logs the config names (one per path and
// format), or nginx's built-in default when it names none.
func accessLogs(c *Case) (logs []accessLog, off []nginx.LogDirective) {
	seen := map[string]bool{}
	if c.Config != nil {
		for _, d := range c.Config.AccessLogs {
			if d.Path == "off" {
				off = append(off, d)
				continue
			}
			format := d.Format
			if format == "" {
				format = "combined"
			}
			if k := d.Path + "\x00" + format; !seen[k] {
				seen[k] = true
				logs = append(logs, accessLog{path: d.Path, format: format, where: d.Where, buffered: d.Buffered})
			}
		}
	}
	if len(logs) == 0 && len(off) == 0 {
		if p := nginx.Resolve(c.prefix(), c.Install.Build.HTTPLogPath); p != "" {
			logs = append(logs, accessLog{path: p, format: "combined"})
		}
	}
	return logs, off
}

// formatText is the log_format definition named name.
func formatText(c *Case, name string) (string, nginx.Where, bool) {
	if name == "combined" {
		return accesslog.Combined, nginx.Where{}, true
	}
	if c.Config != nil {
		for _, f := range c.Config.LogFormats {
			if f.Name == name {
				if f.Escape != "" {
					// escape=json writes \" inside values: the parser must know.
					return "escape=" + f.Escape + " " + f.Format, f.Where, true
				}
				return f.Format, f.Where, true
			}
		}
	}
	return "", nginx.Where{}, false
}

// accessFormat is the format nginx writes l in; the error says, for a
// check, why it cannot be parsed.
func accessFormat(c *Case, l accessLog) (accesslog.Format, error) {
	text, fw, ok := formatText(c, l.format)
	if !ok {
		return accesslog.Format{}, fmt.Errorf("log_format %q is not defined in the config: cannot parse it", l.format)
	}
	f, err := accesslog.ParseFormat(text)
	if err != nil {
		return accesslog.Format{}, fmt.Errorf("log_format %s (%s): %w", l.format, where(fw), err)
	}
	return f, nil
}

// readAccessLogs adds step 1's access-log checks and the observed findings
// of what nginx answered real clients: the application's own 5xx, and the
// 5xx nginx made itself (whose reason the error log gives).
// It returns the findings (which follow the error log's) and a few words
// for the step's summary when clients got 5xx.
func readAccessLogs(ctx context.Context, c *Case, o *Outcome) ([]Finding, string) {
	var finds []Finding
	logs, off := accessLogs(c)
	requests, failed := 0, 0
	loaded := loadedAt(c)
	onDisk := routesOnDisk(c, loaded) // else nginx routed by other files than these
	for _, d := range off {
		o.add(Check{Name: "access_log off", Command: "sudo nginx -T | grep -n access_log", Status: Pass,
			Result: fmt.Sprintf("%s (%s): nginx keeps no record of these requests", where(d.Where), d.Context)})
	}
	for _, l := range logs {
		ch := Check{Name: "access log " + l.path, Command: "sudo tail -n 200 " + shellQuote(l.path)}
		f, err := accessFormat(c, l)
		if err != nil {
			ch.Status, ch.Result = Warn, err.Error()
			o.add(ch)
			continue
		}
		sum := accesslog.Summarize(ctx, []string{l.path}, f, c.Since, recentWindow)
		o.add(accessCheck(ch, sum, l))
		if missing, line := f.Lacks(); len(missing) > 0 && sum.Requests > 0 {
			o.add(Check{Name: "log_format " + l.format, Command: "sudo nginx -T | grep -n log_format", Status: Warn,
				Result: fmt.Sprintf("lacks %s, so nginx's own 502s cannot be told from the application's; add: %s and use it in access_log",
					strings.Join(missing, ", "), line)})
		}
		finds = append(finds, accessFindings(c, sum, l, loaded, onDisk)...)
		requests, failed = requests+sum.Requests, failed+sum.Classes[5]
		o.Timeline.Status5xx.Merge(sum.Minutes5xx)
	}
	if failed == 0 {
		return finds, ""
	}
	return finds, fmt.Sprintf("access log: %s of %s requests got a 5xx", thousands(failed), thousands(requests))
}

// accessCheck says what reading one access log gave.
func accessCheck(ch Check, sum accesslog.Summary, l accessLog) Check {
	for _, f := range sum.Files {
		switch {
		case f.Err == nil:
		case errors.Is(f.Err, fs.ErrPermission):
			ch.Status, ch.Result = Warn, "permission denied — run ngx502 with sudo to read it"
			return ch
		case errors.Is(f.Err, logfile.ErrNotFile):
			ch.Status, ch.Result = Pass, "not a file: "+f.Err.Error()
			return ch
		case errors.Is(f.Err, fs.ErrNotExist):
			ch.Status, ch.Result = Pass, "does not exist: nginx has not written it yet"
			return ch
		default:
			ch.Status, ch.Result = Warn, "cannot read: "+f.Err.Error()
			return ch
		}
	}
	ch.Status = Pass
	ch.Result = fmt.Sprintf("%s requests (%s 5xx), %s in the last %s (%s 5xx)",
		thousands(sum.Requests), thousands(sum.Classes[5]), thousands(sum.RecentRequests), humanDuration(recentWindow), thousands(sum.RecentFailed))
	if sum.Own > 0 {
		ch.Result += fmt.Sprintf(" · %s of ngx502's own requests not counted", thousands(sum.Own))
	}
	if len(l.buffered) > 0 {
		ch.Result += fmt.Sprintf(" · written in batches (%s): the newest requests may not be in it yet", strings.Join(l.buffered, " "))
	}
	if sum.Bad > 0 {
		ch.Status = Warn
		ch.Result += fmt.Sprintf(" · %s lines do not match log_format %s", thousands(sum.Bad), l.format)
	}
	return ch
}

// routeSubject is the one backend of the prefix location that serves uri
// (longest match, as nginx picks among prefix locations); "" when regex
// locations or several backends make it a guess.
func routeSubject(c *Case, uri string) string {
	if uri == "" || c.Config == nil {
		return ""
	}
	path, _, _ := strings.Cut(uri, "?")
	best, bestLen := nginx.Where{}, -1
	for _, s := range c.Config.Servers {
		for _, l := range s.Locations {
			prefix, ok := strings.CutPrefix(l.Match, "^~ ")
			if !ok && strings.ContainsAny(l.Match[:min(len(l.Match), 1)], "~=@") {
				continue
			}
			if strings.HasPrefix(path, prefix) && len(prefix) > bestLen && l.Pass != nil {
				best, bestLen = l.Where, len(prefix)
			}
		}
	}
	subject := ""
	for _, ep := range c.Endpoints {
		for _, r := range ep.Routes {
			if r.Where == best && bestLen >= 0 {
				if subject != "" && subject != subjectOf(ep) {
					return "" // a group of several: which one failed is unknown
				}
				subject = subjectOf(ep)
			}
		}
	}
	return subject
}

// accessFindings turns failed responses into observed findings.
// loaded is when nginx last loaded its config; onDisk, whether the files
// on disk still route requests as the running nginx does.
func accessFindings(c *Case, sum accesslog.Summary, l accessLog, loaded time.Time, onDisk bool) []Finding {
	requests := map[string]int{}
	for _, u := range sum.Upstreams {
		requests[u.Addr] = u.Requests
	}
	var out []Finding
	for _, g := range sum.Groups {
		if g.Status < 500 || g.Count == 0 {
			continue
		}
		subject := c.Subjects.canonical(g.Addr)
		if g.Addr == "" && onDisk {
			// No $upstream_addr: the location the request went to may
			// still name its one backend.
			subject = routeSubject(c, g.Sample.URI)
		}
		share := ""
		if n := requests[g.Addr]; n > 0 && g.Addr != "" {
			share = fmt.Sprintf(" (%s of %s requests to %s)", thousands(g.Count), thousands(n), g.Addr)
		}
		req := errlog.Sanitize(truncate(g.Sample.Method+" "+g.Sample.URI, 100))
		f := Finding{Subject: subject, Kind: Observed, Count: g.Count, Last: g.Last, Where: l.path,
			Current: g.RecentCount > 0 && c.Started.Sub(g.Last) <= recentWindow && (loaded.IsZero() || !g.Last.Before(loaded.Truncate(time.Second)))}
		if g.AppOwn {
			f.Cause, f.Title = CauseUpstreamStatus, CauseOf(CauseUpstreamStatus).Title
			f.Evidence = []string{fmt.Sprintf("access log: the application itself answers %d for %s%s", g.Status, req, share)}
		} else {
			f.Cause, f.Title = CauseNginx5xx, CauseOf(CauseNginx5xx).Title
			f.Evidence = []string{fmt.Sprintf("access log: nginx answered %d to %s× %s%s", g.Status, thousands(g.Count), req, share)}
		}
		f.Evidence = append(f.Evidence, fmt.Sprintf("access log: first %s · last %s", g.First.Format("01-02 15:04:05"), g.Last.Format("01-02 15:04:05")))
		out = append(out, f)
	}
	return out
}
