package ui

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"ngx502/steps"
)

// testReport is the fixture triage as the runner would return it.
func testReport() steps.Report {
	outs := refusedOutcomes()
	var list []steps.Outcome
	for _, info := range steps.All() {
		list = append(list, outs[info.ID])
	}
	return steps.Report{Case: testCase(), Outcomes: list, Verdict: steps.Decide(list)}
}

func render(t *testing.T, r steps.Report, format string) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, r, format); err != nil {
		t.Fatalf("Write(%s): %v", format, err)
	}
	return b.String()
}

func TestWriteText(t *testing.T) {
	out := render(t, testReport(), "text")
	if out != render(t, testReport(), "") {
		t.Error(`"" is not the text format`)
	}
	if !strings.HasPrefix(out, "ngx502 report · nginx 1.22.1 · /etc/nginx/nginx.conf (binary /usr/sbin/nginx)\n\nVERDICT  upstream-refused") {
		t.Errorf("text report does not start with the verdict:\n%s", out)
	}
	for _, want := range []string{"$ curl -sv -o /dev/null http://127.0.0.1:8080/", "proposed: restart app.service: $ systemctl restart app.service", `GET /\x1b[2J\x07login`} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q", want)
		}
	}
	assertNoControls(t, out)
	golden.RequireEqual(t, out)
}

func TestWriteMarkdown(t *testing.T) {
	out := render(t, testReport(), "markdown")
	for _, want := range []string{"## Verdict", "> **upstream\\-refused**", "| check | status | result | command |",
		"`sudo ss -ltnp 'sport = :8080'`", "`systemctl restart app.service`"} {
		if !strings.Contains(strings.ReplaceAll(out, `\-`, "-"), strings.ReplaceAll(want, `\-`, "-")) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	assertNoControls(t, out)
	golden.RequireEqual(t, out)
}

func TestMarkdownEscapes(t *testing.T) {
	if got := mdCode("a`b"); got != "``a`b``" {
		t.Errorf("mdCode with a backtick = %q", got)
	}
	if got := mdCell(mdCode("grep a|b")); got != "`grep a\\|b`" {
		t.Errorf("a pipe in a table cell = %q", got)
	}
	if got := mdText("[x](http://evil) <b>"); got != `\[x\](http://evil) \<b\>` {
		t.Errorf("mdText = %q", got)
	}
}

// TestWriteJSON round-trips the report into a struct written from the
// ARCHITECTURE.md contract, independent of the encoder's own types.
func TestWriteJSON(t *testing.T) {
	out := render(t, testReport(), "json")
	var got struct {
		Schema int `json:"schema"`
		Nginx  struct {
			Binary, Version, Conf string
		} `json:"nginx"`
		Verdict struct {
			Cause      string            `json:"cause"`
			Title      string            `json:"title"`
			Evidence   []string          `json:"evidence"`
			Fix        string            `json:"fix"`
			Confidence string            `json:"confidence"`
			RunnerUps  []json.RawMessage `json:"runner_ups"`
		} `json:"verdict"`
		Steps []struct {
			ID      string `json:"id"`
			Status  string `json:"status"`
			Summary string `json:"summary"`
			Checks  []struct {
				Name, Command, Result, Status string
			} `json:"checks"`
			Findings []struct {
				Cause, Title, Where, Fix string
				Evidence                 []string
			} `json:"findings"`
		} `json:"steps"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("JSON report does not decode: %v\n%s", err, out)
	}
	if got.Schema != 2 || got.Nginx.Binary != "/usr/sbin/nginx" || got.Nginx.Version != "1.22.1" || got.Nginx.Conf != "/etc/nginx/nginx.conf" {
		t.Errorf("header = %+v / %+v", got.Schema, got.Nginx)
	}
	if got.Verdict.Confidence != "high" || got.Verdict.RunnerUps == nil {
		t.Errorf("verdict confidence %q, runner_ups %v: want high and a list", got.Verdict.Confidence, got.Verdict.RunnerUps)
	}
	if got.Verdict.Cause != "upstream-refused" || got.Verdict.Fix != "sudo systemctl start app.service" || len(got.Verdict.Evidence) == 0 {
		t.Errorf("verdict = %+v", got.Verdict)
	}
	ids := []string{}
	for _, s := range got.Steps {
		ids = append(ids, s.ID)
	}
	if strings.Join(ids, ",") != "logs,upstream,config,network,restart" {
		t.Errorf("step ids = %v", ids)
	}
	if c := got.Steps[1].Checks[0]; c.Command != "curl -sv -o /dev/null http://127.0.0.1:8080/" || c.Status != "fail" {
		t.Errorf("upstream check = %+v", c)
	}
	// Raw strings survive: the ESC in the log line is data, escaped by JSON.
	if ev := got.Steps[0].Findings[0].Evidence[2]; ev != "request: \"GET /\x1b[2J\x07login HTTP/1.1\"" {
		t.Errorf("evidence not kept raw: %q", ev)
	}
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Error("raw control bytes in the JSON text")
	}
	// Empty lists are [], never null, for every step.
	var raw map[string]any
	_ = json.Unmarshal([]byte(out), &raw)
	for _, s := range raw["steps"].([]any) {
		st := s.(map[string]any)
		if st["checks"] == nil || st["findings"] == nil {
			t.Errorf("step %v has a null list", st["id"])
		}
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	if err := Write(&bytes.Buffer{}, testReport(), "yaml"); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestExitCode(t *testing.T) {
	r := testReport()
	if ExitCode(r) != 1 {
		t.Error("a found cause should exit 1")
	}
	r.Verdict.Cause = steps.CauseHealthy
	if ExitCode(r) != 0 {
		t.Error("healthy should exit 0")
	}
	empty := steps.Report{Verdict: steps.Decide(nil)}
	if ExitCode(empty) != 2 || render(t, empty, "json") == "" {
		t.Error("nothing ran: could not decide (exit 2), and the JSON must still render")
	}
}

func TestSummaryText(t *testing.T) {
	s := summaryText(testReport())
	for _, want := range []string{"VERDICT  upstream-refused", "fix: sudo systemctl start app.service", "  ✗ 2 Upstream "} {
		if !strings.Contains(s, want) {
			t.Errorf("scrollback summary lacks %q:\n%s", want, s)
		}
	}
	assertNoControls(t, s)
}

func assertNoControls(t *testing.T, s string) {
	t.Helper()
	for _, r := range s {
		if (r < 0x20 && r != '\n') || (r >= 0x7f && r <= 0x9f) {
			t.Fatalf("control %U in sanitised output", r)
		}
	}
}

func TestJSONEscapesTerminalRunes(t *testing.T) {
	r := testReport()
	r.Verdict.Evidence = append(r.Verdict.Evidence, "log: GET /\u009b31m\u202eevil\u2066 x é")
	js := render(t, r, "json")
	for _, bad := range []string{"\u009b", "\u202e", "\u2066"} {
		if strings.Contains(js, bad) {
			t.Errorf("JSON carries raw %U", []rune(bad)[0])
		}
	}
	if !strings.Contains(js, `\u009b31m\u202eevil\u2066 x é`) {
		t.Errorf("JSON lost the escaped text or the plain é:\n%s", js)
	}
	var back map[string]any
	if err := json.Unmarshal([]byte(js), &back); err != nil {
		t.Fatalf("escaped JSON no longer parses: %v", err)
	}
}
