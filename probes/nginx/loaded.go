package nginx

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of /proc/PID/stat start times; it is
// 100 on every Linux architecture nginx runs on.
const clockTicks = 100

// LoadedAt is when the running master last loaded its configuration: a
// reload replaces every worker, so the newest worker's start time is the
// moment of the last (re)load; without workers it is the master's own.
func LoadedAt(procRoot string, master int) (time.Time, error) {
	boot, err := bootTime(procRoot)
	if err != nil {
		return time.Time{}, err
	}
	own, _, err := procStart(procRoot, master)
	if err != nil {
		return time.Time{}, fmt.Errorf("nginx master %d: %w", master, err)
	}
	newest := own
	dirs, err := os.ReadDir(procRoot)
	if err != nil {
		return time.Time{}, fmt.Errorf("read %s: %w", procRoot, err)
	}
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil || pid == master {
			continue
		}
		start, ppid, err := procStart(procRoot, pid)
		if err == nil && ppid == master && start > newest {
			newest = start
		}
	}
	return boot.Add(time.Duration(newest) * time.Second / clockTicks), nil
}

// procStart reads a process's start time (ticks since boot) and parent.
func procStart(procRoot string, pid int) (start uint64, ppid int, err error) {
	b, err := os.ReadFile(filepath.Join(procRoot, strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, 0, err
	}
	return ParseStat(b)
}

// ParseStat reads the start time and parent pid out of a /proc/PID/stat
// line. The command name may hold spaces and parentheses, so fields are
// counted after the last ')'.
func ParseStat(b []byte) (start uint64, ppid int, err error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, fmt.Errorf("malformed stat line")
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state), f[1] field 4 (ppid), f[19] field 22 (starttime).
	if len(f) < 20 {
		return 0, 0, fmt.Errorf("stat line has %d fields after the name", len(f))
	}
	if ppid, err = strconv.Atoi(f[1]); err != nil {
		return 0, 0, fmt.Errorf("stat ppid: %w", err)
	}
	if start, err = strconv.ParseUint(f[19], 10, 64); err != nil {
		return 0, 0, fmt.Errorf("stat starttime: %w", err)
	}
	return start, ppid, nil
}

// bootTime is now minus /proc/uptime: 10 ms precise, where /proc/stat's
// btime is whole seconds and would blur "before or after the reload".
func bootTime(procRoot string) (time.Time, error) {
	now := time.Now()
	b, err := os.ReadFile(filepath.Join(procRoot, "uptime"))
	if err != nil {
		return time.Time{}, err
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return time.Time{}, fmt.Errorf("empty %s/uptime", procRoot)
	}
	up, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("uptime: %w", err)
	}
	return now.Add(-time.Duration(up * float64(time.Second))), nil
}

// ChangedSince lists the config files modified after t, for "the running
// nginx does not use what is on disk".
func (c *Config) ChangedSince(t time.Time) []string {
	var out []string
	for _, f := range c.Files {
		if fi, err := os.Stat(f); err == nil && fi.ModTime().After(t) {
			out = append(out, f)
		}
	}
	return out
}
