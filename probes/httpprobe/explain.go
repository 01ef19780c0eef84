package httpprobe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"time"
)

// defaultBufferSize is nginx's proxy_buffer_size on x86 (one memory page): a response
// header larger than this makes nginx log "upstream sent too big header".
const defaultBufferSize = 4 << 10

// Explain says in plain words what the probe saw, e.g. "connection refused: nothing
// listens on 127.0.0.1:8080" or "answered 200 OK in 3ms".
func Explain(r Result) string {
	t := r.Target
	where := t.Address
	if t.Network == "unix" {
		where = "unix:" + t.Address
	}
	if r.Err == nil {
		s := fmt.Sprintf("%s answered %d %s in %s", where, r.Status, http.StatusText(r.Status), round(r.Timing.Total))
		if r.HeaderBytes > defaultBufferSize {
			s += fmt.Sprintf("; it sent a response header of %s (nginx's default proxy_buffer_size is 4 KiB)", size(r.HeaderBytes))
		}
		return s + timerNote(r)
	}
	err := r.Err
	switch {
	case errors.Is(err, context.Canceled):
		return fmt.Sprintf("probe of %s cancelled during %s", where, r.Phase)
	case r.Phase == PhaseDNS:
		return fmt.Sprintf("cannot resolve %s: %v", t.Address, err)
	case r.Phase == PhaseConnect:
		return explainConnect(r, where) + timerNote(r)
	case r.Phase == PhaseTLS:
		return explainTLS(r, where) + timerNote(r)
	case r.Phase == PhaseWrite:
		return fmt.Sprintf("%s accepted the connection but the request could not be sent: %v", where, err)
	case r.Phase == PhaseBody:
		return fmt.Sprintf("%s answered %d but the body was cut off after %d bytes: %v", where, r.Status, r.BodyBytes, err) + timerNote(r)
	}
	return explainHeader(r, where) + timerNote(r)
}

