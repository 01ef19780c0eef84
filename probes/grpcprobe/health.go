package grpcprobe

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// healthRequest is an empty grpc.health.v1.HealthCheckRequest (service "": the whole
// server) in its 5-byte gRPC frame: not compressed, length 0.
const healthRequest = "\x00\x00\x00\x00\x00"

// servingName names a HealthCheckResponse.ServingStatus value.
func servingName(n uint64) string {
	switch n {
	case 0:
		return "UNKNOWN"
	case 1:
		return "SERVING"
	case 2:
		return "NOT_SERVING"
	case 3:
		return "SERVICE_UNKNOWN"
	}
	return fmt.Sprintf("ServingStatus(%d)", n)
}

// ErrCompressed is a response message with the compressed flag set; the probe offers no
// grpc-accept-encoding, so a server must not send one.
var ErrCompressed = errors.New("compressed gRPC message although no compression was offered")

// DecodeHealth reads the first length-prefixed message of a gRPC response body as a
// HealthCheckResponse and returns its status name ("SERVING", ...). Field 1 absent is
// proto3's zero value, UNKNOWN; other fields are skipped.
func DecodeHealth(body []byte) (string, error) {
	if len(body) < 5 {
		return "", fmt.Errorf("gRPC message frame cut short: %d of 5 prefix bytes", len(body))
	}
	if body[0] == 1 {
		return "", ErrCompressed
	}
	if body[0] != 0 {
		return "", fmt.Errorf("gRPC message frame with flag byte %d", body[0])
	}
	size := binary.BigEndian.Uint32(body[1:5])
	if uint64(len(body)-5) < uint64(size) {
		return "", fmt.Errorf("gRPC message frame cut short: %d of %d bytes", len(body)-5, size)
	}
	msg := body[5 : 5+int(size)]
	status := uint64(0)
	for len(msg) > 0 {
		key, n := binary.Uvarint(msg)
		if n <= 0 {
			return "", errors.New("HealthCheckResponse: bad field key")
		}
		msg = msg[n:]
		field, wire := key>>3, key&7
		var v uint64
		switch wire {
		case 0: // varint
			v, n = binary.Uvarint(msg)
		case 1: // 64-bit
			n = 8
		case 5: // 32-bit
			n = 4
		case 2: // length-delimited
			var l uint64
			l, n = binary.Uvarint(msg)
			if n > 0 && l <= uint64(len(msg)-n) {
				n += int(l)
			} else {
				n = -1
			}
		default:
			return "", fmt.Errorf("HealthCheckResponse: unsupported wire type %d", wire)
		}
		if n <= 0 || n > len(msg) {
			return "", fmt.Errorf("HealthCheckResponse: field %d cut short", field)
		}
		msg = msg[n:]
		if field == 1 && wire == 0 {
			status = v // the last value wins, as in protobuf
		}
	}
	return servingName(status), nil
}

// codeName is the name of a gRPC status code (grpc/codes).
func codeName(c int) string {
	names := [...]string{"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
		"ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
		"OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"}
	if c >= 0 && c < len(names) {
		return names[c]
	}
	return fmt.Sprintf("code %d", c)
}
