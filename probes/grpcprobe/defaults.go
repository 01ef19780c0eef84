package grpcprobe

import (
	"errors"
	"fmt"
	"strings"

	"ngx502/probes/explain"
)

// userAgent names ngx502's direct probes in a backend's own logs.
const userAgent = "ngx502-probe"

// withDefaults fills in what an empty field means.
func withDefaults(r Request) Request {
	if r.Network == "" {
		r.Network = "tcp"
	}
	if r.Scheme == "" {
		r.Scheme = "grpc"
	}
	if r.Host == "" {
		r.Host = "localhost"
	}
	if r.Path == "" {
		r.Path = HealthPath
	} else if !strings.HasPrefix(r.Path, "/") {
		r.Path = "/" + r.Path
	}
	return r
}

// urlHost is a Host value usable in a URL; the probe dials the address anyway.
func urlHost(h string) string {
	if h == "" || strings.ContainsAny(h, "/?#@ ") {
		return "localhost"
	}
	return h
}

// NotHTTP2Error is a server whose first bytes cannot start HTTP/2.
type NotHTTP2Error struct {
	Head []byte // what it sent first (up to 64 bytes)
	Err  error  // the transport's error
}

// Error says what the server answered instead.
func (e *NotHTTP2Error) Error() string {
	return "not HTTP/2: " + answered(e.Head)
}

// Unwrap returns the transport's error.
func (e *NotHTTP2Error) Unwrap() error { return e.Err }

// answered describes a peer's first bytes in words.
func answered(head []byte) string {
	switch {
	case len(head) > 0 && (head[0] == 0x15 || head[0] == 0x16):
		return "it answered with a TLS record (the port speaks TLS: use grpcs://)"
	case len(head) >= 5 && string(head[:5]) == "HTTP/":
		line, _, _ := strings.Cut(string(head), "\r\n")
		line, _, _ = strings.Cut(line, "\n")
		return fmt.Sprintf("it answered %q (HTTP/1.x)", line)
	}
	return fmt.Sprintf("it answered %q", explain.Printable(head))
}

// frameLength is the 24-bit length nginx reads from the first 3 bytes of what it takes
// for a frame header: "HTTP/1.1" becomes "upstream sent too large http2 frame: 4740180".
func frameLength(head []byte) (int, error) {
	if len(head) < 3 {
		return 0, errors.New("fewer than 3 bytes")
	}
	return int(head[0])<<16 | int(head[1])<<8 | int(head[2]), nil
}
