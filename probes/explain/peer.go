package explain

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

// DefaultBufferSize is nginx's proxy_buffer_size (and uwsgi_, scgi_, grpc_…) on x86,
// one memory page: a larger response header makes nginx log "upstream sent too big
// header".
const DefaultBufferSize = 4 << 10

// Peer is how one probe names its upstream in the sentences it shares with the
// others. The hints name the upstream's own setting and are "" or start with a space.
type Peer struct {
	Module      string // nginx's directive prefix: "proxy", "grpc", "uwsgi", "scgi", "fastcgi"
	Name        string // who should answer: "the backend", "the server", "the application"
	Scheme      string // the scheme without TLS, for a TLS probe's advice: "http", "grpc"
	RefusedHint string // after "the socket … exists but no process accepts on it"
	MissingHint string // after "… is not running or listens elsewhere"
	QueueHint   string // after "… does not accept fast enough"
	ModeHint    string // after "check the socket's mode/owner"
}

// Where names an address as nginx's error log does: "unix:/run/app.sock" for a
// socket, host:port otherwise.
func Where(network, address string) string {
	if network == "unix" {
		return "unix:" + address
	}
	return address
}

// Cancelled says that the probe was stopped (Ctrl+C) during phase.
func Cancelled(where, phase string) string {
	return fmt.Sprintf("probe of %s cancelled during %s", where, phase)
}

// Answered says which status came back and how fast.
func Answered(where string, status int, took time.Duration) string {
	return fmt.Sprintf("%s answered %d %s in %s", where, status, http.StatusText(status), Round(took))
}

// BigHeader notes a response header larger than nginx's default buffer, "" otherwise.
func (p Peer) BigHeader(headerBytes int) string {
	if headerBytes <= DefaultBufferSize {
		return ""
	}
	return fmt.Sprintf("; its response header is %d bytes, more than nginx's default %s_buffer_size of 4 KiB (\"upstream sent too big header\")", headerBytes, p.Module)
}

// NotSent says that the connection was made but the request could not be written.
func NotSent(where string, err error) string {
	return fmt.Sprintf("%s accepted the connection but the request could not be sent: %v", where, err)
}

// CutOff says that the body ended early, after bodyBytes.
func CutOff(where string, status, bodyBytes int, err error) string {
	return fmt.Sprintf("%s answered %d but the body was cut off after %d bytes: %v", where, status, bodyBytes, err)
}

// ConnectTimer says that the connect took longer than nginx's *_connect_timeout.
func (p Peer) ConnectTimer(took, limit time.Duration) string {
	return fmt.Sprintf("; the connect took %s, longer than %s_connect_timeout %s: nginx gives up first (\"upstream timed out\", 504)", Round(took), p.Module, Round(limit))
}

// ReadTimer says that the upstream went silent between two reads for longer than
// nginx's *_read_timeout, which nginx re-arms after each read.
func (p Peer) ReadTimer(silent, limit time.Duration) string {
	return fmt.Sprintf("; %s went silent for %s between two reads, longer than %s_read_timeout %s: nginx gives up first (\"upstream timed out\", 504 before the header)", p.Name, Round(silent), p.Module, Round(limit))
}

// IsTimeout reports a deadline, from the context or the socket. syscall.EAGAIN also
// reports itself as a timeout: test for it first where it can happen.
func IsTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
}

// Round keeps durations readable: 3ms, 1.2s.
func Round(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(100 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(time.Millisecond)
	}
	return d.Round(time.Microsecond)
}

// Size renders a byte count the way an admin reads it: 65 KiB, 812 B.
func Size(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", (n+512)>>10)
	}
	return fmt.Sprintf("%d B", n)
}

// Printable keeps the first 40 bytes of what a peer sent, for a %q that escapes the
// control bytes.
func Printable(b []byte) string {
	if len(b) > 40 {
		b = b[:40]
	}
	return string(b)
}
