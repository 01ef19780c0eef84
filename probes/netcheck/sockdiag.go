package netcheck

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"syscall"
	"time"
)

// Queue is the accept queue of one listening socket, as `ss -lnt` / `ss -lx` show it:
// Recv-Q is Pending, Send-Q is Backlog.
type Queue struct {
	Network string // "tcp" or "unix"
	// Address is "127.0.0.1:9000", "[::1]:9000", "0.0.0.0:80", or for unix the socket
	// path ("@name" for an abstract socket, "" for an unnamed one).
	Address string
	Inode   uint64 // socket inode, the key to Listener.Inode and /proc/PID/fd
	Pending int    // connections the kernel completed that nobody accepted yet
	Backlog int    // the listen() backlog, after the kernel capped it at net.core.somaxconn
}

// Full reports whether the kernel refuses new connections: a unix connect fails with
// EAGAIN and a TCP SYN is dropped. Linux admits one more than the backlog, so
// Pending can reach Backlog+1.
func (q Queue) Full() bool { return q.Pending >= q.Backlog }

// ErrNoSockDiag means the kernel offers no NETLINK_SOCK_DIAG (some containers and
// sandboxes): queue lengths cannot be known from here.
var ErrNoSockDiag = errors.New("netlink sock_diag not available")

const (
	maxQueues        = 100_000                // listening sockets read before giving up
	maxRecvs         = 100_000                // datagrams read per dump, a bound besides the deadline
	recvBuf          = 64 << 10               // larger than the 32 KiB the kernel puts in one dump datagram
	recvSlice        = 100 * time.Millisecond // SO_RCVTIMEO, so a cancelled ctx is seen soon
	defaultDumpLimit = 10 * time.Second       // when ctx has no deadline
)

// ListenQueues returns the accept queue of every listening TCP (IPv4 and IPv6) and
// unix socket of this network namespace, read from the kernel over
// NETLINK_SOCK_DIAG, sorted by network, address and inode. The error wraps
// ErrNoSockDiag when the kernel cannot answer; with any other error the queues read
// so far are returned too.
func ListenQueues(ctx context.Context) ([]Queue, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fd, err := syscall.Socket(syscall.AF_NETLINK, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, syscall.NETLINK_INET_DIAG)
	if err != nil {
		err = fmt.Errorf("socket(AF_NETLINK, NETLINK_SOCK_DIAG): %w", err)
		if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES) {
			err = fmt.Errorf("%w: %w", ErrNoSockDiag, err) // a seccomp filter or LSM forbids it
		}
		return nil, unsupported(err)
	}
	defer syscall.Close(fd)
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(defaultDumpLimit)
	}
	d := dumper{fd: fd, deadline: deadline, buf: make([]byte, recvBuf)}
	var out []Queue
	for i, fam := range []uint8{syscall.AF_INET, syscall.AF_INET6} {
		out, err = d.dump(ctx, inetDiagRequest(fam, uint32(i+1)), uint32(i+1), parseInetDiagReply, out)
		if fam == syscall.AF_INET6 && isUnsupported(err) {
			continue // a kernel without IPv6 has no IPv6 listeners
		}
		if err != nil {
			return sortQueues(out), fmt.Errorf("inet_diag (family %d): %w", fam, unsupported(err))
		}
	}
	out, err = d.dump(ctx, unixDiagRequest(3), 3, parseUnixDiagReply, out)
	if err != nil {
		return sortQueues(out), fmt.Errorf("unix_diag: %w", unsupported(err))
	}
	return sortQueues(out), nil
}

// dumper runs sock_diag dumps on one netlink socket, one at a time.
type dumper struct {
	fd       int
	deadline time.Time
	buf      []byte
}

// replyParser appends the queues of one datagram to out and reports NLMSG_DONE.
type replyParser func(buf []byte, seq uint32, out []Queue) ([]Queue, bool, error)

// dump sends req and reads its replies until NLMSG_DONE, an error, ctx's end, the
// deadline, or more than maxQueues entries.
func (d *dumper) dump(ctx context.Context, req []byte, seq uint32, parse replyParser, out []Queue) ([]Queue, error) {
	if err := syscall.Sendto(d.fd, req, 0, &syscall.SockaddrNetlink{Family: syscall.AF_NETLINK}); err != nil {
		return out, fmt.Errorf("send: %w", err)
	}
	for range maxRecvs {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		left := time.Until(d.deadline)
		if left <= 0 {
			return out, fmt.Errorf("no complete answer from the kernel: %w", context.DeadlineExceeded)
		}
		// A zero timeval would mean "block forever".
		tv := syscall.NsecToTimeval(max(min(left, recvSlice), time.Millisecond).Nanoseconds())
		if err := syscall.SetsockoptTimeval(d.fd, syscall.SOL_SOCKET, syscall.SO_RCVTIMEO, &tv); err != nil {
			return out, fmt.Errorf("set receive timeout: %w", err)
		}
		n, _, flags, _, err := syscall.Recvmsg(d.fd, d.buf, nil, 0)
		if err == syscall.EAGAIN || err == syscall.EINTR {
			continue
		}
		if err != nil {
			return out, fmt.Errorf("receive: %w", err)
		}
		if flags&syscall.MSG_TRUNC != 0 {
			return out, fmt.Errorf("receive: datagram larger than %d bytes", len(d.buf))
		}
		var done bool
		out, done, err = parse(d.buf[:n], seq, out)
		if len(out) > maxQueues {
			return out[:maxQueues], fmt.Errorf("more than %d listening sockets, stopped reading", maxQueues)
		}
		if err != nil || done {
			return out, err
		}
	}
	return out, fmt.Errorf("no NLMSG_DONE after %d datagrams", maxRecvs)
}

// isUnsupported reports a kernel that lacks the diag handler asked for.
func isUnsupported(err error) bool {
	return errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.EAFNOSUPPORT) ||
		errors.Is(err, syscall.EPROTONOSUPPORT) || errors.Is(err, syscall.EOPNOTSUPP) ||
		errors.Is(err, errNoRQLen)
}

// unsupported marks err with ErrNoSockDiag when it says the kernel cannot answer.
func unsupported(err error) error {
	if isUnsupported(err) && !errors.Is(err, ErrNoSockDiag) {
		return fmt.Errorf("%w: %w", ErrNoSockDiag, err)
	}
	return err
}

func sortQueues(qs []Queue) []Queue {
	slices.SortFunc(qs, func(a, b Queue) int {
		return cmp.Or(cmp.Compare(a.Network, b.Network), cmp.Compare(a.Address, b.Address), cmp.Compare(a.Inode, b.Inode))
	})
	return qs
}
