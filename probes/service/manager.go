// Package service finds the service manager, the unit a process belongs to, and
// builds and runs the reload/restart commands the admin confirms. It decides
// nothing: it says which argv would act, what it changes, and what happened.
package service

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Manager names the init system that owns services on the box.
type Manager string

// The managers DetectManager can report; ManagerFor reports these too.
const (
	Systemd Manager = "systemd"
	OpenRC  Manager = "openrc"
	SysV    Manager = "sysv"
	None    Manager = "none"
)

// The managers only ManagerFor reports: they control one service, not the box.
const (
	Runit        Manager = "runit"       // runsv supervises it; sv acts on it
	S6           Manager = "s6"          // s6-supervise supervises it; s6-svc acts on it
	Supervisord  Manager = "supervisord" // a [program:] of supervisord; supervisorctl acts on it
	InContainer  Manager = "container"   // docker or podman restart the whole container
	PlainProcess Manager = "process"     // started by hand: nothing restarts it but the admin
)

// DetectManager reports which service manager runs under root (normally "/"),
// box-wide; ManagerFor answers per service and also finds SysV scripts usable
// without init as PID 1, runit, s6, supervisord, containers and plain processes.
// It looks for the manager's own runtime marker rather than installed tools,
// because systemctl and service are often installed where nothing answers them
// (containers, and this box, whose PID 1 is neither systemd nor init):
// systemd by root/run/systemd/system (sd_booted's test), OpenRC by root/run/openrc,
// SysV init by PID 1's comm being "init" with root/etc/init.d present.
func DetectManager(root string) Manager {
	isDir := func(p string) bool {
		st, err := os.Stat(filepath.Join(root, p))
		return err == nil && st.IsDir()
	}
	switch {
	case isDir("run/systemd/system"):
		return Systemd
	case isDir("run/openrc"):
		return OpenRC
	case isDir("etc/init.d") && pid1Comm(root) == "init":
		return SysV
	}
	return None
}

func pid1Comm(root string) string {
	b, err := os.ReadFile(filepath.Join(root, "proc/1/comm"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// UnitOfPID returns the systemd unit of pid from procRoot/PID/cgroup
// (".../nginx.service" → "nginx.service"), or "" when it has none or is unreadable.
func UnitOfPID(procRoot string, pid int) string {
	b, err := os.ReadFile(filepath.Join(procRoot, strconv.Itoa(pid), "cgroup"))
	if err != nil {
		return ""
	}
	return UnitFromCgroup(b)
}

// UnitFromCgroup returns the innermost ".service" component of a
// /proc/PID/cgroup text, preferring the unified ("0::") hierarchy, then
// name=systemd, then any; a user@.service's child services win over it.
func UnitFromCgroup(data []byte) string {
	lines := strings.Split(string(data), "\n")
	for _, prefer := range []func(string) bool{
		func(h string) bool { return h == "0:" },
		func(h string) bool { return strings.HasSuffix(h, ":name=systemd") },
		func(string) bool { return true },
	} {
		for _, line := range lines {
			// "id:controllers:path"; the path itself may hold colons.
			f := strings.SplitN(line, ":", 3)
			if len(f) != 3 || !prefer(f[0]+":"+f[1]) {
				continue
			}
			parts := strings.Split(f[2], "/")
			for k := len(parts) - 1; k >= 0; k-- {
				if strings.HasSuffix(parts[k], ".service") && len(parts[k]) > len(".service") {
					return parts[k]
				}
			}
		}
	}
	return ""
}
