package logsource

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Container is the container a process runs in, as its cgroup, its root
// and its mounts show it.
type Container struct {
	Runtime  string // docker, podman, containerd, cri-o, lxc, systemd-nspawn; kubernetes when the pod's runtime is not named
	ID       string // the container's ID (LXC and nspawn: its name); "" when not found
	PodUID   string // the Kubernetes pod's UID when it runs in one
	Hostname string // the container's /etc/hostname: the pod's name under Kubernetes (unless hostNetwork)
	Source   string // what showed it: "/proc/PID/cgroup", "/.dockerenv", "/run/.containerenv"
}

// Bounds on the /proc files InContainer reads.
const (
	maxProcFile = 1 << 20
	maxSmall    = 4 << 10
)

// InContainer reports whether pid runs in a container: a container
// runtime's name in procRoot/PID/cgroup (docker, libpod, cri-containerd,
// crio, kubepods, lxc, machine.slice), or the runtime's marker
// (/.dockerenv, /run/.containerenv) in the process's own root,
// procRoot/PID/root — which is also how ngx502 run inside nginx's
// container sees it, where the cgroup reads "0::/". The ID, when the
// cgroup does not hold it, comes from the container's mounts (docker
// and podman bind its hostname file from a directory named by the ID).
func InContainer(procRoot string, pid int) (Container, bool) {
	dir := filepath.Join(procRoot, strconv.Itoa(pid))
	var c Container
	if b, err := readSmall(filepath.Join(dir, "cgroup"), maxProcFile); err == nil {
		c = containerFromCgroup(b)
		if c.Runtime != "" {
			c.Source = filepath.Join(dir, "cgroup")
		}
	}
	root := filepath.Join(dir, "root")
	if c.Runtime == "" {
		switch {
		case isRegularNoFollow(root, ".dockerenv"):
			c = Container{Runtime: "docker", Source: "/.dockerenv"}
		case isRegularNoFollow(root, "run", ".containerenv"):
			c = Container{Runtime: "podman", Source: "/run/.containerenv"}
			if b, err := readInRoot(root, maxSmall, "run", ".containerenv"); err == nil {
				c.ID = containerenvValue(b, "id")
			}
		default:
			return Container{}, false
		}
	}
	if c.ID == "" {
		if b, err := readSmall(filepath.Join(dir, "mountinfo"), maxProcFile); err == nil {
			c.ID = idFromMountinfo(b)
		}
	}
	if b, err := readInRoot(root, 256, "etc", "hostname"); err == nil {
		c.Hostname = string(bytes.TrimSpace(firstLine(b)))
	}
	return c, true
}

// containerFromCgroup reads a /proc/PID/cgroup text; a zero Container
// when no runtime shows in it.
func containerFromCgroup(data []byte) Container {
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.SplitN(line, ":", 3)
		if len(f) != 3 {
			continue
		}
		if c := containerFromPath(f[2]); c.Runtime != "" {
			return c
		}
	}
	return Container{}
}

// scopePrefixes map a systemd scope's name prefix to its runtime.
var scopePrefixes = []struct{ prefix, runtime string }{
	{"docker-", "docker"},
	{"libpod-", "podman"},
	{"cri-containerd-", "containerd"},
	{"crio-", "cri-o"},
	{"nerdctl-", "containerd"},
}

// containerFromPath reads one cgroup path, innermost component first.
func containerFromPath(p string) Container {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	var c Container
	for i := len(parts) - 1; i >= 0 && c.Runtime == ""; i-- {
		part := parts[i]
		for _, sp := range scopePrefixes {
			id, ok := strings.CutPrefix(part, sp.prefix)
			id, scope := strings.CutSuffix(id, ".scope")
			if ok && (scope || sp.runtime == "podman") && isHexID(id) {
				c = Container{Runtime: sp.runtime, ID: id}
			}
		}
		switch {
		case c.Runtime != "":
		case i > 0 && (parts[i-1] == "docker" || parts[i-1] == "libpod_parent") && isHexID(part):
			c = Container{Runtime: map[string]string{"docker": "docker", "libpod_parent": "podman"}[parts[i-1]], ID: part}
		case strings.HasPrefix(part, "lxc.payload."):
			c = Container{Runtime: "lxc", ID: strings.TrimPrefix(part, "lxc.payload.")}
		case i > 0 && (parts[i-1] == "lxc" || parts[i-1] == "lxc.payload") && part != "":
			c = Container{Runtime: "lxc", ID: part}
		case strings.HasPrefix(part, "machine-") && strings.HasSuffix(part, ".scope") && i > 0 && parts[i-1] == "machine.slice":
			c = Container{Runtime: "systemd-nspawn", ID: unescapeUnit(strings.TrimSuffix(strings.TrimPrefix(part, "machine-"), ".scope"))}
		}
	}
	for i, part := range parts {
		if uid := podUID(part); uid != "" {
			c.PodUID = uid
			if c.Runtime == "" && i+1 < len(parts) && isHexID(parts[i+1]) {
				c.Runtime, c.ID = "kubernetes", parts[i+1]
			}
		}
	}
	if c.PodUID != "" && c.Runtime == "" {
		c.Runtime = "kubernetes"
	}
	return c
}

// podUID finds a pod UID in a kubepods component: "pod<uid>" (cgroupfs
// driver) or "kubepods-besteffort-pod<uid with _>.slice" (systemd driver).
func podUID(part string) string {
	s := strings.TrimSuffix(part, ".slice")
	i := strings.LastIndex(s, "pod")
	if i < 0 || (i > 0 && !strings.HasPrefix(s, "kubepods")) {
		return ""
	}
	uid := strings.ReplaceAll(s[i+3:], "_", "-")
	if len(uid) != 36 || strings.Count(uid, "-") != 4 {
		return ""
	}
	return uid
}

// isHexID reports whether s looks like a container ID: 12 to 64 hex digits.
func isHexID(s string) bool {
	if len(s) < 12 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) && (s[i] < 'a' || s[i] > 'f') {
			return false
		}
	}
	return true
}

// unescapeUnit undoes systemd's \xNN escaping in a unit name.
func unescapeUnit(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' {
			if v, err := strconv.ParseUint(s[i+2:i+4], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// idFromMountinfo finds the container ID in the source of the
// /etc/hostname bind mount: /var/lib/docker/containers/ID/hostname, or
// podman's …/overlay-containers/ID/userdata/hostname.
func idFromMountinfo(data []byte) string {
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 5 || f[4] != "/etc/hostname" {
			continue
		}
		parts := strings.Split(f[3], "/")
		for i, p := range parts {
			if (p == "containers" || p == "overlay-containers") && i+1 < len(parts) && isHexID(parts[i+1]) {
				return parts[i+1]
			}
		}
	}
	return ""
}

// containerenvValue reads key="value" from /run/.containerenv.
func containerenvValue(data []byte, key string) string {
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), key+"="); ok {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}

// firstLine is b up to its first newline.
func firstLine(b []byte) []byte {
	line, _, _ := bytes.Cut(b, []byte{'\n'})
	return line
}

// readSmall reads a regular (or /proc) file up to limit bytes.
func readSmall(path string, limit int64) ([]byte, error) {
	f, err := os.OpenFile(path, confOpenFlags, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	return io.ReadAll(io.LimitReader(f, limit))
}
