package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"unicode/utf8"

	"ngx502/steps"
)

// The JSON report's shape, as ARCHITECTURE.md describes it. Schema 2; new
// fields may be added, none renamed. Strings are raw: encoding/json
// escapes control characters itself.
type jsonReport struct {
	Schema  int         `json:"schema"`
	Nginx   jsonNginx   `json:"nginx"`
	Verdict jsonVerdict `json:"verdict"`
	Steps   []jsonStep  `json:"steps"`
}

type jsonNginx struct {
	Binary  string `json:"binary"`
	Version string `json:"version"`
	Conf    string `json:"conf"`
}

type jsonVerdict struct {
	Cause    string   `json:"cause"`
	Title    string   `json:"title"`
	Subject  string   `json:"subject,omitempty"`
	Evidence []string `json:"evidence"`
	Fix      string   `json:"fix"`
	// Confidence is high, medium or low; Rule the row of the verdict table
	// that decided it.
	Confidence   string           `json:"confidence"`
	Rule         string           `json:"rule"`
	Intermittent bool             `json:"intermittent"`
	RunnerUps    []steps.RunnerUp `json:"runner_ups"`
	// Unfinished names the steps that did not finish: the verdict is partial.
	Unfinished []string `json:"unfinished,omitempty"`
}

type jsonStep struct {
	ID       string         `json:"id"`
	Status   string         `json:"status"`
	Summary  string         `json:"summary"`
	Checks   []jsonCheck    `json:"checks"`
	Findings []jsonFinding  `json:"findings"`
	Actions  []steps.Action `json:"actions,omitempty"`
}

type jsonCheck struct {
	Name    string `json:"name"`
	Command string `json:"command"`
	Result  string `json:"result"`
	Status  string `json:"status"`
}

type jsonFinding struct {
	Cause    string   `json:"cause"`
	Title    string   `json:"title"`
	Subject  string   `json:"subject"`
	Where    string   `json:"where"`
	Kind     string   `json:"kind"` // observed, reproduced, measured, predicted
	Current  bool     `json:"current"`
	Evidence []string `json:"evidence"`
	Fix      string   `json:"fix"`
}

func toJSON(r steps.Report) jsonReport {
	out := jsonReport{Schema: 2, Steps: []jsonStep{}}
	if c := r.Case; c != nil {
		out.Nginx = jsonNginx{Binary: c.Install.Binary, Version: c.Install.Build.Version, Conf: c.Install.Conf}
	}
	v := r.Verdict
	out.Verdict = jsonVerdict{Cause: string(v.Cause), Title: v.Title, Subject: v.Subject,
		Evidence: nonNil(v.Evidence), Fix: v.Fix, Unfinished: v.Unfinished,
		Confidence: string(v.Confidence), Rule: v.Rule, Intermittent: v.Intermittent, RunnerUps: v.RunnerUps}
	if out.Verdict.RunnerUps == nil {
		out.Verdict.RunnerUps = []steps.RunnerUp{}
	}
	for _, o := range r.Outcomes {
		s := jsonStep{ID: string(o.Step), Status: string(o.Status), Summary: o.Summary,
			Checks: []jsonCheck{}, Findings: []jsonFinding{}, Actions: o.Actions}
		for _, c := range o.Checks {
			s.Checks = append(s.Checks, jsonCheck{c.Name, c.Command, c.Result, string(c.Status)})
		}
		for _, f := range o.Findings {
			s.Findings = append(s.Findings, jsonFinding{Cause: string(f.Cause), Title: f.Title, Subject: f.Subject, Where: f.Where,
				Kind: string(f.Kind), Current: f.Current, Evidence: nonNil(f.Evidence), Fix: f.Fix})
		}
		out.Steps = append(out.Steps, s)
	}
	return out
}

func writeJSON(w io.Writer, r steps.Report) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // log lines are full of "->" and "<"
	if err := enc.Encode(toJSON(r)); err != nil {
		return fmt.Errorf("encode JSON report: %w", err)
	}
	if _, err := w.Write(escapeTerminalRunes(buf.Bytes())); err != nil {
		return fmt.Errorf("write JSON report: %w", err)
	}
	return nil
}

// escapeTerminalRunes writes C1 controls and bidi overrides as \uXXXX, as
// the text report does: encoding/json escapes C0 controls but passes these
// through, and `cat report.json` would hand an 8-bit CSI or a U+202E from
// a log line to the terminal. Encoded JSON is valid UTF-8 and such runes
// occur only inside strings, so the escape keeps the document's meaning.
func escapeTerminalRunes(js []byte) []byte {
	if !slices.ContainsFunc(js, func(c byte) bool { return c >= utf8.RuneSelf }) {
		return js // ASCII only: nothing to escape
	}
	out := make([]byte, 0, len(js)+16)
	for i := 0; i < len(js); {
		r, size := utf8.DecodeRune(js[i:])
		if r >= 0x80 && r <= 0x9f || isBidi(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, js[i:i+size]...)
		}
		i += size
	}
	return out
}

// nonNil keeps empty lists as [] rather than null, so consumers can
// iterate without a check.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
