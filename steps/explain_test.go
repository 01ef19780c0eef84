package steps

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"ngx502/probes/errlog"
)

// constValues parses one Go file and returns the string value of every
// constant declared with the named type, in source order.
func constValues(t *testing.T, file, typeName string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
	var out []string
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != typeName {
				continue
			}
			for _, v := range vs.Values {
				lit, ok := v.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					t.Fatalf("%s: a %s constant that is not a string literal", file, typeName)
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, s)
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s: no %s constants found", file, typeName)
	}
	return out
}

// TestExplainEveryCause: a cause added to causes.go without an
// explanation fails here.
func TestExplainEveryCause(t *testing.T) {
	ids := constValues(t, "causes.go", "CauseID")
	for _, id := range ids {
		e, ok := Explain(CauseID(id))
		if !ok {
			t.Errorf("%s: no explanation", id)
			continue
		}
		if e.Cause != CauseID(id) || e.Title == "" || e.Title == id || e.Meaning == "" || e.Decides == "" || e.Learn == "" ||
			len(e.LogLines) == 0 || len(e.Fix) == 0 {
			t.Errorf("%s: empty field in %+v", id, e)
		}
		for _, l := range append(slices.Clone(e.LogLines), e.Fix...) {
			if strings.TrimSpace(l) == "" {
				t.Errorf("%s: empty log line or fix", id)
			}
		}
		if n := sentences(e.Meaning); n < 2 || n > 4 {
			t.Errorf("%s: Meaning has %d sentences, want 2-4: %q", id, n, e.Meaning)
		}
	}
	var listed []string
	for _, e := range Explanations() {
		listed = append(listed, string(e.Cause))
	}
	if got, want := sortedCopy(listed), sortedCopy(ids); !slices.Equal(got, want) {
		t.Errorf("Explanations() lists %v, causes.go declares %v", got, want)
	}
	if listed[0] != string(CauseRefused) {
		t.Errorf("first explanation %s, want the most common 502 cause %s", listed[0], CauseRefused)
	}
	if tail := listed[len(listed)-3:]; !slices.Equal(tail, []string{string(CauseHealthy), string(CauseIncomplete), string(CauseUnknown)}) {
		t.Errorf("last explanations %v, want the verdicts without a cause", tail)
	}
	if _, ok := Explain("no-such-cause"); ok {
		t.Error("Explain of an unknown ID reports ok")
	}
}

var sentenceEnd = regexp.MustCompile(`[.!?]["')]?(\s|$)`)

func sentences(s string) int { return len(sentenceEnd.FindAllString(s, -1)) }

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

// logKinds are the classifications an explanation's error-log lines may
// have besides its own cause: lines the verdict folds into it (Explains,
// absorbStale) and companion lines that are no failure.
func logKinds(id CauseID) []errlog.Kind {
	switch id {
	case CauseLocalhostIPv6:
		return []errlog.Kind{errlog.KindRefused, errlog.KindNone} // folded by familyFinding's Explains
	case CauseKeepalive:
		return []errlog.Kind{errlog.KindClosed, errlog.KindReset} // folded by idleVerdict's Explains
	case CauseBusy:
		return []errlog.Kind{errlog.KindBusy, errlog.KindTimeout} // a full TCP queue: queueCheck's Explains
	case CauseNoLive:
		return []errlog.Kind{errlog.KindNoLive, errlog.KindNone} // the [warn] companion
	case CauseConfigStale:
		return []errlog.Kind{errlog.KindNone, errlog.KindConfig, errlog.KindRefused} // absorbStale: failures for a gone backend
	case CauseNginxDown, CauseHealthy:
		return []errlog.Kind{errlog.KindNone}
	}
	return []errlog.Kind{errlog.Kind(id)}
}

// Lines that are not error-log entries: access-log lines, nginx's console output.
var otherLogLine = regexp.MustCompile(`^(nginx: |\d{1,3}(\.\d{1,3}){3} - \S+ \[[^]]+\] "[^"]*" \d{3} \d+ )`)

