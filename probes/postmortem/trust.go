package postmortem

import (
	"fmt"
	"path/filepath"
	"strings"

	"ngx502/probes/filetrust"
)

// untrustedBinary says why ngx502, running as root, must not execute abs,
// or "" when it may (filetrust.Binary's rule).
func untrustedBinary(abs string) string {
	if !filepath.IsAbs(abs) {
		return abs + " is not an absolute path"
	}
	if ok, why := filetrust.Binary(abs); !ok {
		return why
	}
	return ""
}

// firstTrusted returns the first of paths untrustedBinary accepts; the
// error says why each was refused.
func firstTrusted(what string, paths []string) (string, error) {
	var whys []string
	for _, p := range paths {
		why := untrustedBinary(p)
		if why == "" {
			return p, nil
		}
		whys = append(whys, why)
	}
	return "", fmt.Errorf("no %s ngx502 may run as root: %s", what, strings.Join(whys, "; "))
}
