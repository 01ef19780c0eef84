package service

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Verb is what a manager is asked to do with one service.
type Verb string

// The verbs CommandFor builds; every manager gets all five or a reason why not.
const (
	Start   Verb = "start"
	Restart Verb = "restart"
	Reload  Verb = "reload"
	Stop    Verb = "stop"
	Status  Verb = "status"
)

// Verbs lists every Verb, in the order a report shows them.
func Verbs() []Verb { return []Verb{Start, Restart, Reload, Stop, Status} }

// s6Flags are s6-svc's options for each verb (status is s6-svstat).
var s6Flags = map[Verb]string{Start: "-u", Restart: "-r", Reload: "-h", Stop: "-d"}

// CommandFor builds the argv that makes o's manager verb the service: the
// tool by its absolute path found under root and trusted (root-owned, not
// writable by others, nor its directories), never a shell string. SysV
// goes through service(8), else the init script itself. The error says why
// nothing may run: an unknown name, an untrusted script or tool, a verb the
// manager has not got.
func CommandFor(root string, o Owner, verb Verb) (Command, error) {
	if !validVerb(verb) {
		return Command{}, fmt.Errorf("unknown verb %q", verb)
	}
	if o.Manager == None || o.Manager == "" {
		return Command{}, errors.New("no service manager controls it here: start it by hand")
	}
	if o.Name == "" && o.Manager != PlainProcess {
		return Command{}, fmt.Errorf("%s controls it, but under which name is not known: act on it by hand", o.Manager)
	}
	if strings.HasPrefix(o.Name, "-") || o.Manager == InContainer && !isContainerID(o.Name) {
		return Command{}, fmt.Errorf("%q is not a name %s can be given safely", o.Name, o.Manager)
	}
	c := Command{Why: whyFor(o), Changes: changesFor(o, verb)}
	var err error
	switch o.Manager {
	case Systemd:
		c.Argv, err = toolArgv(root, "systemctl", string(verb), o.Name)
	case OpenRC, SysV:
		var note string
		c.Argv, note, err = initArgv(root, o, verb)
		c.Why += note
	case Runit:
		c.Argv, err = toolArgv(root, "sv", string(verb), o.Name)
	case S6:
		if verb == Status {
			c.Argv, err = toolArgv(root, "s6-svstat", o.Name)
		} else {
			c.Argv, err = toolArgv(root, "s6-svc", s6Flags[verb], o.Name)
		}
	case Supervisord:
		c.Argv, err = supervisorctlArgv(root, o, verb)
	case InContainer:
		c.Argv, err = containerArgv(root, o, verb)
		c.ExplicitYes = verb != Status
	case PlainProcess:
		c.Argv, err = processArgv(root, o, verb)
		c.ExplicitYes = verb != Status
	default:
		return Command{}, errors.New("no service manager controls it here: start it by hand")
	}
	if err != nil {
		return Command{}, err
	}
	return c, nil
}

func validVerb(v Verb) bool {
	for _, k := range Verbs() {
		if v == k {
			return true
		}
	}
	return false
}

// toolArgv is argv with the tool found and trusted under root in front.
func toolArgv(root, tool string, args ...string) ([]string, error) {
	bin, err := FindTool(root, tool)
	if err != nil {
		return nil, err
	}
	return append([]string{bin}, args...), nil
}

// initArgv runs the init script through service(8) (SysV) or rc-service
// (OpenRC), else the script itself, saying why in note; the script must be
// trusted either way, as both run it as root.
func initArgv(root string, o Owner, verb Verb) (argv []string, note string, err error) {
	if o.Script == "" {
		return nil, "", fmt.Errorf("%s: no init script named", o.Name)
	}
	if ok, why := TrustFile(root, o.Script); !ok {
		return nil, "", fmt.Errorf("refused to run %s as root: %s", o.Script, why)
	}
	if verb == Reload {
		if b, err := readScript(root, o.Script); err != nil || !mentionsWord(string(b), "reload") {
			return nil, "", fmt.Errorf("%s has no reload action: restart it instead", o.Script)
		}
	}
	tool := "service"
	if o.Manager == OpenRC {
		tool = "rc-service"
	}
	argv, err = toolArgv(root, tool, o.Name, string(verb))
	if err == nil {
		return argv, "", nil
	}
	return []string{o.Script, string(verb)}, fmt.Sprintf("; the script runs by itself because %v", err), nil
}

// supervisorctlArgv: supervisorctl has no per-program reload (its "reload"
// restarts supervisord and every program), so reload is refused.
func supervisorctlArgv(root string, o Owner, verb Verb) ([]string, error) {
	if verb == Reload {
		return nil, fmt.Errorf("supervisorctl cannot reload one program (its reload restarts every program): restart %s instead", o.Name)
	}
	args := []string{string(verb), o.Name}
	if o.Config != "" {
		args = append([]string{"-c", o.Config}, args...)
	}
	return toolArgv(root, "supervisorctl", args...)
}

// containerArgv: docker and podman act on the whole container; a
// Kubernetes or bare containerd container belongs to its orchestrator.
func containerArgv(root string, o Owner, verb Verb) ([]string, error) {
	if o.Runtime != "docker" && o.Runtime != "podman" {
		return nil, fmt.Errorf("container %.12s is run by %s: restart it through its orchestrator (kubectl delete pod …), not from here", o.Name, o.Runtime)
	}
	switch verb {
	case Reload:
		return nil, fmt.Errorf("%s has no reload: reload inside container %.12s, or restart the container", o.Runtime, o.Name)
	case Status:
		return toolArgv(root, o.Runtime, "inspect", "--format", "{{.State.Status}}", o.Name)
	}
	return toolArgv(root, o.Runtime, string(verb), o.Name)
}

// processArgv: a plain process can be inspected and stopped by pid; starting
// it again is the admin's, with the command line, user and cwd it ran with.
func processArgv(root string, o Owner, verb Verb) ([]string, error) {
	if o.Process == nil {
		return nil, errors.New("no process named")
	}
	pid := strconv.Itoa(o.Process.PID)
	switch verb {
	case Status:
		return toolArgv(root, "ps", "-o", "pid,user,lstart,args", "-p", pid)
	case Stop:
		return toolArgv(root, "kill", "-TERM", pid)
	}
	return nil, fmt.Errorf("no manager can %s pid %d: it was started %s — %s it the same way by hand", verb, o.Process.PID, o.Process.HandStart(), verb)
}
