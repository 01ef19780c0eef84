package nginx

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Build is what `nginx -V` says. Paths are as compiled in (possibly relative
// to the prefix); fields -V leaves out get configure's defaults.
type Build struct {
	Binary        string
	Product       string // "nginx", "openresty", …: the word before "/" in the version line
	Version       string // "1.22.1"
	ConfigureArgs []string
	Prefix        string
	ConfPath      string
	ErrorLogPath  string // Debian builds say "stderr"
	HTTPLogPath   string
	PIDPath       string
	User          string
	Threads       bool
	Raw           string
}

// ParseV parses the (stderr) output of `nginx -V`. It never fails: lines it
// does not know are kept only in Raw.
func ParseV(out string) Build {
	b := Build{Raw: out}
	sawConfigure := false
	for line := range strings.Lines(out) {
		line = strings.TrimRight(line, "\r\n")
		if v, ok := strings.CutPrefix(line, "nginx version: "); ok {
			prod, ver, _ := strings.Cut(v, "/")
			ver, _, _ = strings.Cut(ver, " ")
			b.Product, b.Version = strings.TrimSpace(prod), ver
		}
		if v, ok := strings.CutPrefix(line, "configure arguments:"); ok {
			sawConfigure = true
			b.ConfigureArgs = shellSplit(v)
		}
	}
	for _, a := range b.ConfigureArgs {
		name, val, _ := strings.Cut(a, "=")
		switch name {
		case "--prefix":
			b.Prefix = val
		case "--conf-path":
			b.ConfPath = val
		case "--error-log-path":
			b.ErrorLogPath = val
		case "--http-log-path":
			b.HTTPLogPath = val
		case "--pid-path":
			b.PIDPath = val
		case "--user":
			b.User = val
		case "--with-threads":
			b.Threads = true
		}
	}
	if sawConfigure {
		// auto/options defaults: what the binary uses when configure was not told.
		b.Prefix = orDefault(b.Prefix, "/usr/local/nginx")
		b.ConfPath = orDefault(b.ConfPath, "conf/nginx.conf")
		b.ErrorLogPath = orDefault(b.ErrorLogPath, "logs/error.log")
		b.HTTPLogPath = orDefault(b.HTTPLogPath, "logs/access.log")
		b.PIDPath = orDefault(b.PIDPath, "logs/nginx.pid")
		b.User = orDefault(b.User, "nobody")
	}
	return b
}

// Version runs `binary -V` (5 s timeout) and parses what it prints.
func Version(ctx context.Context, binary string) (Build, error) {
	res, err := run(ctx, 5*time.Second, []string{binary, "-V"})
	b := ParseV(string(res.Stderr) + string(res.Stdout))
	b.Binary = binary
	if err != nil {
		return b, fmt.Errorf("nginx -V: %w", err)
	}
	if res.ExitCode != 0 || b.Version == "" {
		return b, fmt.Errorf("%s -V exited %d without a version line", binary, res.ExitCode)
	}
	return b, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// shellSplit splits a configure command line the way sh would for the quoting
// configure emits ('…', "…", backslash escapes); it never fails.
func shellSplit(s string) []string {
	var out []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'':
			inWord = true
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				cur.WriteString(s[i+1:])
				i = len(s)
				continue
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
		case c == '"':
			inWord = true
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				cur.WriteByte(s[i])
			}
		case c == '\\' && i+1 < len(s):
			inWord = true
			i++
			cur.WriteByte(s[i])
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			inWord = true
			cur.WriteByte(c)
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out
}
