package logfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"
)

// Bounds of following a log: how often it is looked at, how long a line
// may grow before it is cut (nginx writes at most 2 KiB per error entry;
// access lines are longer but not unbounded), how much one poll reads.
const (
	FollowPoll   = 250 * time.Millisecond
	maxFollowBuf = 64 << 10
	maxPollRead  = 4 << 20
)

// Follow calls fn with every complete line written to path after the
// call, as nginx writes it, until ctx ends. It starts at the file's end,
// polls every poll (FollowPoll when 0) and follows rotation as tail -F
// does: when path names another file (inode changed: logrotate moved the
// old one and nginx reopened a new one), the old file is read to its end
// and the new one from its start; when the file shrank (copytruncate), it
// reads again from the start. Only regular files are read, never a FIFO
// or device put in the log's place. A line longer than 64 KiB is cut.
// A missing file is waited for. fn runs on Follow's goroutine.
func Follow(ctx context.Context, path string, poll time.Duration, fn func(line []byte)) error {
	if poll <= 0 {
		poll = FollowPoll
	}
	t := &tail{path: path, fn: fn}
	if err := t.open(true); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	defer t.close()
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		if err := t.poll(); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// tail is one followed path: the open file, where reading got to, and the
// unfinished last line.
type tail struct {
	path    string
	fn      func([]byte)
	f       *os.File
	ino     uint64
	off     int64
	partial []byte
}

// open opens path; atEnd starts at its current end (the first open only).
func (t *tail) open(atEnd bool) error {
	f, err := os.OpenFile(t.path, openFlags, 0)
	if err != nil {
		return fmt.Errorf("follow %s: %w", t.path, err)
	}
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		f.Close()
		if err == nil {
			err = fmt.Errorf("%w (%s)", ErrNotFile, FileKind(info.Mode()))
		}
		return fmt.Errorf("follow %s: %w", t.path, err)
	}
	t.f, t.ino, t.off, t.partial = f, inode(info), 0, t.partial[:0]
	if atEnd {
		t.off = info.Size()
	}
	return nil
}

func (t *tail) close() {
	if t.f != nil {
		t.f.Close()
		t.f = nil
	}
}

// poll reads what was added since the last poll and follows a rotation.
func (t *tail) poll() error {
	if t.f == nil {
		if err := t.open(false); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil // not there (yet): wait
			}
			return err
		}
	}
	if info, err := t.f.Stat(); err == nil && info.Size() < t.off {
		t.off, t.partial = 0, t.partial[:0] // truncated in place
	}
	if err := t.drain(); err != nil {
		return err
	}
	info, err := os.Stat(t.path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil // moved away, the new one not created yet: keep the old one
	case err != nil:
		return fmt.Errorf("follow %s: %w", t.path, err)
	case inode(info) != t.ino:
		t.close() // rotated: the old file is read to its end, now the new one
		if err := t.open(false); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if t.f != nil {
			return t.drain()
		}
	}
	return nil
}

// drain reads from off to the file's end (bounded per poll) and hands out
// complete lines.
func (t *tail) drain() error {
	buf := make([]byte, 64<<10)
	for read := 0; read < maxPollRead; {
		n, err := t.f.ReadAt(buf, t.off)
		t.off += int64(n)
		read += n
		t.lines(buf[:n])
		if errors.Is(err, io.EOF) || n == 0 {
			return nil
		}
		if err != nil {
			return fmt.Errorf("follow %s: %w", t.path, err)
		}
	}
	return nil
}

// lines splits b at newlines, joining the partial line of the last read.
func (t *tail) lines(b []byte) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			t.keep(b)
			return
		}
		t.keep(b[:i])
		t.fn(t.partial) // a line over the bound arrives cut
		t.partial = t.partial[:0]
		b = b[i+1:]
	}
}

// keep appends to the partial line up to the bound.
func (t *tail) keep(b []byte) {
	if room := maxFollowBuf - len(t.partial); room > 0 {
		t.partial = append(t.partial, b[:min(room, len(b))]...)
	}
}

// inode is the file's inode number: a new one means a new file.
func inode(info os.FileInfo) uint64 {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return st.Ino
	}
	return 0
}
