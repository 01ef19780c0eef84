package logsource

import (
	"fmt"
	"strings"
	"time"
)

// LogHint is what to tell the admin when nginx in c writes its error log
// to stdout/stderr (error_log stderr, or a file that is a link to
// /dev/stderr as in the official image): the runtime keeps that log, and
// this is the command that shows it, from the host, since since (zero:
// all of it).
func (c Container) LogHint(since time.Time) string {
	id := c.ID
	if id == "" {
		id = "CONTAINER"
	}
	short := id
	if isHexID(id) && len(id) > 12 {
		short = id[:12]
	}
	sinceArg := func(flag string) string {
		if since.IsZero() {
			return ""
		}
		return " " + flag + since.UTC().Format(time.RFC3339)
	}
	switch {
	case c.PodUID != "":
		pod := c.Hostname
		if pod == "" {
			pod = "POD"
		}
		hint := fmt.Sprintf("nginx runs in a Kubernetes pod (uid %s): kubectl logs%s %s", c.PodUID, sinceArg("--since-time="), pod)
		if c.ID != "" {
			hint += fmt.Sprintf(", or on this node: crictl logs%s %s", sinceArg("--since="), short)
		}
		return hint
	case c.Runtime == "docker":
		return fmt.Sprintf("nginx runs in a docker container: docker logs%s %s (on the docker host)", sinceArg("--since "), short)
	case c.Runtime == "podman":
		return fmt.Sprintf("nginx runs in a podman container: podman logs%s %s (as the user who runs it)", sinceArg("--since "), short)
	case c.Runtime == "containerd":
		return fmt.Sprintf("nginx runs in a containerd container: nerdctl logs%s %s, or crictl logs%s %s", sinceArg("--since "), short, sinceArg("--since="), short)
	case c.Runtime == "cri-o":
		return fmt.Sprintf("nginx runs in a CRI-O container: crictl logs%s %s", sinceArg("--since="), short)
	case c.Runtime == "lxc":
		return fmt.Sprintf("nginx runs in the LXC container %s, whose own init keeps its output: lxc-attach -n %s -- journalctl -u nginx", id, id)
	case c.Runtime == "systemd-nspawn":
		return fmt.Sprintf("nginx runs in the systemd-nspawn machine %s: journalctl -M %s -u nginx", id, id)
	}
	return strings.TrimSpace(fmt.Sprintf("nginx runs in a %s container %s: read its output with that runtime's logs command", c.Runtime, c.ID))
}
