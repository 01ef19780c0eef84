package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ngx502/steps"
)

func TestPickerChoosesATrustedMaster(t *testing.T) {
	choices := []steps.MasterChoice{
		{PID: 10, UID: 0, Conf: "/etc/nginx/nginx.conf", Listen: []string{"0.0.0.0:80"}, Trusted: true},
		{PID: 20, UID: 65534, Conf: "/tmp/x/nginx.conf", Why: "runs as uid 65534 (nobody), not root"},
		{PID: 30, UID: 0, Conf: "/srv/t/nginx.conf", Listen: []string{"127.0.0.1:8081"}, Trusted: true},
	}
	p := newPicker(choices, 10)
	view := ansi.Strip(p.View().Content)
	if !strings.Contains(view, "2 nginx masters run") || strings.Contains(view, "pid 20") ||
		!strings.Contains(view, "pid 30 · uid 0 · /srv/t/nginx.conf · 127.0.0.1:8081") {
		t.Fatalf("picker lists the wrong masters:\n%s", view)
	}
	var m tea.Model = p
	m, _ = m.Update(keypress("down"))
	m, cmd := m.Update(keypress("enter"))
	if got := m.(picker).chosen; got != 30 || cmd == nil {
		t.Fatalf("chose pid %d, want 30 and quit", got)
	}
	q, _ := newPicker(choices, 10).Update(keypress("q"))
	if q.(picker).chosen != 0 {
		t.Error("q must choose nothing")
	}
}
