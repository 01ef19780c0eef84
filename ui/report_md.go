package ui

import (
	"fmt"
	"io"
	"strings"

	"ngx502/steps"
)

// writeMarkdown renders the report for a ticket: the verdict as a quote,
// a table of checks per step, commands in code spans.
func writeMarkdown(w io.Writer, r steps.Report) {
	fmt.Fprintf(w, "# ngx502 report\n\n%s\n\n", mdText(nginxLine(r.Case)))
	v := r.Verdict
	head := "**" + mdText(string(v.Cause)) + "** — " + mdText(v.Title)
	if v.Subject != "" {
		head += " (" + mdCode(v.Subject) + ")"
	}
	fmt.Fprintf(w, "## Verdict\n\n> %s\n>\n> confidence: **%s** (%s)\n", head, v.Confidence, mdText(v.Rule))
	if len(v.Evidence) > 0 {
		fmt.Fprintln(w, ">")
		for _, e := range v.Evidence {
			fmt.Fprintf(w, "> - %s\n", mdCode(e))
		}
	}
	if v.Fix != "" {
		fmt.Fprintf(w, ">\n> **fix:** %s\n", mdText(v.Fix))
	}
	if !v.Inconclusive() {
		for _, u := range v.Unfinished {
			fmt.Fprintf(w, ">\n> **partial:** %s\n", mdText(u))
		}
	}
	if len(v.RunnerUps) > 0 {
		fmt.Fprintln(w, ">\n> **Runner-ups**\n>")
		for _, ru := range v.RunnerUps {
			fmt.Fprintf(w, "> - %s\n", mdText(runnerUpLine(ru)))
		}
	}
	for _, o := range r.Outcomes {
		info := steps.InfoOf(o.Step)
		fmt.Fprintf(w, "\n## %d. %s — %s\n\n%s\n", info.Number, mdText(info.Title), o.Status, mdText(o.Summary))
		if tl := timelineLines(o.Timeline, 72); len(tl) > 0 {
			fmt.Fprintf(w, "\n```\n%s\n```\n", strings.Join(tl, "\n"))
		}
		if len(o.Checks) > 0 {
			fmt.Fprint(w, "\n| check | status | result | command |\n|---|---|---|---|\n")
			for _, c := range o.Checks {
				fmt.Fprintf(w, "| %s | %s | %s | %s |\n", mdCell(mdText(c.Name)), c.Status, mdCell(mdText(c.Result)), mdCell(mdCode(c.Command)))
			}
		}
		if len(o.Findings) > 0 {
			fmt.Fprint(w, "\n**Findings**\n\n")
		}
		for _, f := range o.Findings {
			fmt.Fprintf(w, "- **%s** — %s", mdText(string(f.Cause)), mdText(f.Title))
			if f.Where != "" {
				fmt.Fprintf(w, " (%s)", mdCode(f.Where))
			}
			fmt.Fprintln(w)
			for _, e := range f.Evidence {
				fmt.Fprintf(w, "  - %s\n", mdCode(e))
			}
			if f.Fix != "" {
				fmt.Fprintf(w, "  - fix: %s\n", mdText(f.Fix))
			}
		}
		if len(o.Actions) > 0 {
			fmt.Fprint(w, "\n**Proposed actions**\n\n")
		}
		for _, a := range o.Actions {
			fmt.Fprintf(w, "- %s%s: %s", mdText(a.Label), mdText(actionID(a)), mdCode(a.Command))
			if a.Changes != "" {
				fmt.Fprintf(w, " — %s", mdText(a.Changes))
			}
			if a.Blocked != "" {
				fmt.Fprintf(w, " — **refused:** %s", mdText(a.Blocked))
			}
			fmt.Fprintln(w)
		}
	}
}

// mdText is sanitised text with the characters Markdown would act on
// escaped, so a log line cannot turn into a link or a heading.
func mdText(s string) string {
	s = clean(s)
	r := strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
		"<", `\<`, ">", `\>`, "#", `\#`)
	return r.Replace(s)
}

// mdCode puts sanitised text in a code span long enough to hold any
// backticks it contains.
func mdCode(s string) string {
	s = clean(s)
	if s == "" {
		return ""
	}
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	return fence + pad + s + pad + fence
}

// mdCell keeps a table cell in its column: pipes are escaped even inside
// code spans (GFM splits cells before it parses spans).
func mdCell(s string) string {
	return strings.ReplaceAll(s, "|", `\|`)
}
