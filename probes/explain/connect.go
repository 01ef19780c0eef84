package explain

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// Connect says why a connect to address failed within timeout, naming the errno the
// way nginx's "connect() failed (111: Connection refused)" does.
func (p Peer) Connect(network, address string, timeout time.Duration, err error) string {
	where := Where(network, address)
	unix := network == "unix"
	switch {
	// Before IsTimeout: syscall.EAGAIN.Timeout() is true, but nothing timed out.
	case errors.Is(err, syscall.EAGAIN) && unix:
		return fmt.Sprintf("the socket %s refuses new connections (EAGAIN): its accept queue is full, %s does not accept fast enough%s", address, p.Name, p.QueueHint)
	case errors.Is(err, syscall.ECONNREFUSED) && unix:
		return fmt.Sprintf("connection refused (ECONNREFUSED): the socket %s exists but no process accepts on it%s", address, p.RefusedHint)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("connection refused (ECONNREFUSED): nothing listens on %s", address)
	case errors.Is(err, syscall.ENOENT):
		return fmt.Sprintf("no socket at %s (ENOENT): %s is not running or listens elsewhere%s", address, p.Name, p.MissingHint)
	case errors.Is(err, syscall.EACCES) || errors.Is(err, os.ErrPermission):
		return fmt.Sprintf("permission denied (EACCES) connecting to %s: check the socket's mode/owner%s and its directories", where, p.ModeHint)
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return fmt.Sprintf("no route to %s: %v", where, err)
	case errors.Is(err, syscall.EAGAIN):
		// TCP: no free local port.
		return fmt.Sprintf("cannot connect to %s (EAGAIN): %v", where, err)
	case IsTimeout(err):
		return fmt.Sprintf("no answer to the connection attempt to %s within %s (host down, a firewall drops packets, or its listen queue is full)", where, Round(timeout))
	}
	return fmt.Sprintf("cannot connect to %s: %v", where, err)
}
