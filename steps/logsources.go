package steps

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"ngx502/probes/logfile"
	"ngx502/probes/logsource"
	"ngx502/probes/service"
)

// journalLimit bounds what one journalctl run may hand over.
const journalLimit = 256 << 20

// stream is an error log that is not a file nginx writes: the journal of
// its unit, or a syslog daemon's file with other programs' lines mixed in.
type stream struct {
	name string
	open func(ctx context.Context) (io.ReadCloser, error)
}

// logSources says where the error logs that are not files go (stderr,
// syslog:), with a check each, and the streams that can be read here.
func (c *Case) logSources() ([]stream, []Check) {
	var streams []stream
	var checks []Check
	for _, path := range c.ErrorLogs {
		switch {
		case path == "stderr":
			s, ch := c.stderrSource()
			checks = append(checks, ch)
			if s != nil {
				streams = append(streams, *s)
			}
		case strings.HasPrefix(path, "syslog:"):
			s, ch := c.syslogSource(path)
			checks = append(checks, ch...)
			streams = append(streams, s...)
		}
	}
	return streams, checks
}

// stderrSource: nginx's stderr goes where its parent sends it — the
// journal of a systemd unit, a container runtime's log, or a terminal.
func (c *Case) stderrSource() (*stream, Check) {
	ch := Check{Name: "error_log stderr", Status: Warn}
	pid := 0
	if m := c.Install.Master; m != nil {
		pid = m.PID
	}
	if ct, ok := logsource.InContainer(c.Opts.ProcRoot, pid); ok && pid > 0 {
		ch.Result = "nginx runs in a container and logs to its stdout/stderr: read it with " + ct.LogHint(c.Since)
		ch.Command = ct.LogHint(c.Since)
		return nil, ch
	}
	unit := ""
	if pid > 0 && c.Manager == service.Systemd {
		unit = service.UnitOfPID(c.Opts.ProcRoot, pid)
	}
	if unit == "" {
		ch.Result = "nginx logs to stderr and no systemd unit runs it: its errors go wherever its parent sends them (a terminal, a supervisor's log)"
		ch.Command = "sudo ls -l /proc/" + fmt.Sprint(pid) + "/fd/2"
		return nil, ch
	}
	argv := logsource.JournalArgv(unit, c.Since)
	ch.Command = shellLine(argv)
	if len(argv) == 0 {
		ch.Result = "journalctl cannot be run safely here"
		return nil, ch
	}
	ch.Status, ch.Result = Pass, "nginx logs to stderr, which systemd keeps in the journal of "+unit+": read from there"
	return &stream{name: "journal of " + unit, open: func(ctx context.Context) (io.ReadCloser, error) {
		return logsource.ReadJournal(ctx, argv, journalLimit)
	}}, ch
}

// syslogSource: the syslog server nginx sends to — journald's socket, a
// local daemon whose files can be read, or a remote host.
func (c *Case) syslogSource(path string) ([]stream, []Check) {
	t, err := logsource.SyslogTarget(path)
	ch := Check{Name: "error_log " + path, Status: Warn}
	switch {
	case err != nil:
		ch.Result = "cannot read nginx's syslog target: " + err.Error()
		return nil, []Check{ch}
	case t.Remote:
		ch.Result = fmt.Sprintf("nginx sends its errors to %s (facility %s, tag %s): read them on that host", t.Addr(), t.Facility, t.Tag)
		return nil, []Check{ch}
	}
	root := orDefault(c.Opts.Root, "/")
	if logsource.SyslogViaJournal(root, t) {
		argv := logsource.JournalSyslogArgv(t, c.Since)
		ch.Status, ch.Command = Pass, shellLine(argv)
		ch.Result = "nginx logs to syslog through journald's socket: read from the journal"
		return []stream{{name: "journal (syslog tag " + t.Tag + ")", open: func(ctx context.Context) (io.ReadCloser, error) {
			return logsource.ReadJournal(ctx, argv, journalLimit)
		}}}, []Check{ch}
	}
	var out []stream
	var names []string
	for _, cand := range logsource.LocalSyslogFiles(root, t) {
		file := filepath.Join(root, cand.Path)
		if _, err := os.Stat(file); err != nil {
			continue
		}
		names = append(names, cand.Path+" ("+cand.Why+")")
		tag := t.Tag
		out = append(out, stream{name: cand.Path, open: func(context.Context) (io.ReadCloser, error) {
			f, err := logfile.Open(logfile.File{Path: file})
			if err != nil {
				return nil, err
			}
			return readCloser{logsource.StripSyslogTag(f, tag), f}, nil
		}})
	}
	if len(out) == 0 {
		ch.Result = fmt.Sprintf("nginx logs to syslog (%s, tag %s) and no local file of the syslog daemon holds it", orDefault(t.Addr(), "/dev/log"), t.Tag)
		return nil, []Check{ch}
	}
	ch.Status, ch.Command = Pass, "sudo grep "+shellQuote(t.Tag)+" "+shellQuote(strings.Fields(names[0])[0])
	ch.Result = "nginx logs to syslog; the syslog daemon writes it to " + strings.Join(names, ", ")
	return out, []Check{ch}
}

// readCloser reads through r and closes c.
type readCloser struct {
	io.Reader
	c io.Closer
}

// Close closes the underlying file.
func (r readCloser) Close() error { return r.c.Close() }
