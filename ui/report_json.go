package ui

import (
	"encoding/json"
	"fmt"
	"io"

	"ngx502/steps"
)

// The JSON report's shape, exactly as DESIGN.md promises. Schema 1; new
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
	Where    string   `json:"where"`
	Evidence []string `json:"evidence"`
	Fix      string   `json:"fix"`
}

func toJSON(r steps.Report) jsonReport {
	out := jsonReport{Schema: 1, Steps: []jsonStep{}}
	if c := r.Case; c != nil {
		out.Nginx = jsonNginx{Binary: c.Install.Binary, Version: c.Install.Build.Version, Conf: c.Install.Conf}
	}
	v := r.Verdict
	out.Verdict = jsonVerdict{Cause: string(v.Cause), Title: v.Title, Subject: v.Subject,
		Evidence: nonNil(v.Evidence), Fix: v.Fix}
	for _, o := range r.Outcomes {
		s := jsonStep{ID: string(o.Step), Status: string(o.Status), Summary: o.Summary,
			Checks: []jsonCheck{}, Findings: []jsonFinding{}, Actions: o.Actions}
		for _, c := range o.Checks {
			s.Checks = append(s.Checks, jsonCheck{c.Name, c.Command, c.Result, string(c.Status)})
		}
		for _, f := range o.Findings {
			s.Findings = append(s.Findings, jsonFinding{string(f.Cause), f.Title, f.Where, nonNil(f.Evidence), f.Fix})
		}
		out.Steps = append(out.Steps, s)
	}
	return out
}

func writeJSON(w io.Writer, r steps.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // log lines are full of "->" and "<"
	if err := enc.Encode(toJSON(r)); err != nil {
		return fmt.Errorf("encode JSON report: %w", err)
	}
	return nil
}

// nonNil keeps empty lists as [] rather than null, so consumers can
// iterate without a check.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