// explainHeader says what went wrong between the request and the end of the header.
func explainHeader(r Result, where string) string {
	err := r.Err
	switch {
	case isTimeout(err) && r.HeaderBytes > 0:
		return fmt.Sprintf("%s sent only %d bytes of a response header within %s", where, r.HeaderBytes, round(r.Timeout))
	case isTimeout(err):
		return fmt.Sprintf("%s sent no response header within %s", where, round(r.Timeout))
	case errors.Is(err, ErrHeaderTooBig):
		return fmt.Sprintf("%s sent a response header of more than 1 MiB (%s received)", where, size(r.HeaderBytes))
	case errors.Is(err, ErrNotHTTP):
		return notHTTP(where, r.Received)
	case errors.Is(err, ErrInvalidHeader):
		return fmt.Sprintf("%s sent a response header nginx rejects: %v", where, err)
	case errors.Is(err, syscall.ECONNRESET) && r.HeaderBytes > 0:
		return fmt.Sprintf("%s reset the connection (RST) after %d bytes of the response header", where, r.HeaderBytes)
	case errors.Is(err, syscall.ECONNRESET):
		return fmt.Sprintf("%s reset the connection (RST) before sending any byte of a response", where)
	case strings.Contains(err.Error(), "remote error: tls"):
		// With TLS 1.3 a server refuses a missing client certificate after the handshake.
		return fmt.Sprintf("%s ended the TLS session with an alert instead of answering (%v): a missing or refused client certificate (proxy_ssl_certificate)?", where, err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Sprintf("%s closed the connection in the middle of the response header (%d bytes received)", where, r.HeaderBytes)
	case errors.Is(err, io.EOF):
		return fmt.Sprintf("%s closed the connection before sending a response", where)
	}
	return fmt.Sprintf("%s: reading the response header failed: %v", where, err)
}

// timerNote adds which nginx timer would have fired, when one would have.
func timerNote(r Result) string {
	switch r.Exceeded {
	case ExceededConnect:
		return fmt.Sprintf("; nginx would have given up: connecting took %s, more than proxy_connect_timeout %s", round(r.Waited), round(r.Target.ConnectTimeout))
	case ExceededRead:
		return fmt.Sprintf("; nginx would have given up: the backend was silent for %s between two reads, more than proxy_read_timeout %s", round(r.Waited), round(r.Target.ReadTimeout))
	}
	return ""
}

// explainConnect names the errno the way nginx's "connect() failed (111: …)" does.
func explainConnect(r Result, where string) string {
	err := r.Err
	unix := r.Target.Network == "unix"
	switch {
	// Before isTimeout: syscall.EAGAIN.Timeout() is true, but nothing timed out.
	case errors.Is(err, syscall.EAGAIN) && unix:
		return fmt.Sprintf("the socket's accept queue is full (EAGAIN): the backend accepts no more connections on %s", r.Target.Address)
	case errors.Is(err, syscall.ECONNREFUSED) && unix:
		return fmt.Sprintf("connection refused: the socket %s exists but no process accepts on it", r.Target.Address)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("connection refused: nothing listens on %s", r.Target.Address)
	case errors.Is(err, syscall.ENOENT):
		return fmt.Sprintf("no socket at %s: the backend is not running or listens elsewhere", r.Target.Address)
	case errors.Is(err, syscall.EACCES) || errors.Is(err, os.ErrPermission):
		return fmt.Sprintf("permission denied connecting to %s: check the socket's mode/owner and its directories", where)
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return fmt.Sprintf("no route to %s: %v", where, err)
	case isTimeout(err):
		return fmt.Sprintf("no answer to the connection attempt to %s within %s (host down or a firewall drops packets)", where, round(r.Timeout))
	}
	return fmt.Sprintf("cannot connect to %s: %v", where, err)
}

// explainTLS recognises the handshake failures of R14 (SNI, plain port, certificates).
func explainTLS(r Result, where string) string {
	err := r.Err
	var rec tls.RecordHeaderError
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	var file *FileError
	var depth *DepthError
	switch {
	case errors.As(err, &rec):
		return fmt.Sprintf("%s does not speak TLS (it answered %q): use http:// or the TLS port", where, printable(rec.RecordHeader[:]))
	case errors.As(err, &file):
		return file.Error()
	case errors.As(err, &depth):
		return fmt.Sprintf("TLS to %s: %v (nginx logs \"upstream SSL certificate verify error: (20:unable to get local issuer certificate)\")", where, depth)
	case errors.As(err, &unknown):
		return fmt.Sprintf("TLS to %s: certificate signed by an unknown authority (nginx only checks with proxy_ssl_verify on)", where)
	case errors.As(err, &host):
		return fmt.Sprintf("TLS to %s: certificate is not valid for %q (proxy_ssl_name; nginx logs \"upstream SSL certificate does not match\")", where, host.Host)
	case errors.As(err, &invalid):
		return fmt.Sprintf("TLS to %s: %v", where, invalid)
	case strings.Contains(err.Error(), "remote error: tls") && r.Target.ServerName == "":
		// The alert type crypto/tls returns for a peer's alert is unexported.
		return fmt.Sprintf("TLS handshake with %s refused without SNI (%v): the server may need proxy_ssl_server_name on", where, err)
	case isTimeout(err):
		return fmt.Sprintf("TLS handshake with %s did not finish within %s (plain-HTTP port?)", where, round(r.Timeout))
	case errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET):
		return fmt.Sprintf("%s closed the connection during the TLS handshake (often: SNI missing or not accepted)", where)
	}
	return fmt.Sprintf("TLS handshake with %s failed: %v", where, err)
}

// notHTTP describes what a non-HTTP peer sent.
func notHTTP(where string, head []byte) string {
	switch {
	case len(head) > 0 && (head[0] == 0x15 || head[0] == 0x16):
		return fmt.Sprintf("not HTTP: %s answered with a TLS record; it is a TLS port, use https://", where)
	case len(head) > 0 && head[0] == 1:
		return fmt.Sprintf("not HTTP: %s answered with a FastCGI record; use fastcgi_pass", where)
	}
	return fmt.Sprintf("not HTTP: %s sent %q", where, printable(head))
}

// isTimeout reports a deadline, from the context or the socket.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
}

// printable keeps the first 40 bytes; %q escapes the control bytes.
func printable(b []byte) string {
	if len(b) > 40 {
		b = b[:40]
	}
	return string(b)
}

// size renders a byte count the way an admin reads it: 65 KiB, 812 B.
func size(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", (n+512)>>10)
	}
	return fmt.Sprintf("%d B", n)
}

// round keeps durations readable: 3ms, 1.2s.
func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(100 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(time.Millisecond)
	}
	return d.Round(time.Microsecond)
}
