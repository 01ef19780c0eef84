package steps

import (
	"fmt"
	"strings"
)

// FixAll asks for every proposed action at once (report --fix all).
const FixAll = "all"

// Fixes picks the actions `--fix id` names from a report's outcomes: one
// by its ID, or with FixAll every action that may run unasked — not a
// blocked one (nginx -t fails) and not an explicit one (a container, a
// process by pid), which must be named. The error says why none fits.
func Fixes(r Report, id string) ([]Action, error) {
	var ids []string
	var out []Action
	for _, o := range r.Outcomes {
		for _, a := range o.Actions {
			if a.ID == "" {
				continue
			}
			ids = append(ids, a.ID)
			switch {
			case id == FixAll && a.Blocked == "" && !a.Explicit:
				out = append(out, a)
			case a.ID == id && a.Blocked != "":
				return nil, fmt.Errorf("%s is blocked: %s", id, a.Blocked)
			case a.ID == id:
				return []Action{a}, nil
			}
		}
	}
	switch {
	case len(ids) == 0:
		return nil, fmt.Errorf("this run proposes no action")
	case id != FixAll:
		return nil, fmt.Errorf("no action %q in this run (proposed: %s)", id, strings.Join(ids, ", "))
	case len(out) == 0:
		return nil, fmt.Errorf("no action may run unasked (proposed: %s)", strings.Join(ids, ", "))
	}
	return out, nil
}
