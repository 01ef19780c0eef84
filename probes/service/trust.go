package service

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"ngx502/probes/filetrust"
)

// toolDirs are where a manager's command-line tool is looked for, in PATH
// order of a root shell on Debian; /usr/sbin first so merged-/usr boxes name
// the real file rather than its /sbin alias.
var toolDirs = []string{"usr/sbin", "usr/bin", "sbin", "bin", "usr/local/sbin", "usr/local/bin"}

// FindTool returns the in-box path ("/usr/sbin/service") of the first file
// named name under root's usual bin directories that ngx502 may run as root:
// see TrustFile. The error says what was found and why each copy was refused.
func FindTool(root, name string) (string, error) {
	if name == "" || strings.Contains(name, "/") {
		return "", fmt.Errorf("find tool %q: not a plain command name", name)
	}
	var refused []error
	for _, dir := range toolDirs {
		rel := "/" + dir + "/" + name
		host := filepath.Join(root, rel)
		if _, err := os.Lstat(host); err != nil {
			continue
		}
		if ok, why := TrustFile(root, rel); !ok {
			refused = append(refused, errors.New(why))
			continue
		}
		return rel, nil
	}
	if len(refused) == 0 {
		return "", fmt.Errorf("%s is not installed (looked in /%s)", name, strings.Join(toolDirs, ", /"))
	}
	return "", fmt.Errorf("%s refused: %w", name, errors.Join(refused...))
}

// TrustFile reports whether ngx502, running as root, may execute rel (an
// in-box absolute path) under root: a regular file owned by root and not
// writable by group or others, reached only through directories and
// symlinks no one but root can change — probes/nginx's rule for binaries,
// applied to init scripts and manager tools. why says what is wrong.
func TrustFile(root, rel string) (ok bool, why string) { return filetrust.In(root, rel) }
