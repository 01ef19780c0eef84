package steps

import (
	"fmt"

	"ngx502/probes/httpprobe"
	"ngx502/probes/nginx"
)

// Guide lists the steps with the commands a person would type on this
// box: this nginx's log, its first upstream, its own nginx -t argv.
func (c *Case) Guide() []Info {
	out := All()
	for i := range out {
		if cmd := c.command(out[i].ID); cmd != "" {
			out[i].Command = cmd
		}
	}
	return out
}

func (c *Case) command(id ID) string {
	if c == nil {
		return ""
	}
	switch id {
	case Logs:
		if len(c.ErrorLogs) > 0 {
			return "sudo tail -n 200 " + shellQuote(c.ErrorLogs[0]) + " | grep upstream"
		}
	case Upstream:
		if len(c.Endpoints) > 0 {
			ep := c.Endpoints[0]
			r := requestOf(c, ep, nil)
			return httpprobe.Command(r.target(ep), r.timeout)
		}
	case Config:
		if c.Install.Binary != "" {
			return "sudo " + shellLine(nginx.TestArgv(c.Install))
		}
	case Network:
		if len(c.Endpoints) > 0 {
			ep := c.Endpoints[0]
			if ep.Network == "unix" {
				return "sudo ss -lxp | grep " + shellQuote(ep.Address)
			}
			return fmt.Sprintf("getent ahosts %s; sudo ss -ltnp 'sport = :%d'", shellQuote(ep.Host), ep.Port)
		}
	case Restart:
		if c.Install.Binary != "" {
			return "sudo " + shellLine(nginx.TestArgv(c.Install)) + " && sudo " + reloadNginx(c).String()
		}
	}
	return ""
}

// scheme is the HTTP scheme a person would use to ask an endpoint.
func scheme(ep nginx.Endpoint) string {
	if ep.Protocol == "https" || ep.Protocol == "grpcs" {
		return "https"
	}
	return "http"
}
