package steps

import (
	"fmt"
	"strings"

	"ngx502/probes/nginx"
)

// memberText shows an upstream{} server's parameters as nginx applies
// them, defaults included, so an admin sees why nginx stops asking it:
// "upstream app: weight 1, max_fails 1, fail_timeout 10s, backup".
func memberText(ep nginx.Endpoint) string {
	m := ep.Member
	if m == nil {
		return ""
	}
	weight, fails, timeout := 1, 1, "10s"
	if m.Weight > 0 {
		weight = m.Weight
	}
	if m.MaxFails >= 0 {
		fails = m.MaxFails
	}
	if m.FailTimeout != "" {
		timeout = m.FailTimeout
	}
	s := fmt.Sprintf("upstream %s: weight %d, max_fails %d, fail_timeout %s", ep.Group, weight, fails, timeout)
	if fails == 0 {
		s += " (never marked failed)"
	}
	if m.Backup {
		s += ", backup"
	}
	return s
}

// downServers are the upstream{} servers marked `down`: nginx sends them
// nothing, so they are listed, not probed.
func downServers(cfg *nginx.Config) []Check {
	var out []Check
	for _, u := range cfg.Upstreams {
		for _, s := range u.Servers {
			if !s.Down {
				continue
			}
			out = append(out, Check{Name: "server " + s.Address + " (upstream " + u.Name + ")", Status: Pass,
				Command: "grep -n " + shellQuote(s.Address) + " " + shellQuote(s.Where.File),
				Result:  "marked down at " + where(s.Where) + ": nginx sends it no requests, so it is not probed"})
		}
	}
	return out
}

// withMember appends the server line's parameters to a probe's result.
func withMember(ch Check, ep nginx.Endpoint) Check {
	if t := memberText(ep); t != "" && !strings.Contains(ch.Result, t) {
		ch.Result = joinNonEmpty(" · ", ch.Result, t)
	}
	return ch
}
