package steps

import (
	"fmt"
	"sort"
	"strings"

	"ngx502/probes/netcheck"
)

// MasterChoice is one running nginx master, as a person choosing between
// several would want to see it.
type MasterChoice struct {
	PID     int
	UID     int
	Conf    string   // the config it runs; "" when its command line is not exact
	Listen  []string // the TCP addresses it listens on
	Trusted bool
	Why     string // why it is not trusted
}

// MasterChoices lists every nginx master discovery found, with the
// addresses each one listens on.
func MasterChoices(c *Case) []MasterChoice {
	table, _ := netcheck.ReadTable(c.Opts.ProcRoot) // without it, addresses stay unknown
	out := make([]MasterChoice, 0, len(c.Install.Masters))
	for _, m := range c.Install.Masters {
		mc := MasterChoice{PID: m.PID, UID: m.UID, Trusted: m.Trusted, Why: m.Distrust,
			Conf: m.EffectiveConf(c.Install.Builds[m.Binary])}
		seen := map[string]bool{}
		for _, l := range table.Listeners {
			if l.PID == m.PID && l.Network != "unix" && !seen[l.Address.String()] {
				seen[l.Address.String()] = true
				mc.Listen = append(mc.Listen, l.Address.String())
			}
		}
		sort.Strings(mc.Listen)
		out = append(out, mc)
	}
	return out
}

// String is "pid 10 · uid 0 · /etc/nginx/nginx.conf · 0.0.0.0:80, [::]:80".
func (mc MasterChoice) String() string {
	conf := mc.Conf
	if conf == "" {
		conf = "config unknown"
	}
	s := fmt.Sprintf("pid %d · uid %d · %s", mc.PID, mc.UID, conf)
	if len(mc.Listen) > 0 {
		s += " · " + strings.Join(mc.Listen, ", ")
	}
	if !mc.Trusted {
		s += " · ignored: " + mc.Why
	}
	return s
}

// discoveryChecks say what discovery found worth knowing: masters that
// were ignored and why, several masters running, binaries not run.
func discoveryChecks(c *Case) []Check {
	const cmd = "ps -eo pid,uid,args | grep '[n]ginx: master'"
	var out []Check
	for _, w := range c.Install.Warnings {
		out = append(out, Check{Name: "find nginx", Command: cmd, Status: Warn, Result: w})
	}
	if len(c.Install.Masters) > 1 {
		var lines []string
		for _, mc := range MasterChoices(c) {
			lines = append(lines, mc.String())
		}
		// Only a choice ngx502 had to guess is a warning; --pid or --conf
		// made it otherwise.
		st := Pass
		if c.Install.Ambiguous {
			st = Warn
		}
		out = append(out, Check{Name: "nginx masters", Command: cmd + "; sudo ss -ltnp | grep nginx", Status: st,
			Result: fmt.Sprintf("%d run: %s", len(lines), strings.Join(lines, " | "))})
	}
	return out
}
