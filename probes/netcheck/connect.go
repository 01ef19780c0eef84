package netcheck

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"time"
)

// Dial is the result of one connect, as nginx's connect() to an upstream would see it.
type Dial struct {
	Network, Address string
	Took             time.Duration
	Err              error
	// Errno is the connect(2) error (ECONNREFUSED, ENOENT, EACCES, …), and
	// ETIMEDOUT when the timeout expired first, as nginx reports "(110: …)"; 0 on success.
	Errno syscall.Errno
}

// Connect opens and closes one connection to address over network ("tcp",
// "tcp4", "tcp6" or "unix") within timeout, timing the connect alone.
func Connect(ctx context.Context, network, address string, timeout time.Duration) Dial {
	d := Dial{Network: network, Address: address}
	switch network {
	case "tcp", "tcp4", "tcp6", "unix":
	default:
		d.Err = fmt.Errorf("connect %s %s: unsupported network", network, address)
		return d
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var dialer net.Dialer
	start := time.Now()
	c, err := dialer.DialContext(ctx, network, address)
	d.Took = time.Since(start)
	if err != nil {
		d.Err = fmt.Errorf("connect %s %s: %w", network, address, err)
		d.Errno = errnoOf(ctx, err)
		return d
	}
	_ = c.Close()
	return d
}

// errnoOf digs the syscall errno out of a dial error; a deadline counts as ETIMEDOUT.
func errnoOf(ctx context.Context, err error) syscall.Errno {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno
	}
	if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return syscall.ETIMEDOUT
	}
	return 0
}
