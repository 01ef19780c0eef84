package logfile

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// openFlags never block: O_NONBLOCK so a FIFO put in the log's place opens
// at once (it is refused after fstat), O_NOCTTY so a tty never becomes ours.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK | syscall.O_NOCTTY | syscall.O_CLOEXEC

// Reader reads one log file up to its size at open, decompressing .gz.
// nginx may keep appending faster than a parser reads, and chasing a live
// writer's end once read 2.4 GB: what comes later belongs to the next run.
type Reader struct {
	r    io.Reader
	f    *os.File
	zr   *gzip.Reader
	size int64
}

// Open opens f for reading: a regular file only (checked with fstat on
// the opened descriptor, so a FIFO or device swapped in since Find is
// refused with ErrNotFile), limited to the size fstat gave; a .gz file is
// streamed through gzip with the compressed source so limited.
func Open(f File) (*Reader, error) {
	fd, err := os.OpenFile(f.Path, openFlags, 0)
	if err != nil {
		return nil, fmt.Errorf("cannot read log: %w", err)
	}
	info, err := fd.Stat()
	if err != nil {
		fd.Close()
		return nil, fmt.Errorf("cannot read log: %w", err)
	}
	if !info.Mode().IsRegular() {
		fd.Close()
		return nil, fmt.Errorf("%s: %w (%s): not read", f.Path, ErrNotFile, FileKind(info.Mode()))
	}
	r := &Reader{f: fd, size: info.Size()}
	r.r = io.LimitReader(fd, r.size)
	if !f.Compressed() {
		return r, nil
	}
	zr, err := gzip.NewReader(r.r)
	if err != nil {
		fd.Close()
		return nil, fmt.Errorf("cannot read log %s: %w", f.Path, err)
	}
	r.r, r.zr = zr, zr
	return r, nil
}

// Read reads the (decompressed) bytes present at open.
func (r *Reader) Read(p []byte) (int, error) { return r.r.Read(p) }

// Size is the file's size on disk at open (compressed for .gz): all that is read.
func (r *Reader) Size() int64 { return r.size }

// Section gives random access to an uncompressed file's bytes present at
// open, for readers that split a big file into chunks; nil for .gz.
// It shares the descriptor, so it is valid until Close.
func (r *Reader) Section() *io.SectionReader {
	if r.zr != nil {
		return nil
	}
	return io.NewSectionReader(r.f, 0, r.size)
}

// Close closes the decompressor, if any, and the file.
func (r *Reader) Close() error {
	var zerr error
	if r.zr != nil {
		zerr = r.zr.Close()
	}
	return errors.Join(zerr, r.f.Close())
}
