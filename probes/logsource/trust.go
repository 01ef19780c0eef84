package logsource

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// maxSymlinks bounds symlink resolution, as the kernel's ELOOP does.
const maxSymlinks = 40

// untrustedBinary says why ngx502, running as root, must not execute abs,
// or "" when it may: a regular file owned by root and writable by no one
// else, reached only through directories (and symlinks) only root can
// change. It is the same rule as probes/nginx's TrustBinary, kept here
// because sibling probes do not import each other.
func untrustedBinary(abs string) string {
	if !filepath.IsAbs(abs) {
		return abs + " is not an absolute path"
	}
	cur := "/"
	curInfo, err := os.Lstat(cur)
	if err != nil {
		return fmt.Sprintf("cannot stat /: %v", err)
	}
	todo := splitPath(abs)
	for links := 0; len(todo) > 0; {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			// cur never holds a symlink, so its lexical parent is its real one.
			cur = filepath.Dir(cur)
			if curInfo, err = os.Lstat(cur); err != nil {
				return fmt.Sprintf("cannot stat %s: %v", cur, err)
			}
			continue
		}
		next := filepath.Join(cur, c)
		fi, err := os.Lstat(next)
		if err != nil {
			return fmt.Sprintf("cannot stat %s: %v", next, err)
		}
		if why := dirProblem(curInfo, fi); why != "" {
			return fmt.Sprintf("%s sits in %s, which %s", abs, cur, why)
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			if links++; links > maxSymlinks {
				return abs + ": too many symlinks"
			}
			target, err := os.Readlink(next)
			if err != nil {
				return fmt.Sprintf("cannot read symlink %s: %v", next, err)
			}
			if filepath.IsAbs(target) {
				cur = "/"
				if curInfo, err = os.Lstat(cur); err != nil {
					return fmt.Sprintf("cannot stat /: %v", err)
				}
			}
			todo = append(splitPath(target), todo...)
			continue
		}
		if len(todo) == 0 {
			return fileProblem(next, fi)
		}
		if !fi.IsDir() {
			return next + " is not a directory"
		}
		cur, curInfo = next, fi
	}
	return abs + " is not a regular file"
}

// splitPath splits a slash path into its components.
func splitPath(p string) []string { return strings.Split(strings.Trim(p, "/"), "/") }

// dirProblem says why a directory could be changed by someone other than
// root, or "". A group/other-writable dir is fine only when sticky and
// the entry in it belongs to root.
func dirProblem(dir, child fs.FileInfo) string {
	if uid := fileUID(dir); uid != 0 {
		return fmt.Sprintf("is owned by uid %d, not root", uid)
	}
	w := writableBy(dir)
	switch {
	case w == "":
		return ""
	case dir.Mode()&fs.ModeSticky == 0:
		return "is writable by " + w
	case fileUID(child) != 0:
		return fmt.Sprintf("is writable by %s, and %s in it is owned by uid %d", w, child.Name(), fileUID(child))
	}
	return ""
}

// fileProblem says why the binary at p is not safe to run, or "".
func fileProblem(p string, info fs.FileInfo) string {
	if !info.Mode().IsRegular() {
		return p + " is not a regular file"
	}
	if uid := fileUID(info); uid != 0 {
		return fmt.Sprintf("%s is owned by uid %d, not root", p, uid)
	}
	if w := writableBy(info); w != "" {
		return fmt.Sprintf("%s is writable by %s", p, w)
	}
	return ""
}

// writableBy names who besides the owner may write, or "".
func writableBy(info fs.FileInfo) string {
	perm := info.Mode().Perm()
	switch {
	case perm&0o022 == 0o022:
		return "group and others"
	case perm&0o020 != 0:
		return "group"
	case perm&0o002 != 0:
		return "others"
	}
	return ""
}

// fileUID is the owner of info; -1 when the platform does not say.
func fileUID(info fs.FileInfo) int {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid)
	}
	return -1
}
