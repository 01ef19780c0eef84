// Package filetrust decides whether ngx502, running as root, may run a
// binary or believe a file: owned by root, not writable by group or
// others, reached only through directories (and symlinks) no one but root
// can change. It is a library shared by the probes that run programs
// (nginx, journalctl, service managers), not a probe.
package filetrust

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

// Binary reports whether ngx502, running as root, may execute path: a
// regular file owned by root and not writable by group or others, reached
// only through directories (and symlinks) no one but root can change. why
// says in plain words what is wrong when ok is false.
func Binary(path string) (ok bool, why string) {
	if path == "" {
		return false, "no binary named"
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return false, fmt.Sprintf("cannot make %s absolute: %v", path, err)
	}
	return In("/", abs)
}

// In is Binary for rel, an absolute path inside the box rooted at root (a
// container's or a test's tree): an absolute symlink target resolves
// under root again, and root's own parents are checked too.
func In(root, rel string) (ok bool, why string) {
	if !strings.HasPrefix(rel, "/") {
		return false, fmt.Sprintf("%q is not an absolute path", rel)
	}
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return false, fmt.Sprintf("cannot make %s absolute: %v", root, err)
	}
	why = walkTrusted(absRoot, rel, true)
	return why == "", why
}

// File is Binary's rule for a file root reads and believes rather than
// runs (a config file, a module nginx loads): it need not be executable.
func File(path string) (ok bool, why string) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false, fmt.Sprintf("cannot make %s absolute: %v", path, err)
	}
	why = walkTrusted("/", abs, false)
	return why == "", why
}

// walkTrusted resolves rel under root one component at a time from "/",
// checking each directory before trusting what it holds; "" means trusted.
// An absolute symlink target restarts the walk at root, so a fake root keeps
// its own layout and its parents are checked again.
func walkTrusted(root, rel string, exec bool) string {
	rootParts := splitPath(root)
	todo := append(append([]string{}, rootParts...), splitPath(rel)...)
	cur := "/"
	curInfo, err := os.Lstat(cur)
	if err != nil {
		return fmt.Sprintf("cannot stat /: %v", err)
	}
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
		if why := dirProblem(cur, curInfo, next, fi); why != "" {
			return fmt.Sprintf("%s sits in %s, which %s", rel, cur, why)
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			if links++; links > maxSymlinks {
				return fmt.Sprintf("%s: too many symlinks", rel)
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
				todo = append(append(append([]string{}, rootParts...), splitPath(target)...), todo...)
				continue
			}
			todo = append(splitPath(target), todo...)
			continue
		}
		if len(todo) == 0 {
			return fileProblem(rel, fi, exec)
		}
		if !fi.IsDir() {
			return fmt.Sprintf("%s is not a directory", next)
		}
		cur, curInfo = next, fi
	}
	return fmt.Sprintf("%s is not a regular file", rel)
}

// splitPath splits a slash path into its components.
func splitPath(p string) []string { return strings.Split(strings.Trim(p, "/"), "/") }

// dirProblem says why dir (holding child) could be changed by someone other
// than root, or "". A group/other-writable dir is only fine when sticky (no
// one may replace another's entry) and child belongs to root.
func dirProblem(dir string, info fs.FileInfo, child string, childInfo fs.FileInfo) string {
	if uid := fileUID(info); uid != 0 {
		return fmt.Sprintf("is owned by uid %d, not root", uid)
	}
	w := writableBy(info)
	if w == "" {
		return ""
	}
	if info.Mode()&fs.ModeSticky == 0 {
		return "is writable by " + w
	}
	if uid := fileUID(childInfo); uid != 0 {
		return fmt.Sprintf("is writable by %s, and %s in it is owned by uid %d", w, filepath.Base(child), uid)
	}
	return ""
}

// fileProblem says why the file at p is not safe to run (exec) or to
// believe, or "".
func fileProblem(p string, info fs.FileInfo, exec bool) string {
	if !info.Mode().IsRegular() {
		return fmt.Sprintf("%s is not a regular file", p)
	}
	if uid := fileUID(info); uid != 0 {
		return fmt.Sprintf("%s is owned by uid %d, not root", p, uid)
	}
	if w := writableBy(info); w != "" {
		return fmt.Sprintf("%s is writable by %s", p, w)
	}
	if exec && info.Mode().Perm()&0o111 == 0 {
		return fmt.Sprintf("%s is not executable", p)
	}
	return ""
}

// writableBy names who besides the owner may write: "group", "others",
// "group and others", or "".
func writableBy(info fs.FileInfo) string {
	perm := info.Mode().Perm()
	switch {
	case perm&0o020 != 0 && perm&0o002 != 0:
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
