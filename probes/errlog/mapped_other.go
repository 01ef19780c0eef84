//go:build !unix

package errlog

import "io"

// mapping is a chunk's bytes mapped from its file: never, here.
type mapping struct{ data []byte }

// mapChunk returns nil: the caller reads the chunk.
func mapChunk(io.ReaderAt, int64, int64) *mapping { return nil }

// intact is never asked.
func (m *mapping) intact() bool { return false }

// unmap has nothing to release.
func (m *mapping) unmap() {}
