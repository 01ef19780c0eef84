package service

import (
	"path/filepath"
	"strconv"
	"strings"
)

// Container is the container a process runs in, as its cgroup path names it.
type Container struct {
	Runtime string // "docker", "podman", "containerd", "cri-o" or "kubernetes"
	ID      string // the full 64-hex container ID
}

// containerPrefixes map a systemd scope's prefix to the runtime that made it:
// "docker-<id>.scope", "libpod-<id>.scope", "cri-containerd-<id>.scope", "crio-<id>.scope".
var containerPrefixes = []struct{ prefix, runtime string }{
	{"docker-", "docker"},
	{"libpod-", "podman"},
	{"cri-containerd-", "containerd"},
	{"crio-", "cri-o"},
}

// containerParents map the cgroupfs driver's parent directory to the runtime:
// "/docker/<id>", "/libpod_parent/libpod-<id>", "/kubepods/…/pod…/<id>".
var containerParents = map[string]string{"docker": "docker", "libpod_parent": "podman", "actions_job": "docker"}

// ContainerFromCgroup returns the innermost container named in a
// /proc/PID/cgroup text (cgroup v1 or v2 lines), or false when the process
// runs in none a runtime here could restart. Only 64-hex IDs count, so a
// sandbox's own cgroup names ("/process_api/bcc93e…", 32 hex) are not mistaken
// for containers.
func ContainerFromCgroup(data []byte) (Container, bool) {
	var best Container
	found := false
	for line := range strings.SplitSeq(string(data), "\n") {
		// "id:controllers:path"; the path itself may hold colons.
		f := strings.SplitN(line, ":", 3)
		if len(f) != 3 {
			continue
		}
		if c, ok := containerInPath(f[2]); ok {
			// The unified hierarchy ("0::") is the truth on v2 and hybrid boxes.
			if !found || f[0] == "0" {
				best, found = c, true
			}
		}
	}
	return best, found
}

// containerInPath finds the innermost container component of one cgroup path.
func containerInPath(path string) (Container, bool) {
	parts := strings.Split(path, "/")
	for k := len(parts) - 1; k >= 0; k-- {
		name := parts[k]
		for _, p := range containerPrefixes {
			if id, ok := strings.CutPrefix(name, p.prefix); ok {
				id = strings.TrimSuffix(id, ".scope")
				if isContainerID(id) {
					return Container{Runtime: p.runtime, ID: id}, true
				}
			}
		}
		if !isContainerID(name) || k == 0 {
			continue
		}
		parent := parts[k-1]
		if rt, ok := containerParents[parent]; ok {
			return Container{Runtime: rt, ID: name}, true
		}
		if strings.HasPrefix(parent, "pod") && strings.Contains(path, "kubepods") {
			return Container{Runtime: "kubernetes", ID: name}, true
		}
	}
	return Container{}, false
}

// isContainerID reports whether s is a 64-digit lowercase hex ID, as docker,
// podman and containerd name containers.
func isContainerID(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

// containerOf reads pid's container from procRoot, and whether ngx502 itself
// runs in that same container (then the box's own managers are the ones to use,
// and restarting it would restart ngx502 too).
func containerOf(procRoot string, pid int) (c Container, self bool, ok bool) {
	b, err := readCapped(filepath.Join(procRoot, strconv.Itoa(pid), "cgroup"))
	if err != nil {
		return Container{}, false, false
	}
	c, ok = ContainerFromCgroup(b)
	if !ok {
		return Container{}, false, false
	}
	if own, err := readCapped(filepath.Join(procRoot, "self", "cgroup")); err == nil {
		if mine, ok := ContainerFromCgroup(own); ok && mine.ID == c.ID {
			return c, true, true
		}
	}
	return c, false, true
}
