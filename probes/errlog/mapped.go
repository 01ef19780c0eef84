//go:build unix

package errlog

import (
	"io"
	"os"
	"syscall"
)

// A chunk of a plain file is classified from a read-only mapping of its
// bytes rather than read into a buffer: the kernel's copy of the page
// cache was an eighth of the CPU time of a 1 GiB log, and the parser
// touches every byte once either way. A mapping lives for one chunk, so
// resident memory stays a few chunks whatever the file's size.

// mapping is a chunk's bytes mapped from its file.
type mapping struct {
	f    *os.File
	mem  []byte // the whole mapping, from a page boundary
	data []byte // the chunk's bytes
	end  int64  // the chunk's end in the file
}

// mapChunk maps bytes [start, end) of ra, or returns nil when it cannot
// (ra is not a section of an *os.File, the file no longer holds them,
// mmap fails): the caller reads them instead.
func mapChunk(ra io.ReaderAt, start, end int64) *mapping {
	sec, ok := ra.(*io.SectionReader)
	if !ok || end <= start {
		return nil
	}
	outer, base, _ := sec.Outer()
	f, ok := outer.(*os.File)
	if !ok {
		return nil
	}
	m := &mapping{f: f, end: base + end}
	if !m.intact() {
		return nil
	}
	off := base + start
	page := int64(os.Getpagesize())
	from := off &^ (page - 1)
	raw, err := f.SyscallConn()
	if err != nil {
		return nil
	}
	var merr error
	if err := raw.Control(func(fd uintptr) {
		m.mem, merr = syscall.Mmap(int(fd), from, int(m.end-from), syscall.PROT_READ, syscall.MAP_SHARED|syscall.MAP_POPULATE)
	}); err != nil || merr != nil {
		return nil
	}
	m.data = m.mem[off-from:]
	return m
}

// intact reports whether the file still holds the whole chunk: past its
// end a mapping reads zeros to the end of the page, then faults, where a
// read stops short.
func (m *mapping) intact() bool {
	info, err := m.f.Stat()
	return err == nil && info.Size() >= m.end
}

// unmap releases the mapping; nothing may point into it afterwards.
func (m *mapping) unmap() { _ = syscall.Munmap(m.mem) }
