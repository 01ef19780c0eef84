package postmortem

import (
	"strings"
)

// classifyFPM names what a php-fpm message (after its level) tells.
func classifyFPM(level, msg string) FPMEvent {
	e := FPMEvent{Level: level, Kind: FPMOther}
	if rest, ok := strings.CutPrefix(msg, "[pool "); ok {
		if pool, after, ok := strings.Cut(rest, "] "); ok {
			e.Pool, msg = pool, after
		}
	}
	switch {
	case strings.HasPrefix(msg, "server reached pm.max_children setting ("),
		strings.HasPrefix(msg, "server reached max_children setting ("): // ondemand
		_, n, _ := strings.Cut(msg, "(")
		n, _, _ = strings.Cut(n, ")")
		e.Kind, e.Detail = FPMMaxChildren, n
	case strings.HasPrefix(msg, "child ") && strings.Contains(msg, " exited on signal "):
		pid, rest, _ := cutInt(msg[len("child "):])
		sig, _, _ := strings.Cut(strings.TrimPrefix(rest, " exited on signal "), " after ")
		e.PID, e.Detail = pid, sig
		// SIGQUIT is how the master retires children: routine, not a death.
		if !strings.HasPrefix(sig, "3 ") {
			e.Kind = FPMChildSignal
		}
	case strings.HasPrefix(msg, "seems busy"):
		e.Kind = FPMBusy
	case strings.HasPrefix(msg, "unable to bind listening socket for address '"):
		addr, why, _ := strings.Cut(strings.TrimPrefix(msg, "unable to bind listening socket for address '"), "': ")
		if i := strings.LastIndex(why, " ("); i > 0 && strings.HasSuffix(why, ")") {
			why = why[:i] // the errno's number
		}
		e.Kind, e.Detail = FPMBindFailed, addr+": "+why
	case strings.HasPrefix(msg, "Another FPM instance seems to already listen on "):
		e.Kind, e.Detail = FPMBindFailed, strings.TrimPrefix(msg, "Another FPM instance seems to already listen on ")+": another FPM instance already listens there"
	case msg == "Terminating ..." || msg == "Finishing ...":
		e.Kind = FPMTerminated
	case strings.HasPrefix(msg, "failed to retrieve TCP_INFO"):
		// Logged at every status poll on kernels without TCP_INFO: fold them all.
		e.Detail = "failed to retrieve TCP_INFO"
	default:
		e.Detail = msg
	}
	return e
}