// TestExplainLogLinesClassify keeps the texts honest: the error reader
// must classify every line shown for a cause as that cause.
func TestExplainLogLinesClassify(t *testing.T) {
	kinds := constValues(t, filepath.Join("..", "probes", "errlog", "kind.go"), "Kind")
	for _, e := range Explanations() {
		own := 0
		for _, l := range e.LogLines {
			switch {
			case strings.HasPrefix(l, "#"):
				continue
			case !strings.HasPrefix(l, "["):
				if !otherLogLine.MatchString(l) {
					t.Errorf("%s: neither an error-log entry nor an access-log or nginx -t line: %q", e.Cause, l)
				}
				continue
			}
			entry, ok := errlog.ParseLine([]byte("2026/11/25 12:43:22 "+l), time.UTC)
			if !ok {
				t.Errorf("%s: not an error-log entry: %q", e.Cause, l)
				continue
			}
			k := errlog.Classify(entry)
			if !slices.Contains(logKinds(e.Cause), k) {
				t.Errorf("%s: errlog classifies %q as %q", e.Cause, l, k)
			}
			if k == errlog.Kind(e.Cause) {
				own++
			}
		}
		// A cause the error log can name shows at least one line of it
		// (upstream-status is known from the access log only).
		if slices.Contains(kinds, string(e.Cause)) && e.Cause != CauseUpstreamStatus && own == 0 {
			t.Errorf("%s: no log line that errlog classifies as %s", e.Cause, e.Cause)
		}
	}
}

// TestExplainText: the rendering fits the width, keeps every word and has
// its headings in order.
func TestExplainText(t *testing.T) {
	headings := []string{"What it means", "What nginx logs", "How ngx502 decides", "How to fix it", "Learn more"}
	for _, e := range Explanations() {
		for _, width := range []int{80, 60, 40} {
			txt := e.Text(width)
			for i, line := range strings.Split(txt, "\n") {
				if n := utf8.RuneCountInString(line); n > width {
					t.Errorf("%s Text(%d) line %d has %d runes: %q", e.Cause, width, i+1, n, line)
				}
			}
			at := 0
			for _, h := range headings {
				i := strings.Index(txt[at:], "\n"+h+"\n")
				if i < 0 {
					t.Errorf("%s Text(%d): heading %q missing or out of order", e.Cause, width, h)
					break
				}
				at += i + 1
			}
		}
		// At 80 columns no word is long enough to be split: all text survives.
		flat := squash(e.Text(80))
		for _, part := range append(append([]string{string(e.Cause), e.Title, e.Meaning, e.Decides, e.Learn}, e.LogLines...), e.Fix...) {
			if !strings.Contains(flat, squash(part)) {
				t.Errorf("%s Text(80) lost %q", e.Cause, part)
			}
		}
		// Unwrapped, every log line is one line, exactly as nginx writes it.
		lines := strings.Split(e.Text(0), "\n")
		for _, l := range e.LogLines {
			if !slices.Contains(lines, "  "+l) {
				t.Errorf("%s Text(0) has no line %q", e.Cause, l)
			}
		}
	}
}

func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestExplainList: one line per cause, in Explanations' order.
func TestExplainList(t *testing.T) {
	all := Explanations()
	lines := strings.Split(strings.TrimSuffix(ExplainList(80), "\n"), "\n")
	if len(lines) != len(all) {
		t.Fatalf("ExplainList has %d lines for %d causes:\n%s", len(lines), len(all), ExplainList(80))
	}
	for i, e := range all {
		f := strings.Fields(lines[i])
		if len(f) < 2 || f[0] != string(e.Cause) || !strings.HasPrefix(e.Title, f[1]) {
			t.Errorf("line %d = %q, want %s and its title", i+1, lines[i], e.Cause)
		}
		if n := utf8.RuneCountInString(lines[i]); n > 80 {
			t.Errorf("line %d has %d runes: %q", i+1, n, lines[i])
		}
	}
	if wide := ExplainList(0); !strings.Contains(wide, CauseOf(CauseLocalhostIPv6).Title) {
		t.Errorf("ExplainList(0) cut a title:\n%s", wide)
	}
}

