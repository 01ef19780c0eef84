package logsource

import (
	"path/filepath"

	"ngx502/probes/filetrust"
)

// maxSymlinks bounds symlink resolution, as the kernel's ELOOP does.
const maxSymlinks = 40

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
