package service

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// maxAncestors bounds the walk up a parent chain; real chains are a handful deep.
const maxAncestors = 64

// maxProcFile caps what is read of one /proc or /etc file.
const maxProcFile = 1 << 20

// Process is what /proc says about a running process: enough for the admin
// to start it again exactly as it ran, nothing invented.
type Process struct {
	PID  int
	PPID int
	Comm string   // /proc/PID/comm as stat holds it (15 bytes at most)
	Argv []string // /proc/PID/cmdline split at NULs; nil for a kernel thread
	Exe  string   // readlink /proc/PID/exe; "" when unreadable
	UID  int      // real uid; -1 when unreadable
	User string   // name of UID in root/etc/passwd; "" when it has no entry
	Cwd  string   // readlink /proc/PID/cwd; "" when unreadable
}

// HandStart says how the process was started, for an admin starting it by
// hand: "as www-data (uid 33) in /srv/app: /usr/bin/node server.js".
func (p Process) HandStart() string {
	who := fmt.Sprintf("uid %d", p.UID)
	if p.User != "" {
		who = fmt.Sprintf("%s (uid %d)", p.User, p.UID)
	}
	where := p.Cwd
	if where == "" {
		where = "an unknown directory"
	}
	return fmt.Sprintf("as %s in %s: %s", who, where, Command{Argv: p.Argv}.String())
}

// ReadProcess reads pid's facts from procRoot ("/proc"); the user name comes
// from root's /etc/passwd. Only stat is required; the rest is left empty
// (UID -1) when the kernel refuses it, as it does for other users' processes
// when not root.
func ReadProcess(procRoot, root string, pid int) (Process, error) {
	dir := filepath.Join(procRoot, strconv.Itoa(pid))
	p := Process{PID: pid, UID: -1}
	stat, err := readCapped(filepath.Join(dir, "stat"))
	if err != nil {
		return p, fmt.Errorf("process %d: %w", pid, err)
	}
	if p.Comm, p.PPID, err = parseStat(stat); err != nil {
		return p, fmt.Errorf("process %d: %w", pid, err)
	}
	if b, err := readCapped(filepath.Join(dir, "cmdline")); err == nil {
		p.Argv = splitCmdline(b)
	}
	p.Exe, _ = os.Readlink(filepath.Join(dir, "exe"))
	p.Cwd, _ = os.Readlink(filepath.Join(dir, "cwd"))
	if uid, err := statusUID(filepath.Join(dir, "status")); err == nil {
		p.UID = uid
		p.User = passwdName(root, uid)
	}
	return p, nil
}

// parseStat reads comm and ppid from a /proc/PID/stat line; comm sits in
// parentheses and may itself hold ") ", so the last ")" ends it.
func parseStat(b []byte) (comm string, ppid int, err error) {
	s := string(b)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return "", 0, fmt.Errorf("stat %q: no (comm)", truncate(s, 80))
	}
	f := strings.Fields(s[end+1:])
	if len(f) < 2 {
		return "", 0, fmt.Errorf("stat %q: no ppid", truncate(s, 80))
	}
	ppid, err = strconv.Atoi(f[1])
	if err != nil {
		return "", 0, fmt.Errorf("stat ppid %q: %w", f[1], err)
	}
	return s[open+1 : end], ppid, nil
}

// splitCmdline splits /proc/PID/cmdline at NULs, dropping the trailing one.
func splitCmdline(b []byte) []string {
	b = bytes.TrimRight(b, "\x00")
	if len(b) == 0 {
		return nil
	}
	return strings.Split(string(b), "\x00")
}

// statusUID reads the real uid (first field of "Uid:") from /proc/PID/status.
func statusUID(path string) (int, error) {
	b, err := readCapped(path)
	if err != nil {
		return -1, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "Uid:"); ok {
			f := strings.Fields(v)
			if len(f) == 0 {
				break
			}
			uid, err := strconv.Atoi(f[0])
			if err != nil {
				return -1, fmt.Errorf("%s: Uid %q: %w", path, f[0], err)
			}
			return uid, nil
		}
	}
	return -1, fmt.Errorf("%s has no Uid line", path)
}

// passwdName looks uid up in root/etc/passwd (not NSS: the box's own file,
// also under a fake root); "" when no line has it.
func passwdName(root string, uid int) string {
	b, err := readCapped(filepath.Join(root, "etc/passwd"))
	if err != nil {
		return ""
	}
	want := strconv.Itoa(uid)
	for line := range strings.SplitSeq(string(b), "\n") {
		f := strings.Split(line, ":")
		if len(f) >= 3 && f[2] == want && f[0] != "" {
			return f[0]
		}
	}
	return ""
}

// ancestors returns pid's parent chain, nearest first, up to and including
// PID 1 (a container's supervisord is often PID 1) or where /proc stops
// answering; bounded and loop-safe.
func ancestors(procRoot, root string, pid int) []Process {
	p, err := ReadProcess(procRoot, root, pid)
	if err != nil {
		return nil
	}
	var out []Process
	seen := map[int]bool{pid: true}
	for range maxAncestors {
		if p.PPID <= 0 || seen[p.PPID] {
			break
		}
		parent, err := ReadProcess(procRoot, root, p.PPID)
		if err != nil {
			break
		}
		seen[p.PPID] = true
		out = append(out, parent)
		p = parent
	}
	return out
}

// readCapped reads at most maxProcFile bytes of a regular file or /proc
// entry; O_NONBLOCK so a FIFO planted where a file is expected cannot hang it.
func readCapped(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode()&(os.ModeNamedPipe|os.ModeDevice|os.ModeSocket) != 0 {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxProcFile))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return b, nil
}

// truncate cuts s to n bytes for error messages.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
