package postmortem

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// errNotRegular is wrapped when a path names anything but a regular file.
var errNotRegular = errors.New("not a regular file")

// Tail returns the lines in the last maxBytes of the regular file at path,
// oldest first: a line cut by the window's start is left out, each line is
// cut at 8 KiB, and NUL bytes are removed; other bytes are as the file has
// them. A FIFO, device or directory is refused without being read.
func Tail(path string, maxBytes int64) ([]string, error) {
	b, err := tailBytes(path, maxBytes)
	if err != nil {
		return nil, err
	}
	var lines []string
	eachLine(bytes.NewReader(b), func(line string) bool {
		lines = append(lines, line)
		return true
	})
	return lines, nil
}

// tailBytes reads the last maxBytes of the regular file at path, starting
// after the first line end when the window does not start the file.
func tailBytes(path string, maxBytes int64) ([]byte, error) {
	if maxBytes <= 0 {
		return nil, fmt.Errorf("tail %s: %d bytes is not a positive bound", path, maxBytes)
	}
	f, size, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	start := max(0, size-maxBytes)
	b, err := io.ReadAll(io.LimitReader(io.NewSectionReader(f, start, maxBytes), maxBytes))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if start > 0 {
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		} else {
			b = nil // one line longer than the window: none of it is whole
		}
	}
	return b, nil
}

// readRegular reads at most limit bytes of the regular file at path.
func readRegular(path string, limit int64) ([]byte, error) {
	f, _, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("read %s: larger than %d bytes", path, limit)
	}
	return b, nil
}

// openRegular opens path for reading without blocking on a FIFO or taking
// a terminal, and refuses anything that is not a regular file.
func openRegular(path string) (*os.File, int64, error) {
	if strings.IndexByte(path, 0) >= 0 {
		return nil, 0, fmt.Errorf("open %q: NUL in path", path)
	}
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, 0, fmt.Errorf("open %s: %w", path, err)
	}
	f := os.NewFile(uintptr(fd), path)
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("stat %s: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("read %s: %w (%s)", path, errNotRegular, info.Mode().Type())
	}
	return f, info.Size(), nil
}