var ruleRef = regexp.MustCompile(`rule "([^"]+)"`)

// TestExplainDecidesNamesRealRules: every rule a text names exists in
// the verdict table or among the quiet verdicts, and every text names one.
func TestExplainDecidesNamesRealRules(t *testing.T) {
	known := map[string]bool{}
	for _, r := range verdictRules() {
		known[r.name] = true
	}
	for _, name := range quietRuleNames(t) {
		known[name] = true
	}
	for _, e := range Explanations() {
		refs := ruleRef.FindAllStringSubmatch(e.Decides, -1)
		if len(refs) == 0 {
			t.Errorf("%s: Decides names no verdict rule: %q", e.Cause, e.Decides)
		}
		for _, m := range refs {
			if !known[m[1]] {
				t.Errorf("%s: Decides names rule %q, which the verdict does not have", e.Cause, m[1])
			}
		}
	}
}

// quietRuleNames are the v.Rule = "…" strings verdict.go assigns.
func quietRuleNames(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "verdict.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
			return true
		}
		sel, ok := as.Lhs[0].(*ast.SelectorExpr)
		lit, isLit := as.Rhs[0].(*ast.BasicLit)
		if ok && isLit && sel.Sel.Name == "Rule" && lit.Kind == token.STRING {
			s, _ := strconv.Unquote(lit.Value)
			out = append(out, s)
		}
		return true
	})
	if len(out) == 0 {
		t.Fatal("verdict.go assigns no rule names")
	}
	return out
}

var flagWord = regexp.MustCompile(`(^|\s)--([a-z][a-z0-9-]*)`)

// TestExplainFlagsExist: every ngx502 flag a text tells the admin to type
// is one the command line declares (main package, any file).
func TestExplainFlagsExist(t *testing.T) {
	declared := declaredFlags(t)
	for _, e := range Explanations() {
		for _, s := range append(append([]string{e.Decides, e.Learn, e.Meaning}, e.Fix...), e.LogLines...) {
			for _, name := range ngx502Flags(s) {
				if !declared[name] {
					t.Errorf("%s: --%s is not a flag of ngx502: %q", e.Cause, name, s)
				}
			}
		}
	}
}

// ngx502Flags are the --flags written after "ngx502 " in s, up to the end
// of that command (a shell comment, ;, && or |).
func ngx502Flags(s string) []string {
	var out []string
	for rest := s; ; {
		i := strings.Index(rest, "ngx502 ")
		if i < 0 {
			return out
		}
		rest = rest[i+len("ngx502 "):]
		cmd := rest
		if j := strings.IndexAny(cmd, "#;|&"); j >= 0 {
			cmd = cmd[:j]
		}
		for _, m := range flagWord.FindAllStringSubmatch(cmd, -1) {
			out = append(out, m[2])
		}
	}
}

// declaredFlags are the flag names main's files pass to a flag set.
func declaredFlags(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, src, 0)
		if err != nil {
			t.Fatalf("parse %s: %v", file, err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || !isFlagMethod(sel.Sel.Name) {
				return true
			}
			for _, a := range call.Args {
				if lit, ok := a.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					s, _ := strconv.Unquote(lit.Value)
					out[s] = true
					break // the first string argument is the name
				}
			}
			return true
		})
	}
	if len(out) == 0 {
		t.Fatal("no flags found in the main package")
	}
	return out
}

func isFlagMethod(name string) bool {
	switch strings.TrimSuffix(strings.TrimSuffix(name, "P"), "Var") {
	case "String", "Int", "Int64", "Uint", "Bool", "Duration", "Float64", "StringSlice", "StringArray", "Func", "BoolFunc", "TextVar", "Text":
		return true
	}
	return false
}
