package steps

import (
	"strings"
	"testing"
)

func TestFixes(t *testing.T) {
	r := Report{Outcomes: []Outcome{{Step: Restart, Actions: []Action{
		{ID: "restart-backend", Label: "restart app"},
		{ID: "reload-nginx", Label: "reload nginx"},
		{ID: "start-backend", Label: "restart a container", Explicit: true},
		{Label: "no id"},
	}}}}
	all, err := Fixes(r, FixAll)
	if err != nil || len(all) != 2 || all[0].ID != "restart-backend" || all[1].ID != "reload-nginx" {
		t.Errorf("--fix all = %+v, %v: want the two that may run unasked", all, err)
	}
	if one, err := Fixes(r, "start-backend"); err != nil || len(one) != 1 || !one[0].Explicit {
		t.Errorf("an explicit action named by its ID: %+v, %v", one, err)
	}
	if _, err := Fixes(r, "nope"); err == nil || !strings.Contains(err.Error(), "proposed: restart-backend, reload-nginx, start-backend") {
		t.Errorf("unknown ID: %v", err)
	}
	r.Outcomes[0].Actions[1].Blocked = "nginx -t fails"
	if _, err := Fixes(r, "reload-nginx"); err == nil || !strings.Contains(err.Error(), "blocked: nginx -t fails") {
		t.Errorf("a blocked action: %v", err)
	}
	if _, err := Fixes(Report{}, FixAll); err == nil {
		t.Error("no actions, no error")
	}
}
