package steps

import (
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// Explanation is what one cause means, for `ngx502 explain CAUSE` and the
// wizard's learn mode: plain words, nginx's own log lines, how the verdict
// reaches it, the fix and a short lesson for a junior admin.
type Explanation struct {
	Cause   CauseID
	Title   string
	Meaning string // plain words, 2-4 sentences
	// LogLines are error-log entries as nginx 1.22 writes them, without the
	// leading date and time ("[error] 1234#1234: *1 connect() failed ...");
	// lines starting with "#" are remarks, others (access log, nginx -t
	// output) are shown as they are.
	LogLines []string
	Decides  string   // which evidence, and which verdict rule makes it high/medium/low; "\n" starts a paragraph
	Fix      []string // commands and config lines, concrete
	Learn    string   // the mechanism, what to try by hand, what to read
}

// Explain returns the explanation of one cause; false for an unknown ID.
func Explain(id CauseID) (Explanation, bool) {
	for _, e := range Explanations() {
		if e.Cause == id {
			return e, true
		}
	}
	return Explanation{}, false
}

// Explanations returns every cause's explanation, the common 502 causes
// first and the verdicts that name no cause last.
func Explanations() []Explanation {
	byID := map[CauseID]Explanation{}
	for _, group := range [][]Explanation{connectExplanations(), networkExplanations(), responseExplanations(), nginxExplanations(), quietExplanations()} {
		for _, e := range group {
			byID[e.Cause] = e
		}
	}
	out := make([]Explanation, 0, len(byID))
	for _, id := range explainOrder() {
		if e, ok := byID[id]; ok {
			e.Title = CauseOf(id).Title // one title per cause: the catalogue's
			out = append(out, e)
			delete(byID, id)
		}
	}
	rest := slices.Sorted(maps.Keys(byID)) // not in the order list yet: still listed, never lost
	for _, id := range rest {
		e := byID[id]
		e.Title = CauseOf(id).Title
		out = append(out, e)
	}
	return out
}

// explainOrder is roughly how often each cause is behind a 502 on real
// boxes: a backend that is down or slow first, nginx's own state after,
// the verdicts without a cause last.
func explainOrder() []CauseID {
	return []CauseID{
		CauseRefused, CauseSocketMissing, CauseTimeout, CauseClosed, CauseReset,
		CauseSocketPerm, CauseBusy, CauseHeaderTooBig, CauseLocalhostIPv6, CauseKeepalive,
		CauseNoLive, CauseSELinux, CauseFastCGI, CauseInvalid, CauseTLS, CauseResolver,
		CauseUnreachable, CauseConfigInvalid, CauseConfigStale, CauseNginxDown,
		CauseTooManyFiles, CausePortExhaustion, CauseUpstreamStatus, CauseNginx5xx,
		CauseBodyTruncated, CauseOther, CauseHealthy, CauseIncomplete, CauseUnknown,
	}
}

// ExplainList is one line per cause, ID and title, in Explanations'
// order; a title that does not fit width is cut with "…" (width <= 0:
// never cut).
func ExplainList(width int) string {
	all := Explanations()
	pad := 0
	for _, e := range all {
		pad = max(pad, len(e.Cause))
	}
	var b strings.Builder
	for _, e := range all {
		line := "  " + string(e.Cause) + strings.Repeat(" ", pad-len(e.Cause)+2) + e.Title
		b.WriteString(cutRunes(line, width))
		b.WriteByte('\n')
	}
	return b.String()
}

// Text renders the explanation as plain text wrapped to width runes
// (width <= 0: no wrapping), with one heading per part.
func (e Explanation) Text(width int) string {
	w := textWriter{width: width}
	w.wrap(string(e.Cause)+" — "+e.Title, "", "  ")
	w.section("What it means")
	w.wrap(e.Meaning, "  ", "  ")
	w.section("What nginx logs")
	if hasEntry(e.LogLines) {
		w.wrap("Each error-log line starts with the date and time, e.g. 2026/11/25 12:43:22.", "  ", "  ")
	}
	for _, l := range e.LogLines {
		if strings.HasPrefix(l, "#") {
			w.wrap(l, "  ", "    ")
			continue
		}
		w.wrap(l, "  ", "      ")
	}
	w.section("How ngx502 decides")
	w.wrap(e.Decides, "  ", "  ")
	w.section("How to fix it")
	for _, f := range e.Fix {
		w.wrap(f, "  - ", "    ")
	}
	w.section("Learn more")
	w.wrap(e.Learn, "  ", "  ")
	return w.b.String()
}

// textWriter builds wrapped text.
type textWriter struct {
	b     strings.Builder
	width int
}

func (w *textWriter) section(heading string) {
	w.b.WriteString("\n" + heading + "\n")
}

// wrap writes s as lines of at most width runes: the first line starts
// with first, the others with rest; each "\n" in s starts a paragraph,
// after an empty line. It breaks at single spaces only, so runs of spaces
// inside a log line survive; a word longer than a line is split where the
// line ends.
func (w *textWriter) wrap(s, first, rest string) {
	for i, para := range strings.Split(s, "\n") {
		lead := first
		if i > 0 {
			w.b.WriteByte('\n')
			lead = rest
		}
		for _, line := range wrapLines(para, w.width, lead, rest) {
			w.b.WriteString(line)
			w.b.WriteByte('\n')
		}
	}
}

// hasEntry reports whether lines hold an error-log entry, not only
// remarks or other logs.
func hasEntry(lines []string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, "[") {
			return true
		}
	}
	return false
}

func wrapLines(s string, width int, first, rest string) []string {
	if width <= 0 {
		return []string{first + s}
	}
	width = max(width, utf8.RuneCountInString(rest)+10) // room for words even with a deep indent
	var out []string
	line, n, fresh := first, utf8.RuneCountInString(first), true
	flush := func() {
		out = append(out, strings.TrimRight(line, " "))
		line, n, fresh = rest, utf8.RuneCountInString(rest), true
	}
	for _, word := range strings.Split(s, " ") {
		wn := utf8.RuneCountInString(word)
		sep := 1
		if fresh {
			sep = 0
		}
		if !fresh && n+sep+wn > width {
			flush()
			sep = 0
		}
		for n+sep+wn > width { // a word longer than a whole line
			room := width - n - sep
			head, tail := splitRunes(word, room)
			line += strings.Repeat(" ", sep) + head
			flush()
			word, wn, sep = tail, utf8.RuneCountInString(tail), 0
		}
		line += strings.Repeat(" ", sep) + word
		n += sep + wn
		fresh = false
	}
	return append(out, strings.TrimRight(line, " "))
}

// splitRunes cuts s after n runes.
func splitRunes(s string, n int) (string, string) {
	i := 0
	for j := range s {
		if i == n {
			return s[:j], s[j:]
		}
		i++
	}
	return s, ""
}

// cutRunes shortens s to width runes, ending in "…" when it cut.
func cutRunes(s string, width int) string {
	if width <= 0 || utf8.RuneCountInString(s) <= width {
		return s
	}
	head, _ := splitRunes(s, max(width-1, 0))
	return strings.TrimRight(head, " ") + "…"
}
