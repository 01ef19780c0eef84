package logsource

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Target is where an error_log syslog: destination sends nginx's entries,
// as nginx parses its parameters.
type Target struct {
	Server     string // server= as written: "unix:/dev/log", "127.0.0.1", "[::1]:5140", "logs.example"
	Unix       string // the socket path of server=unix:PATH, else ""
	Host       string // the host of a UDP server (an IPv6 address without brackets), else ""
	Port       int    // its UDP port: 514 when not written
	Remote     bool   // Host is neither loopback nor one of this box's own addresses or name
	Facility   string // facility= in nginx's words; "local7" when not written
	Severity   string // severity= as written, "" when not: on error_log nginx ignores it (each entry has its level)
	Tag        string // tag=; "nginx" when not written
	NoHostname bool   // nohostname: the header nginx sends carries no host name
}

// Addr is where the entries go, "unix:/dev/log" or "10.0.0.5:514".
func (t Target) Addr() string {
	if t.Unix != "" {
		return "unix:" + t.Unix
	}
	return net.JoinHostPort(t.Host, strconv.Itoa(t.Port))
}

// nginxFacilities are ngx_syslog.c's facility names; the index is the number sent.
var nginxFacilities = []string{"kern", "user", "mail", "daemon", "auth", "intern", "lpr", "news", "uucp",
	"clock", "authpriv", "ftp", "ntp", "audit", "alert", "cron",
	"local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"}

// nginxSeverities are nginx's level names; the index is the syslog severity.
var nginxSeverities = []string{"emerg", "alert", "crit", "error", "warn", "notice", "info", "debug"}

// maxTag is nginx's limit on tag=.
const maxTag = 32

// maxSunPath is the size of sockaddr_un's sun_path, the NUL included.
const maxSunPath = 108

// SyslogTarget parses an error_log path "syslog:server=…[,facility=…]
// [,severity=…][,tag=…][,nohostname]" as nginx does (ngx_syslog_process_conf):
// server is required, a UDP server's port defaults to 514, a tag is at
// most 32 letters, digits or underscores. The error names what nginx
// would refuse.
func SyslogTarget(path string) (Target, error) {
	args, ok := strings.CutPrefix(path, "syslog:")
	if !ok {
		return Target{}, fmt.Errorf("%q is not a syslog: destination", path)
	}
	t := Target{Facility: "local7", Tag: "nginx"}
	parts := strings.Split(args, ",")
	if len(parts) > 1 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1] // nginx stops at the end, so a trailing comma is fine
	}
	seen := map[string]bool{}
	for _, p := range parts {
		key, val, _ := strings.Cut(p, "=")
		if seen[key] {
			return Target{}, fmt.Errorf("%s: duplicate syslog %q", path, key)
		}
		seen[key] = true
		switch key {
		case "server":
			if err := t.setServer(val); err != nil {
				return Target{}, fmt.Errorf("%s: %w", path, err)
			}
		case "facility":
			if !slices.Contains(nginxFacilities, val) {
				return Target{}, fmt.Errorf("%s: unknown syslog facility %q", path, val)
			}
			t.Facility = val
		case "severity":
			if !slices.Contains(nginxSeverities, val) {
				return Target{}, fmt.Errorf("%s: unknown syslog severity %q", path, val)
			}
			t.Severity = val
		case "tag":
			if !validTag(val) {
				return Target{}, fmt.Errorf("%s: syslog tag %q: at most %d letters, digits or underscores", path, val, maxTag)
			}
			t.Tag = val
		case "nohostname":
			t.NoHostname = true
		default:
			return Target{}, fmt.Errorf("%s: unknown syslog parameter %q", path, p)
		}
	}
	if t.Server == "" {
		return Target{}, fmt.Errorf("%s: no syslog server specified", path)
	}
	return t, nil
}

// setServer fills the address fields from server=.
func (t *Target) setServer(val string) error {
	if val == "" {
		return errors.New("empty syslog server")
	}
	t.Server = val
	if sock, ok := strings.CutPrefix(val, "unix:"); ok {
		switch {
		case sock == "":
			return fmt.Errorf("syslog server %q: no path in the unix domain socket", val)
		case len(sock) >= maxSunPath:
			return fmt.Errorf("syslog server %q: too long path in the unix domain socket", val)
		}
		t.Unix = sock
		return nil
	}
	host, port := val, 514
	if h, p, err := net.SplitHostPort(val); err == nil {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("syslog server %q: invalid port", val)
		}
		host, port = h, n
	} else if strings.HasPrefix(val, "[") && strings.HasSuffix(val, "]") {
		host = val[1 : len(val)-1]
	}
	if host == "" {
		return fmt.Errorf("syslog server %q: no host", val)
	}
	t.Host, t.Port = host, port
	t.Remote = !isLocalHost(host)
	return nil
}

// validTag is nginx's rule for tag=.
func validTag(s string) bool {
	if s == "" || len(s) > maxTag {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) && s[i] != '_' {
			return false
		}
	}
	return true
}

// isLocalHost reports whether host names this box: localhost, a loopback
// address, one of its interfaces' addresses, or its own host name. Other
// names are not resolved (no DNS from a probe that only parses), so they
// count as remote.
func isLocalHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	if name, err := os.Hostname(); err == nil && strings.EqualFold(host, name) {
		return true
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	if ip.IsLoopback() {
		return true
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return false
	}
	for _, a := range addrs {
		if p, err := netip.ParsePrefix(a.String()); err == nil && p.Addr().Unmap() == ip.Unmap() {
			return true
		}
	}
	return false
}
