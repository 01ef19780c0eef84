package ui

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"ngx502/steps"
)

// Write renders a report as "text" (the default), "json" (the stable
// contract in ARCHITECTURE.md) or "markdown" (for tickets).
func Write(w io.Writer, r steps.Report, format string) error {
	bw := bufio.NewWriter(w)
	var err error
	switch format {
	case "", "text":
		writeText(bw, r)
	case "json":
		err = writeJSON(bw, r)
	case "markdown", "md":
		writeMarkdown(bw, r)
	default:
		return fmt.Errorf("unknown report format %q: use text, json or markdown", format)
	}
	if err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// ExitCode is 0 when no problem was found, 1 when one was, and 2 when the
// run could not decide (nothing readable, or the checks did not finish).
func ExitCode(r steps.Report) int {
	switch {
	case r.Verdict.Cause == steps.CauseHealthy:
		return 0
	case r.Verdict.Inconclusive():
		return 2
	}
	return 1
}

// nginxLine is "nginx 1.22.1 · /etc/nginx/nginx.conf (binary …)".
func nginxLine(c *steps.Case) string {
	if c == nil {
		return "nginx ?"
	}
	s := clean(c.Version())
	if c.Install.Conf != "" {
		s += " · " + clean(c.Install.Conf)
	}
	if c.Install.Binary != "" {
		s += " (binary " + clean(c.Install.Binary) + ")"
	}
	return s
}

// verdictText is the plain verdict block: the wizard prints it on quit so
// the answer stays in the scrollback, and the text report starts with it.
func verdictText(v steps.Verdict) string {
	var b strings.Builder
	head := clean(string(v.Cause))
	if v.Subject != "" {
		head += " " + clean(v.Subject)
	}
	head += ": " + clean(v.Title)
	fmt.Fprintf(&b, "VERDICT  %s\n", head)
	fmt.Fprintf(&b, "         confidence: %s (%s)\n", v.Confidence, clean(v.Rule))
	for _, e := range v.Evidence {
		fmt.Fprintf(&b, "         %s\n", clean(e))
	}
	if v.Fix != "" {
		fmt.Fprintf(&b, "         fix: %s\n", clean(v.Fix))
	}
	if !v.Inconclusive() {
		for _, u := range v.Unfinished {
			fmt.Fprintf(&b, "         partial: %s\n", clean(u))
		}
	}
	for _, ru := range v.RunnerUps {
		fmt.Fprintf(&b, "         %s\n", runnerUpLine(ru))
	}
	if n := v.MoreOthers; n > 0 {
		fmt.Fprintf(&b, "         also: %d more, less likely\n", n)
	}
	return b.String()
}

// summaryText is what the wizard leaves in the scrollback: the verdict
// and one line per step.
func summaryText(r steps.Report) string {
	var b strings.Builder
	b.WriteString("ngx502 · " + nginxLine(r.Case) + "\n")
	b.WriteString(verdictText(r.Verdict))
	for _, o := range r.Outcomes {
		info := steps.InfoOf(o.Step)
		fmt.Fprintf(&b, "  %s %d %-10s %s\n", plainGlyph(o.Status), info.Number, info.Title, clean(o.Summary))
	}
	return b.String()
}

func plainGlyph(s steps.Status) string {
	switch s {
	case steps.Pass:
		return "✓"
	case steps.Warn:
		return "!"
	case steps.Fail:
		return "✗"
	}
	return "·"
}

// writeText is the readable report: verdict on top, then every step with
// each check's command, findings and proposed actions.
func writeText(w io.Writer, r steps.Report) {
	fmt.Fprintf(w, "ngx502 report · %s\n\n", nginxLine(r.Case))
	fmt.Fprint(w, verdictText(r.Verdict))
	for _, o := range r.Outcomes {
		info := steps.InfoOf(o.Step)
		fmt.Fprintf(w, "\n%d. %s [%s] %s\n", info.Number, info.Title, o.Status, clean(o.Summary))
		for _, line := range timelineLines(o.Timeline, 72) {
			fmt.Fprintf(w, "   %s\n", line)
		}
		for _, c := range o.Checks {
			fmt.Fprintf(w, "   %s %s: %s\n", plainGlyph(c.Status), clean(c.Name), clean(c.Result))
			if c.Command != "" {
				fmt.Fprintf(w, "       $ %s\n", clean(c.Command))
			}
		}
		for _, f := range o.Findings {
			fmt.Fprintf(w, "   finding %s: %s\n", clean(string(f.Cause)), clean(f.Title))
			if f.Where != "" {
				fmt.Fprintf(w, "     where: %s\n", clean(f.Where))
			}
			for _, e := range f.Evidence {
				fmt.Fprintf(w, "     | %s\n", clean(e))
			}
			if f.Fix != "" {
				fmt.Fprintf(w, "     fix: %s\n", clean(f.Fix))
			}
		}
		for _, a := range o.Actions {
			fmt.Fprintf(w, "   proposed: %s%s: $ %s\n", clean(a.Label), actionID(a), clean(a.Command))
			if a.Changes != "" {
				fmt.Fprintf(w, "     changes: %s\n", clean(a.Changes))
			}
			if a.Blocked != "" {
				fmt.Fprintf(w, "     refused: %s\n", clean(a.Blocked))
			}
		}
	}
	if len(r.Outcomes) > 0 {
		fmt.Fprintln(w, "\nrun `sudo ngx502` on a terminal to confirm and run a proposed action.")
	}
}

// runnerUpLine is "also (cause, medium): upstream-reset 127.0.0.1:8081: …"
// or "also (warning): localhost-ipv6 localhost:8081: …".
func runnerUpLine(ru steps.RunnerUp) string {
	role := ru.Role
	if ru.Confidence != "" {
		role += ", " + string(ru.Confidence)
	}
	head := strings.TrimSpace(clean(string(ru.Cause)) + " " + clean(ru.Subject))
	return fmt.Sprintf("also (%s): %s: %s", role, head, clean(ru.Title))
}

// actionID is " [id]", the name --fix takes, or "" when the action has none.
func actionID(a steps.Action) string {
	if a.ID == "" {
		return ""
	}
	return " [" + clean(a.ID) + "]"
}
