// Package fastcgi sends one FastCGI request the way nginx's fastcgi_pass does (php-fpm and
// friends) and reports the status, output, stderr, and where it failed.
package fastcgi

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
)

// Record types from the FastCGI 1.0 specification.
const (
	TypeBeginRequest    uint8 = 1
	TypeAbortRequest    uint8 = 2
	TypeEndRequest      uint8 = 3
	TypeParams          uint8 = 4
	TypeStdin           uint8 = 5
	TypeStdout          uint8 = 6
	TypeStderr          uint8 = 7
	TypeData            uint8 = 8
	TypeGetValues       uint8 = 9
	TypeGetValuesResult uint8 = 10
	TypeUnknownType     uint8 = 11
)

// Version1 is the only FastCGI protocol version.
const Version1 uint8 = 1

// headerLen is the fixed size of a record header.
const headerLen = 8

// roleResponder is the only role nginx uses.
const roleResponder = 1

// Record is one FastCGI record: an 8-byte header, content, and padding.
type Record struct {
	Version   uint8
	Type      uint8
	RequestID uint16
	Content   []byte
	Padding   uint8 // padding length; the padding bytes themselves carry nothing
}

// VersionError is a record whose version byte is not 1: the peer does not speak FastCGI.
// nginx logs it as "upstream sent unsupported FastCGI protocol version: 72".
type VersionError struct{ Version uint8 }

// Error names the version and, where the byte gives it away, the protocol spoken instead.
func (e *VersionError) Error() string {
	s := fmt.Sprintf("unsupported FastCGI protocol version: %d", e.Version)
	switch e.Version {
	case 'H':
		s += " (the peer speaks HTTP: 72 is the 'H' of \"HTTP/1.1\")"
	case 0x15, 0x16:
		s += " (the peer speaks TLS)"
	}
	return s
}

// ErrTruncated means the bytes end inside a record.
var ErrTruncated = errors.New("truncated FastCGI record")

// ParseRecords decodes a complete byte stream of records. It stops at the first record
// that is not version 1 (a *VersionError) or does not fit (ErrTruncated), returning the
// records decoded before it.
func ParseRecords(b []byte) ([]Record, error) {
	var recs []Record
	for len(b) > 0 {
		if len(b) < headerLen {
			return recs, ErrTruncated
		}
		rec, clen, plen, err := decodeHeader(b[:headerLen])
		if err != nil {
			return recs, err
		}
		total := headerLen + clen + plen
		if len(b) < total {
			return recs, ErrTruncated
		}
		rec.Content = append([]byte(nil), b[headerLen:headerLen+clen]...)
		recs = append(recs, rec)
		b = b[total:]
	}
	return recs, nil
}

// decodeHeader reads the 8-byte header; Content is left empty.
func decodeHeader(h []byte) (rec Record, contentLen, paddingLen int, err error) {
	rec = Record{Version: h[0], Type: h[1], RequestID: binary.BigEndian.Uint16(h[2:4]), Padding: h[6]}
	if rec.Version != Version1 {
		return rec, 0, 0, &VersionError{Version: rec.Version}
	}
	return rec, int(binary.BigEndian.Uint16(h[4:6])), int(h[6]), nil
}

// readRecord reads one record from r, content included.
func readRecord(r io.Reader) (Record, error) {
	var h [headerLen]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return Record{}, err
	}
	rec, clen, plen, err := decodeHeader(h[:])
	if err != nil {
		return rec, err
	}
	body := make([]byte, clen+plen)
	if _, err := io.ReadFull(r, body); err != nil {
		return rec, fmt.Errorf("record type %d: %w", rec.Type, noEOF(err))
	}
	rec.Content = body[:clen]
	return rec, nil
}

// noEOF turns a clean EOF inside a record into ErrUnexpectedEOF: the record was cut.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// AppendRecord encodes rec after dst, padding the content to a multiple of 8 bytes as
// nginx does (rec.Padding is ignored). Content longer than 65535 bytes is the caller's
// to split.
func AppendRecord(dst []byte, rec Record) []byte {
	clen := len(rec.Content)
	pad := (8 - clen%8) % 8
	dst = append(dst, rec.Version, rec.Type, byte(rec.RequestID>>8), byte(rec.RequestID),
		byte(clen>>8), byte(clen), byte(pad), 0)
	dst = append(dst, rec.Content...)
	return append(dst, make([]byte, pad)...)
}

// appendStream encodes content as records of type typ (at most 65535 bytes each, a
// multiple of 8 so no padding is wasted mid-stream), then the empty record that ends it.
func appendStream(dst []byte, typ uint8, id uint16, content []byte) []byte {
	const maxChunk = 65528
	for len(content) > 0 {
		n := min(len(content), maxChunk)
		dst = AppendRecord(dst, Record{Version: Version1, Type: typ, RequestID: id, Content: content[:n]})
		content = content[n:]
	}
	return AppendRecord(dst, Record{Version: Version1, Type: typ, RequestID: id})
}

// appendLineEnds appends an empty record of type typ padded with 8 bytes of "\r\n".
// FastCGI peers skip padding (any length up to 255 is valid), but a line-based server
// on the port (HTTP, SMTP, Redis) now sees its request end and answers with a line of
// its own, so its protocol shows in the first byte instead of as a silent timeout.
func appendLineEnds(dst []byte, typ uint8, id uint16) []byte {
	dst = append(dst, Version1, typ, byte(id>>8), byte(id), 0, 0, 8, 0)
	return append(dst, "\r\n\r\n\r\n\r\n"...)
}

// encodeParams encodes name-value pairs in sorted order (stable bytes for a stable
// request): lengths below 128 take one byte, longer ones four with the top bit set.
func encodeParams(params map[string]string) []byte {
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	sort.Strings(names)
	var b []byte
	for _, k := range names {
		b = appendLen(b, len(k))
		b = appendLen(b, len(params[k]))
		b = append(b, k...)
		b = append(b, params[k]...)
	}
	return b
}

func appendLen(b []byte, n int) []byte {
	if n < 128 {
		return append(b, byte(n))
	}
	return binary.BigEndian.AppendUint32(b, uint32(n)|1<<31)
}

// beginRequest is the BEGIN_REQUEST body: role responder, flags 0 (keep_conn off, so the
// application closes the connection after END_REQUEST, as with nginx's default).
func beginRequest() []byte {
	return []byte{0, roleResponder, 0, 0, 0, 0, 0, 0}
}

// endRequest decodes an END_REQUEST body: the application's exit status and the
// protocol status (0 complete, 1 cannot multiplex, 2 overloaded, 3 unknown role).
func endRequest(content []byte) (appStatus uint32, protocolStatus uint8, err error) {
	if len(content) < 8 {
		return 0, 0, fmt.Errorf("END_REQUEST body of %d bytes, want 8", len(content))
	}
	return binary.BigEndian.Uint32(content[:4]), content[4], nil
}
