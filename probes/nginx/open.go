package nginx

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"syscall"

	"ngx502/probes/logfile"
)

// ErrNotRegular marks a config path that is a FIFO, device, socket or
// directory: reading one could block forever (FIFO) or never end (/dev/zero).
var ErrNotRegular = errors.New("not a regular file")

// ErrTooBig marks a file, or a whole include tree, past Load's size limits.
var ErrTooBig = errors.New("not read")

// readLimits bound what one Load reads, so a hostile tree cannot exhaust
// memory: nginx configs are kilobytes, these are far past any real one.
type readLimits struct {
	fileBytes int64 // one file
	treeBytes int64 // every file together
	files     int   // distinct files
}

// defaultReadLimits are used when LoadOptions carries none.
func defaultReadLimits() readLimits {
	return readLimits{fileBytes: 16 << 20, treeBytes: 64 << 20, files: 20000}
}

// openFlags never block: O_NONBLOCK so a FIFO without a writer opens at once
// (it is refused after fstat), O_NOCTTY so a tty never becomes ours.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK | syscall.O_NOCTTY | syscall.O_CLOEXEC

// readRegular reads path if it is a regular file of at most maxBytes.
func readRegular(path string, maxBytes int64) ([]byte, error) {
	f, err := os.OpenFile(path, openFlags, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w (%s); nginx reads only files", path, ErrNotRegular, logfile.FileKind(st.Mode()))
	}
	if st.Size() > maxBytes {
		return nil, tooLarge(path, maxBytes)
	}
	return readBounded(path, f, st.Size(), maxBytes)
}

// readBounded reads r to its end, failing past max bytes (a file may grow
// after fstat; a custom Open has no fstat at all). size is the expected
// length, to read into one buffer as os.ReadFile does.
func readBounded(path string, r io.Reader, size, maxBytes int64) ([]byte, error) {
	data := make([]byte, 0, min(max(size, 512), maxBytes)+1)
	lr := io.LimitReader(r, maxBytes+1)
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := lr.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
	}
	if int64(len(data)) > maxBytes {
		return nil, tooLarge(path, maxBytes)
	}
	return data, nil
}

func tooLarge(path string, maxBytes int64) error {
	return fmt.Errorf("%s: larger than %s, %w", path, sizeText(maxBytes), ErrTooBig)
}

// sizeText renders a limit: "16 MiB" for whole mebibytes, else bytes.
func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
