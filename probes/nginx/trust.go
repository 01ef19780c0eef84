package nginx

import (
	"bufio"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"

	"ngx502/probes/filetrust"
)

// TrustBinary reports whether ngx502, running as root, may execute path
// (filetrust.Binary): why says in plain words what is wrong.
func TrustBinary(path string) (ok bool, why string) { return filetrust.Binary(path) }

// trustMaster fills m.UID, m.Trusted and m.Distrust from procDir
// (/proc/PID): only a master run by root from a binary TrustBinary accepts
// (and, when the admin named one with --nginx, that very file) is trusted,
// because ngx502 later runs that binary as root.
func trustMaster(procDir string, m *Master, namedBinary string) {
	m.UID = -1
	uid, err := realUID(filepath.Join(procDir, "status"))
	if err != nil {
		m.Distrust = fmt.Sprintf("cannot read its uid: %v", err)
		return
	}
	m.UID = uid
	if m.Binary == "" {
		m.Distrust = "cannot read " + filepath.Join(procDir, "exe") + " — run ngx502 as root"
		return
	}
	// The rule is "uid 0, or the owner of its binary" — but TrustBinary
	// below wants that owner to be root, so any other uid fails; say so
	// first, it is the plainer reason.
	if uid != 0 {
		m.Distrust = fmt.Sprintf("runs as %s, not root", uidName(uid))
		return
	}
	if ok, why := TrustBinary(m.Binary); !ok {
		m.Distrust = "its binary " + why
		return
	}
	if namedBinary != "" && !sameFile(m.Binary, namedBinary) {
		m.Distrust = fmt.Sprintf("its binary %s is not the --nginx binary %s", m.Binary, namedBinary)
		return
	}
	m.Trusted = true
}

// sameFile reports whether paths a and b name one file.
func sameFile(a, b string) bool {
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	return err == nil && os.SameFile(sa, sb)
}

// realUID reads the real uid (first field of "Uid:") from a /proc/PID/status.
func realUID(statusPath string) (int, error) {
	f, err := os.Open(statusPath)
	if err != nil {
		return -1, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "Uid:"); ok {
			fields := strings.Fields(v)
			if len(fields) == 0 {
				break
			}
			uid, err := strconv.Atoi(fields[0])
			if err != nil {
				return -1, fmt.Errorf("%s: bad Uid line: %w", statusPath, err)
			}
			return uid, nil
		}
	}
	if err := sc.Err(); err != nil {
		return -1, fmt.Errorf("read %s: %w", statusPath, err)
	}
	return -1, fmt.Errorf("%s has no Uid line", statusPath)
}

// uidName is "uid 65534 (nobody)", or "uid 65534" when no user has it.
func uidName(uid int) string {
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil && u.Username != "" {
		return fmt.Sprintf("uid %d (%s)", uid, u.Username)
	}
	return fmt.Sprintf("uid %d", uid)
}
