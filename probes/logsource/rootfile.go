package logsource

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// readInRoot reads root/names… (root is a process's /proc/PID/root)
// without following any symlink inside it: a container's files are its
// owner's to change, and an absolute symlink there would resolve on the
// host, where ngx502 runs as root. Only a regular file is read, up to limit.
func readInRoot(root string, limit int64, names ...string) ([]byte, error) {
	fd, err := openInRoot(root, names)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), root)
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", root, err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("read %s/%v: not a regular file", root, names)
	}
	return io.ReadAll(io.LimitReader(f, limit))
}

// isRegularNoFollow reports whether root/names… is a regular file,
// reached without following symlinks below root.
func isRegularNoFollow(root string, names ...string) bool {
	fd, err := openInRoot(root, names)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	return unix.Fstat(fd, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFREG
}

// openInRoot opens root (following it: /proc/PID/root is a magic link
// into the process's root), then each name with O_NOFOLLOW, non-blocking.
func openInRoot(root string, names []string) (int, error) {
	dir, err := unix.Open(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open %s: %w", root, err)
	}
	for i, name := range names {
		flags := unix.O_NOFOLLOW | unix.O_CLOEXEC
		if i < len(names)-1 {
			flags |= unix.O_PATH | unix.O_DIRECTORY
		} else {
			flags |= unix.O_RDONLY | unix.O_NONBLOCK | unix.O_NOCTTY
		}
		next, err := unix.Openat(dir, name, flags, 0)
		unix.Close(dir)
		if err != nil {
			return -1, fmt.Errorf("open %s/%s: %w", root, name, err)
		}
		dir = next
	}
	return dir, nil
}
