package steps

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"ngx502/probes/errlog"
	"ngx502/probes/logfile"
)

// Event is one upstream failure nginx logged while ngx502 follows its
// error logs: already classified, named by its canonical subject, and
// sanitised for a terminal.
type Event struct {
	Time    time.Time `json:"time"`
	Cause   CauseID   `json:"cause"`
	Subject string    `json:"subject,omitempty"`
	Status  int       `json:"status,omitempty"` // what nginx answered the client, when the line says
	Line    string    `json:"line"`             // the message, sanitised
	Request string    `json:"request,omitempty"`
	File    string    `json:"file"`
}

// String is the event as one line for a terminal or a pipe.
func (e Event) String() string {
	s := fmt.Sprintf("%s %s %s: %s", e.Time.Format("15:04:05"), e.Cause, orNginx(e.Subject), e.Line)
	if e.Request != "" {
		s += " · " + e.Request
	}
	if e.Status != 0 {
		s += fmt.Sprintf(" → %d", e.Status)
	}
	return s
}

// Follow streams the upstream failures nginx writes to c's error logs from
// now on, as they come (rotation and truncation followed), until ctx ends;
// ngx502's own requests are left out. emit runs on Follow's goroutines,
// one at a time. Logs that are not files (stderr, syslog) are not followed.
func Follow(ctx context.Context, c *Case, emit func(Event)) error {
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make([]error, len(c.ErrorLogs))
	for i, path := range c.ErrorLogs {
		if logfile.Special(path) != nil {
			continue
		}
		wg.Go(func() {
			errs[i] = logfile.Follow(ctx, path, 0, func(line []byte) {
				ev, ok := c.event(line, path)
				if !ok {
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if ctx.Err() == nil {
					emit(ev)
				}
			})
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// event classifies one new error-log line.
func (c *Case) event(line []byte, path string) (Event, bool) {
	e, ok := errlog.ParseLine(line, time.Local)
	if !ok || strings.Contains(e.Request, logfile.ProbeMarker) {
		return Event{}, false
	}
	k := errlog.Classify(e)
	if k == errlog.KindNone {
		return Event{}, false
	}
	msg := e.Message
	if e.Errno != 0 {
		msg += fmt.Sprintf(" (%d: %s)", e.Errno, e.ErrText)
	}
	if e.Action != "" {
		msg += " while " + e.Action
	}
	return Event{Time: e.Time, Cause: CauseID(k), Subject: c.Subjects.canonical(errlog.Peer(e)), Status: errlog.Status(e),
		Line: errlog.Sanitize(truncate(msg, 200)), Request: errlog.Sanitize(truncate(e.Request, 120)), File: path}, true
}

// WithEvent is the error-log step's outcome with one more event counted:
// the finding of its cause and subject gets the count and is current; a
// new pair becomes a new observed finding. The outcome is copied, not
// changed, so a screen holding the old one is unaffected.
func WithEvent(o Outcome, ev Event) Outcome {
	out := o
	out.Findings = append([]Finding(nil), o.Findings...)
	for i, f := range out.Findings {
		if f.Kind == Observed && f.Cause == ev.Cause && f.Subject == ev.Subject && f.Rest == 0 {
			f.Count++
			f.Live++
			f.Current = true
			if ev.Time.After(f.Last) {
				f.Last = ev.Time
			}
			f.Evidence = append([]string{liveLine(f.Live, ev)}, withoutLive(f.Evidence)...)
			out.Findings[i] = f
			out.Status = Worse(out.Status, findingsStatus(out.Findings))
			return out
		}
	}
	out.Findings = append(out.Findings, Finding{Cause: ev.Cause, Title: CauseOf(ev.Cause).Title, Subject: ev.Subject,
		Where: orNginx(ev.Subject), Kind: Observed, Current: true, Count: 1, Last: ev.Time,
		Not502: isNot502(ev.Cause, ev.Status), Live: 1, Evidence: []string{liveLine(1, ev)}})
	out.Status = Worse(out.Status, findingsStatus(out.Findings))
	return out
}

// liveLine sums up what following saw of one cause and subject.
func liveLine(n int, ev Event) string {
	return fmt.Sprintf("live: %d new while following; last %s", n, ev.String())
}

// withoutLive drops an earlier live line: one is enough, the newest.
func withoutLive(ev []string) []string {
	out := ev[:0:0]
	for _, e := range ev {
		if !strings.HasPrefix(e, "live: ") {
			out = append(out, e)
		}
	}
	return out
}
