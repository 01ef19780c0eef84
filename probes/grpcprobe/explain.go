package grpcprobe

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

// Explain says in plain words what the probe saw, e.g. "127.0.0.1:50051 answered
// SERVING in 2ms" or "not HTTP/2: it answered "HTTP/1.1 400 Bad Request" …".
func Explain(r Result) string {
	where := r.Request.Address
	if r.Request.Network == "unix" {
		where = "unix:" + where
	}
	return explainOutcome(r, where) + explainTimer(r)
}

func explainOutcome(r Result, where string) string {
	if r.Err == nil {
		return explainAnswer(r, where)
	}
	err := r.Err
	var nh *NotHTTP2Error
	switch {
	case errors.Is(err, context.Canceled):
		return fmt.Sprintf("probe of %s cancelled during %s", where, r.Phase)
	case r.Phase == PhaseConnect:
		return explainConnect(r, where)
	case r.Phase == PhaseTLS:
		return explainTLS(r, where)
	case errors.As(err, &nh):
		s := fmt.Sprintf("%s is %v, not a gRPC server", where, nh)
		if n, ferr := frameLength(nh.Head); ferr == nil && n > 1<<14 {
			s += fmt.Sprintf(": nginx logs \"upstream sent too large http2 frame: %d\" and answers 502", n)
		}
		return s
	case r.Phase == PhaseWrite:
		return fmt.Sprintf("%s accepted the connection but the call could not be sent: %v", where, err)
	case r.Phase == PhaseBody:
		return fmt.Sprintf("%s answered %d but the response was cut off after %d body bytes: %v", where, r.Status, r.BodyBytes, err)
	case isTimeout(err):
		return fmt.Sprintf("%s sent no response header within %s", where, round(r.Timeout))
	case errors.Is(err, syscall.ECONNRESET):
		return fmt.Sprintf("%s reset the connection (RST) before answering: nginx logs \"recv() failed (104: Connection reset by peer)\"", where)
	case strings.Contains(err.Error(), "GOAWAY"):
		return fmt.Sprintf("%s refused the call with GOAWAY (shutting down or overloaded): nginx logs \"upstream sent goaway\": %v", where, err)
	case strings.Contains(err.Error(), "stream error"):
		return fmt.Sprintf("%s reset the call's stream (RST_STREAM): nginx logs \"upstream rejected request\": %v", where, err)
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Sprintf("%s closed the connection before answering (nginx: \"upstream prematurely closed connection\")", where)
	}
	return fmt.Sprintf("%s: the call failed: %v", where, err)
}

// explainAnswer puts an HTTP/2 answer in words: gRPC or not, healthy or not.
func explainAnswer(r Result, where string) string {
	took := round(r.Timing.Total)
	switch {
	case r.GRPCStatus == 0 && r.Serving == "SERVING":
		return fmt.Sprintf("%s answered SERVING to the gRPC health check in %s", where, took)
	case r.GRPCStatus == 0 && r.Serving != "":
		return fmt.Sprintf("%s is a live gRPC server, but its health service reports %s (in %s): the application says it cannot serve", where, r.Serving, took)
	case r.GRPCStatus == 12:
		return fmt.Sprintf("%s is a live gRPC server without the health service (grpc-status 12 UNIMPLEMENTED, %q) in %s: an answer, so the server and the way to it work", where, r.GRPCMessage, took)
	case r.GRPCStatus >= 0:
		return fmt.Sprintf("%s is a gRPC server; the health check got grpc-status %d %s (%q) in %s", where, r.GRPCStatus, codeName(r.GRPCStatus), r.GRPCMessage, took)
	}
	return fmt.Sprintf("%s speaks HTTP/2 but is not a gRPC server: it answered %d %s (content-type %q) without grpc-status in %s",
		where, r.Status, http.StatusText(r.Status), r.ContentType, took)
}

// explainConnect names the errno the way nginx's "connect() failed (111: …)" does.
// EAGAIN first: syscall.EAGAIN reports itself as a timeout.
func explainConnect(r Result, where string) string {
	err := r.Err
	unix := r.Request.Network == "unix"
	switch {
	case errors.Is(err, syscall.EAGAIN) && unix:
		return fmt.Sprintf("the socket %s refuses new connections (EAGAIN): its accept queue is full, the server does not accept fast enough", r.Request.Address)
	case errors.Is(err, syscall.ECONNREFUSED) && unix:
		return fmt.Sprintf("connection refused (ECONNREFUSED): the socket %s exists but no process accepts on it", r.Request.Address)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("connection refused (ECONNREFUSED): nothing listens on %s", r.Request.Address)
	case errors.Is(err, syscall.ENOENT):
		return fmt.Sprintf("no socket at %s (ENOENT): the server is not running or listens elsewhere", r.Request.Address)
	case errors.Is(err, syscall.EACCES) || errors.Is(err, os.ErrPermission):
		return fmt.Sprintf("permission denied (EACCES) connecting to %s: check the socket's mode/owner and its directories", where)
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return fmt.Sprintf("no route to %s: %v", where, err)
	case errors.Is(err, syscall.EAGAIN):
		return fmt.Sprintf("cannot connect to %s (EAGAIN): %v", where, err)
	case isTimeout(err):
		return fmt.Sprintf("no answer to the connection attempt to %s within %s (host down, a firewall drops packets, or its listen queue is full)", where, round(r.Timeout))
	}
	return fmt.Sprintf("cannot connect to %s: %v", where, err)
}

// explainTLS recognises the handshake failures of grpcs:// (plain port, certificates).
func explainTLS(r Result, where string) string {
	err := r.Err
	var rec tls.RecordHeaderError
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	switch {
	case errors.As(err, &rec):
		return fmt.Sprintf("%s does not speak TLS (it answered %q): use grpc:// or the TLS port (nginx logs \"SSL_do_handshake() failed ... wrong version number\")", where, rec.RecordHeader[:])
	case errors.As(err, &unknown):
		return fmt.Sprintf("TLS to %s: certificate signed by an unknown authority (nginx only checks with grpc_ssl_verify on)", where)
	case errors.As(err, &host):
		return fmt.Sprintf("TLS to %s: certificate is not valid for %q", where, host.Host)
	case isTimeout(err):
		return fmt.Sprintf("TLS handshake with %s did not finish within %s (plain port?)", where, round(r.Timeout))
	case errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET):
		return fmt.Sprintf("%s closed the connection during the TLS handshake (often: SNI missing or not accepted)", where)
	}
	return fmt.Sprintf("TLS handshake with %s failed: %v", where, err)
}

// explainTimer adds what nginx's own timer would have done with this exchange.
func explainTimer(r Result) string {
	switch r.Exceeded {
	case TimerConnect:
		return fmt.Sprintf("; the connect took %s, longer than grpc_connect_timeout %s: nginx gives up first (\"upstream timed out\", 504)", round(r.Waited), round(r.Request.ConnectTimeout))
	case TimerRead:
		return fmt.Sprintf("; the server went silent for %s, longer than grpc_read_timeout %s: nginx gives up first (\"upstream timed out\", 504 before the header)", round(r.Waited), round(r.Request.ReadTimeout))
	}
	return ""
}

// isTimeout reports a deadline, from the context or the socket.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
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
