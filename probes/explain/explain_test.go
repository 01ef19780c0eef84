package explain

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// dialErr is err as net.Dialer returns it from a failed connect.
func dialErr(network string, err error) error {
	return &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", err)}
}

func testPeer() Peer {
	return Peer{Module: "test", Name: "the app", Scheme: "plain", RefusedHint: " (R)", MissingHint: " (M)", QueueHint: " (Q)", ModeHint: " (P)"}
}

func TestConnect(t *testing.T) {
	cases := []struct {
		network string
		err     error
		want    string
	}{
		{"unix", dialErr("unix", syscall.EAGAIN), "the socket /s.sock refuses new connections (EAGAIN): its accept queue is full, the app does not accept fast enough (Q)"},
		{"unix", dialErr("unix", syscall.ECONNREFUSED), "connection refused (ECONNREFUSED): the socket /s.sock exists but no process accepts on it (R)"},
		{"tcp", dialErr("tcp", syscall.ECONNREFUSED), "connection refused (ECONNREFUSED): nothing listens on 127.0.0.1:1"},
		{"unix", dialErr("unix", syscall.ENOENT), "no socket at /s.sock (ENOENT): the app is not running or listens elsewhere (M)"},
		{"unix", dialErr("unix", syscall.EACCES), "permission denied (EACCES) connecting to unix:/s.sock: check the socket's mode/owner (P) and its directories"},
		{"tcp", dialErr("tcp", syscall.EHOSTUNREACH), "no route to 127.0.0.1:1: dial tcp: connect: no route to host"},
		{"tcp", dialErr("tcp", syscall.EAGAIN), "cannot connect to 127.0.0.1:1 (EAGAIN): dial tcp: connect: resource temporarily unavailable"},
		{"tcp", fmt.Errorf("dial: %w", context.DeadlineExceeded), "no answer to the connection attempt to 127.0.0.1:1 within 1.5s (host down, a firewall drops packets, or its listen queue is full)"},
		{"tcp", dialErr("tcp", syscall.EMFILE), "cannot connect to 127.0.0.1:1: dial tcp: connect: too many open files"},
	}
	for _, c := range cases {
		addr := "127.0.0.1:1"
		if c.network == "unix" {
			addr = "/s.sock"
		}
		if got := testPeer().Connect(c.network, addr, 1523*time.Millisecond, c.err); got != c.want {
			t.Errorf("%s %v:\n got %s\nwant %s", c.network, c.err, got, c.want)
		}
	}
}

func TestHandshake(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{tls.RecordHeaderError{RecordHeader: [5]byte{'H', 'T', 'T', 'P', '/'}}, `a:1 does not speak TLS (it answered "HTTP/"): use plain:// or the TLS port (nginx logs "SSL_do_handshake() failed ... wrong version number")`},
		{&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}, "TLS to a:1: certificate signed by an unknown authority (nginx only checks with test_ssl_verify on)"},
		{x509.HostnameError{Host: "b.example", Certificate: &x509.Certificate{}}, `TLS to a:1: certificate is not valid for "b.example" (test_ssl_name; nginx logs "upstream SSL certificate does not match")`},
		{os.ErrDeadlineExceeded, "TLS handshake with a:1 did not finish within 2s (a port without TLS?)"},
		{io.EOF, "a:1 closed the connection during the TLS handshake (often: SNI missing or not accepted)"},
		{errors.New("odd"), "TLS handshake with a:1 failed: odd"},
	}
	for _, c := range cases {
		if got := testPeer().Handshake("a:1", 2*time.Second, c.err); got != c.want {
			t.Errorf("%v:\n got %s\nwant %s", c.err, got, c.want)
		}
	}
}

func TestSentences(t *testing.T) {
	p := testPeer()
	for got, want := range map[string]string{
		Where("unix", "/s.sock") + " " + Where("tcp", "a:1"):     "unix:/s.sock a:1",
		Cancelled("a:1", "header"):                               "probe of a:1 cancelled during header",
		Answered("a:1", 404, 1234567*time.Microsecond):           "a:1 answered 404 Not Found in 1.2s",
		p.BigHeader(DefaultBufferSize) + "|" + p.BigHeader(5000): `|; its response header is 5000 bytes, more than nginx's default test_buffer_size of 4 KiB ("upstream sent too big header")`,
		NotSent("a:1", syscall.EPIPE):                            "a:1 accepted the connection but the request could not be sent: broken pipe",
		CutOff("a:1", 200, 3, io.ErrUnexpectedEOF):               "a:1 answered 200 but the body was cut off after 3 bytes: unexpected EOF",
		p.ConnectTimer(1234*time.Millisecond, time.Second):       `; the connect took 1.2s, longer than test_connect_timeout 1s: nginx gives up first ("upstream timed out", 504)`,
		p.ReadTimer(2500*time.Millisecond, 200*time.Millisecond): `; the app went silent for 2.5s between two reads, longer than test_read_timeout 200ms: nginx gives up first ("upstream timed out", 504 before the header)`,
	} {
		if got != want {
			t.Errorf("\n got %s\nwant %s", got, want)
		}
	}
}

func TestHelpers(t *testing.T) {
	for n, want := range map[int]string{812: "812 B", 65536 + 90: "64 KiB", 66 << 10: "66 KiB", 3 << 20: "3.0 MiB"} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
	for d, want := range map[time.Duration]time.Duration{1234567 * time.Microsecond: 1200 * time.Millisecond,
		3456 * time.Microsecond: 3 * time.Millisecond, 1234 * time.Nanosecond: time.Microsecond} {
		if got := Round(d); got != want {
			t.Errorf("Round(%s) = %s, want %s", d, got, want)
		}
	}
	if got := Printable([]byte(strings.Repeat("x", 50))); got != strings.Repeat("x", 40) || Printable(nil) != "" {
		t.Errorf("Printable = %q", got)
	}
	if !IsTimeout(dialErr("tcp", syscall.ETIMEDOUT)) || !IsTimeout(fmt.Errorf("x: %w", context.DeadlineExceeded)) || IsTimeout(io.EOF) {
		t.Errorf("IsTimeout")
	}
}
