package steps

import (
	"strings"
	"testing"

	"ngx502/probes/nginx"
	"ngx502/probes/service"
)

func TestGuideUsesThisBox(t *testing.T) {
	c := &Case{
		Opts:      Options{}.withDefaults(),
		ErrorLogs: []string{"/var/log/nginx/shop.error.log"},
		Endpoints: []nginx.Endpoint{{Network: "tcp", Address: "127.0.0.1:3000", Host: "127.0.0.1", Port: 3000, Protocol: "http"}},
		Install:   nginx.Install{Binary: "/usr/sbin/nginx", Conf: "/etc/nginx/nginx.conf"},
		Manager:   service.Systemd,
	}
	want := map[ID]string{
		Logs:     "sudo tail -n 200 /var/log/nginx/shop.error.log",
		Upstream: "http://127.0.0.1:3000/",
		Config:   "sudo /usr/sbin/nginx -t -c /etc/nginx/nginx.conf",
		Network:  "sport = :3000",
		Restart:  "systemctl reload nginx",
	}
	for _, info := range c.Guide() {
		if !strings.Contains(info.Command, want[info.ID]) {
			t.Errorf("%s: command %q, want it to contain %q", info.ID, info.Command, want[info.ID])
		}
	}
	// Without facts the guide keeps the generic commands.
	var empty *Case
	for i, info := range empty.Guide() {
		if info.Command != All()[i].Command {
			t.Errorf("nil case changed %s's command", info.ID)
		}
	}
}
