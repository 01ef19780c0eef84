package netcheck

import (
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Listener is one listening socket and, when it could be found, a process holding it.
type Listener struct {
	Network string         // "tcp", "tcp6" or "unix"
	Address netip.AddrPort // zero for unix
	Path    string         // unix socket path; abstract names start with "@"
	Inode   uint64         // socket inode, the key between /proc/net/* and /proc/PID/fd
	PID     int            // 0 when no readable process holds the socket
	Process string         // comm of PID
	Cmdline string         // argv of PID joined by spaces
}

// Table is every listening socket of this network namespace with its owners.
type Table struct {
	Listeners []Listener
	// Partial is true when some /proc/PID/fd directories were unreadable
	// (not root), so a Listener with PID 0 may still belong to a process.
	Partial bool
}

// Listeners returns the listening sockets under procRoot (normally "/proc").
func Listeners(procRoot string) ([]Listener, error) {
	t, err := ReadTable(procRoot)
	return t.Listeners, err
}

// ReadTable reads procRoot/net/{tcp,tcp6,unix} and maps each socket inode to the
// processes holding it. A socket shared by several processes (nginx's master and
// workers, a pre-forking server) yields one Listener per process, lowest PID first.
func ReadTable(procRoot string) (Table, error) {
	var socks []Listener
	for _, src := range []struct {
		name string
		v6   bool
	}{{"tcp", false}, {"tcp6", true}, {"unix", false}} {
		data, err := os.ReadFile(filepath.Join(procRoot, "net", src.name))
		if errors.Is(err, fs.ErrNotExist) {
			continue // no IPv6 in this kernel, for instance
		}
		if err != nil {
			return Table{}, fmt.Errorf("read listening sockets: %w", err)
		}
		var ls []Listener
		if src.name == "unix" {
			ls, err = ParseProcNetUnix(data)
		} else {
			ls, err = ParseProcNetTCP(data, src.v6)
		}
		if err != nil {
			return Table{}, fmt.Errorf("parse %s: %w", filepath.Join(procRoot, "net", src.name), err)
		}
		socks = append(socks, ls...)
	}
	want := make(map[uint64]bool, len(socks))
	for _, s := range socks {
		want[s.Inode] = true
	}
	owners, partial, err := socketOwners(procRoot, want)
	if err != nil {
		return Table{}, err
	}
	t := Table{Partial: partial}
	procs := map[int]procInfo{}
	for _, s := range socks {
		pids := owners[s.Inode]
		if len(pids) == 0 {
			t.Listeners = append(t.Listeners, s)
			continue
		}
		for _, pid := range pids {
			info, ok := procs[pid]
			if !ok {
				info = readProcInfo(procRoot, pid)
				procs[pid] = info
			}
			l := s
			l.PID, l.Process, l.Cmdline = pid, info.comm, info.cmdline
			t.Listeners = append(t.Listeners, l)
		}
	}
	return t, nil
}

// socketOwners scans procRoot/*/fd for "socket:[inode]" links of the wanted inodes.
// Directories that vanish (the process exited) are skipped; unreadable ones set partial.
func socketOwners(procRoot string, want map[uint64]bool) (map[uint64][]int, bool, error) {
	entries, err := os.ReadDir(procRoot)
	if err != nil {
		return nil, false, fmt.Errorf("list processes: %w", err)
	}
	owners := map[uint64][]int{}
	partial := false
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid <= 0 {
			continue
		}
		fdDir := filepath.Join(procRoot, e.Name(), "fd")
		fds, err := os.ReadDir(fdDir)
		if err != nil {
			if errors.Is(err, fs.ErrPermission) {
				partial = true
			}
			continue
		}
		seen := map[uint64]bool{} // dup'ed fds of one socket count once
		for _, fd := range fds {
			link, err := os.Readlink(filepath.Join(fdDir, fd.Name()))
			if err != nil {
				continue
			}
			inode, ok := socketInode(link)
			if ok && want[inode] && !seen[inode] {
				seen[inode] = true
				owners[inode] = append(owners[inode], pid)
			}
		}
	}
	for _, pids := range owners {
		sort.Ints(pids)
	}
	return owners, partial, nil
}

// socketInode parses a /proc/PID/fd link target "socket:[12345]".
func socketInode(link string) (uint64, bool) {
	s, ok := strings.CutPrefix(link, "socket:[")
	if !ok {
		return 0, false
	}
	s, ok = strings.CutSuffix(s, "]")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

type procInfo struct{ comm, cmdline string }

// readProcInfo collects what identifies a process; missing files leave fields empty
// because the process may exit between the fd scan and here.
func readProcInfo(procRoot string, pid int) procInfo {
	dir := filepath.Join(procRoot, strconv.Itoa(pid))
	var p procInfo
	if b, err := os.ReadFile(filepath.Join(dir, "comm")); err == nil {
		p.comm = strings.TrimRight(string(b), "\n")
	}
	if b, err := os.ReadFile(filepath.Join(dir, "cmdline")); err == nil {
		p.cmdline = strings.TrimSpace(strings.ReplaceAll(string(b), "\x00", " "))
	}
	return p
}

// ForTCP returns who listens on ap: exact address matches and wildcard
// listeners (0.0.0.0, and [::] which also accepts IPv4 unless IPV6_V6ONLY).
// An invalid ap address matches any listener on ap's port.
func (t Table) ForTCP(ap netip.AddrPort) []Listener {
	want := ap.Addr().Unmap()
	var out []Listener
	for _, l := range t.Listeners {
		if l.Network == "unix" || l.Address.Port() != ap.Port() {
			continue
		}
		have := l.Address.Addr().Unmap()
		switch {
		case !want.IsValid(), have == want:
		case have == netip.IPv4Unspecified() && want.Is4():
		case have == netip.IPv6Unspecified():
		default:
			continue
		}
		out = append(out, l)
	}
	return out
}

// ForUnix returns who listens on the unix socket path (cleaned before comparing;
// abstract names "@…" compare as given).
func (t Table) ForUnix(path string) []Listener {
	if !strings.HasPrefix(path, "@") {
		path = filepath.Clean(path)
	}
	var out []Listener
	for _, l := range t.Listeners {
		p := l.Path
		if l.Network != "unix" || p == "" {
			continue
		}
		if !strings.HasPrefix(p, "@") {
			p = filepath.Clean(p)
		}
		if p == path {
			out = append(out, l)
		}
	}
	return out
}
