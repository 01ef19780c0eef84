package netcheck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// auditTail bounds how much of audit.log is read: recent denials are at its end.
const auditTail = 512 << 10

// maxDenials bounds the AVC lines kept.
const maxDenials = 20

// MAC is the state of the mandatory access control that can make nginx's
// connect() fail with "(13: Permission denied)" even though the upstream is fine.
type MAC struct {
	SELinux                string // "enforcing", "permissive", "disabled" or "absent"
	HTTPDCanNetworkConnect *bool  // SELinux boolean httpd_can_network_connect; nil if unknown
	AppArmor               string // "enabled" or "absent"
	NginxProfile           string // LSM label of the nginx pid (e.g. "unconfined"); "" if unknown
	Denials                []string
	Notes                  []string
}

// macPaths are the files ReadMAC consults; tests point them into a temp tree.
type macPaths struct {
	selinuxfs, selinuxConfig, apparmorfs, auditLog, getsebool string
}

func defaultMACPaths() macPaths {
	return macPaths{
		selinuxfs:     "/sys/fs/selinux",
		selinuxConfig: "/etc/selinux/config",
		apparmorfs:    "/sys/kernel/security/apparmor",
		auditLog:      "/var/log/audit/audit.log",
		getsebool:     "getsebool",
	}
}

// ReadMAC reports SELinux and AppArmor state, the label confining nginxPID
// (0 skips it) read under procRoot, and recent AVC denials naming nginx.
func ReadMAC(ctx context.Context, procRoot string, nginxPID int) MAC {
	return readMAC(ctx, defaultMACPaths(), procRoot, nginxPID)
}

func readMAC(ctx context.Context, p macPaths, procRoot string, nginxPID int) MAC {
	var m MAC
	m.SELinux = selinuxMode(p, &m)
	if m.SELinux == "enforcing" || m.SELinux == "permissive" {
		m.HTTPDCanNetworkConnect = httpdBool(ctx, p, &m)
		m.Denials = readDenials(p.auditLog, &m)
	}
	m.AppArmor = "absent"
	if _, err := os.Stat(p.apparmorfs); err == nil {
		m.AppArmor = "enabled"
	}
	if nginxPID > 0 {
		m.NginxProfile = pidLabel(procRoot, nginxPID, &m)
	}
	return m
}

func selinuxMode(p macPaths, m *MAC) string {
	b, err := os.ReadFile(filepath.Join(p.selinuxfs, "enforce"))
	switch {
	case err == nil && strings.TrimSpace(string(b)) == "1":
		return "enforcing"
	case err == nil:
		return "permissive"
	case !errors.Is(err, fs.ErrNotExist):
		m.Notes = append(m.Notes, fmt.Sprintf("cannot read SELinux mode: %v", err))
	}
	if _, err := os.Stat(p.selinuxConfig); err == nil {
		return "disabled" // policy installed but selinuxfs not mounted: not loaded
	}
	return "absent"
}

// httpdBool reads the boolean from selinuxfs ("cur pending"), else asks getsebool.
func httpdBool(ctx context.Context, p macPaths, m *MAC) *bool {
	const name = "httpd_can_network_connect"
	if b, err := os.ReadFile(filepath.Join(p.selinuxfs, "booleans", name)); err == nil {
		if f := strings.Fields(string(b)); len(f) > 0 {
			v := f[0] == "1"
			return &v
		}
	}
	path, err := exec.LookPath(p.getsebool)
	if err != nil {
		m.Notes = append(m.Notes, "cannot read "+name+": no selinuxfs boolean and no getsebool")
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, name).Output()
	if err != nil {
		m.Notes = append(m.Notes, fmt.Sprintf("getsebool %s: %v", name, err))
		return nil
	}
	v, ok := ParseGetsebool(out)
	if !ok {
		m.Notes = append(m.Notes, fmt.Sprintf("getsebool %s: unexpected output %q", name, out))
		return nil
	}
	return &v
}

// ParseGetsebool reads "httpd_can_network_connect --> on" and reports the value.
func ParseGetsebool(out []byte) (on, ok bool) {
	_, v, found := strings.Cut(string(out), "-->")
	if !found {
		return false, false
	}
	switch strings.TrimSpace(v) {
	case "on":
		return true, true
	case "off":
		return false, true
	}
	return false, false
}

// pidLabel reads the LSM label of pid, AppArmor's own attr file first (kernels
// with several LSMs stacked keep it there).
func pidLabel(procRoot string, pid int, m *MAC) string {
	dir := filepath.Join(procRoot, strconv.Itoa(pid), "attr")
	var last error
	for _, f := range []string{"apparmor/current", "current"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			last = err
			continue
		}
		if s := strings.TrimSpace(strings.TrimRight(string(b), "\x00\n")); s != "" {
			return s
		}
	}
	m.Notes = append(m.Notes, fmt.Sprintf("no LSM label for pid %d (no SELinux/AppArmor loaded?): %v", pid, last))
	return ""
}

// readDenials reads the tail of the audit log for AVC denials naming nginx.
func readDenials(path string, m *MAC) []string {
	f, err := os.Open(path)
	if err != nil {
		m.Notes = append(m.Notes, fmt.Sprintf("cannot read %s: %v", path, err))
		return nil
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > auditTail {
		if _, err := f.Seek(st.Size()-auditTail, io.SeekStart); err != nil {
			m.Notes = append(m.Notes, fmt.Sprintf("seek %s: %v", path, err))
			return nil
		}
	}
	data, err := io.ReadAll(io.LimitReader(f, auditTail))
	if err != nil {
		m.Notes = append(m.Notes, fmt.Sprintf("read %s: %v", path, err))
	}
	return AVCDenials(data, maxDenials)
}

// AVCDenials returns up to limit of the last "avc: denied" lines in audit log
// text that concern nginx (comm="nginx" or the httpd_t domain), oldest first.
func AVCDenials(data []byte, limit int) []string {
	var out []string
	for len(data) > 0 && len(out) < limit {
		i := bytes.LastIndexByte(data[:len(data)-1], '\n')
		line := bytes.TrimSpace(data[i+1:])
		data = data[:i+1]
		if bytes.Contains(line, []byte("avc:")) && bytes.Contains(line, []byte("denied")) &&
			(bytes.Contains(line, []byte(`comm="nginx"`)) || bytes.Contains(line, []byte(":httpd_t:"))) {
			out = append(out, string(line))
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}
