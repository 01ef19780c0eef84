package service

import "fmt"

// whyFor says which manager controls the service and so takes the command.
func whyFor(o Owner) string {
	switch o.Manager {
	case Systemd:
		return fmt.Sprintf("systemd runs %s (PID 1 is systemd)", o.Name)
	case OpenRC:
		return fmt.Sprintf("OpenRC runs %s through %s", o.Name, o.Script)
	case SysV:
		return fmt.Sprintf("the init script %s controls %s; service(8) runs it with a clean environment, with or without init as PID 1", o.Script, o.Name)
	case Runit:
		return fmt.Sprintf("runsv supervises %s; sv tells it what to do", o.Name)
	case S6:
		return fmt.Sprintf("s6-supervise supervises %s; s6-svc tells it what to do", o.Name)
	case Supervisord:
		return fmt.Sprintf("supervisord runs %s as a [program:]; acting around it would fight its autorestart", o.Name)
	case InContainer:
		return fmt.Sprintf("the process runs in %s container %.12s, which the box's own managers do not control", o.Runtime, o.Name)
	case PlainProcess:
		if o.Process != nil {
			return fmt.Sprintf("no manager controls pid %d: it was started %s", o.Process.PID, o.Process.HandStart())
		}
	}
	return "no service manager controls it"
}

// changesFor says, before it runs, what verb changes on the box.
func changesFor(o Owner, verb Verb) string {
	name := o.Name
	switch o.Manager {
	case InContainer:
		name = fmt.Sprintf("the whole %s container %.12s", o.Runtime, o.Name)
	case PlainProcess:
		if o.Process != nil {
			name = fmt.Sprintf("pid %d (%s)", o.Process.PID, o.Process.Comm)
		}
	}
	switch verb {
	case Start:
		return "starts " + name + " (no effect if it is already running)"
	case Restart:
		if o.Manager == InContainer {
			return "stops and starts " + name + ": every process in it restarts and all its connections are dropped"
		}
		return "stops and starts " + name + ": its open connections and in-flight requests are dropped"
	case Reload:
		return "asks " + name + " to re-read its configuration; it keeps serving"
	case Stop:
		return "stops " + name + ": whatever it serves fails until it is started again"
	}
	return "nothing: it only reports whether " + name + " runs"
}
