package service

import (
	"strings"
)

// Command is an action the tool may run after the admin confirms.
type Command struct {
	Argv    []string
	Why     string
	Changes string // what it changes on the box, said before it runs
	// ExplicitYes: never run on a blanket confirmation (--fix all): it acts on
	// more than the service (a whole container) or by pid, so the admin says y to it alone.
	ExplicitYes bool
}

// String renders Argv shell-quoted for display and copy-paste; Run never uses a shell.
func (c Command) String() string {
	q := make([]string, len(c.Argv))
	for i, a := range c.Argv {
		q[i] = quote(a)
	}
	return strings.Join(q, " ")
}

// quote single-quotes a word unless it is made only of characters no shell treats specially.
func quote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@%+,", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// initName turns a unit into the name OpenRC and SysV scripts use ("nginx.service" → "nginx").
func initName(unit string) string {
	return strings.TrimSuffix(unit, ".service")
}

// ReloadNginx builds the command that makes nginx re-read its configuration.
// Under a manager it goes through the unit (default nginx.service / nginx) so
// the manager's state stays true; with none it signals the master with
// `nginx -s reload` using the master's own -c/-p/-g, which name its pid file.
func ReloadNginx(m Manager, unit string, binary, conf, prefix, globals string) Command {
	c := Command{
		Why:     "nginx re-reads its configuration and upstream addresses only on reload",
		Changes: "reloads nginx's configuration without dropping connections: new workers start, old ones finish their requests",
	}
	switch m {
	case Systemd:
		if unit == "" {
			unit = "nginx.service"
		}
		c.Argv = []string{"systemctl", "reload", unit}
	case OpenRC:
		c.Argv = []string{"rc-service", nameOr(unit, "nginx"), "reload"}
	case SysV:
		c.Argv = []string{"service", nameOr(unit, "nginx"), "reload"}
	default:
		if binary == "" {
			binary = "nginx"
		}
		c.Argv = []string{binary, "-s", "reload"}
		for _, f := range [][2]string{{"-c", conf}, {"-p", prefix}, {"-g", globals}} {
			if f[1] != "" {
				c.Argv = append(c.Argv, f[0], f[1])
			}
		}
	}
	return c
}

func nameOr(unit, def string) string {
	if unit == "" {
		return def
	}
	return initName(unit)
}

// RestartService builds the command that restarts unit (an upstream's service
// or nginx's); false when the manager or the unit is unknown, because guessing
// a name could restart the wrong thing.
func RestartService(m Manager, unit string) (Command, bool) {
	return serviceAction(m, unit, "restart", Command{
		Why:     "a restart brings a crashed or wedged service back",
		Changes: "stops and starts " + unit + ": its open connections and in-flight requests are dropped",
	})
}

// StartService builds the command that starts unit; false when the manager or unit is unknown.
func StartService(m Manager, unit string) (Command, bool) {
	return serviceAction(m, unit, "start", Command{
		Why:     "nothing answers where nginx sends requests while the service is stopped",
		Changes: "starts " + unit + " (no effect if it is already running)",
	})
}

func serviceAction(m Manager, unit, verb string, c Command) (Command, bool) {
	if unit == "" {
		return Command{}, false
	}
	switch m {
	case Systemd:
		c.Argv = []string{"systemctl", verb, unit}
	case OpenRC:
		c.Argv = []string{"rc-service", initName(unit), verb}
	case SysV:
		c.Argv = []string{"service", initName(unit), verb}
	default:
		return Command{}, false
	}
	return c, true
}
