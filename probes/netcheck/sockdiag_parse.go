package netcheck

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"syscall"
)

// Wire constants of linux/sock_diag.h, inet_diag.h and unix_diag.h that the
// syscall package does not name.
const (
	sockDiagByFamily = 20 // SOCK_DIAG_BY_FAMILY, the message type of requests and replies
	nlmsgHdrLen      = 16 // struct nlmsghdr
	inetDiagReqLen   = 56 // struct inet_diag_req_v2
	inetDiagMsgLen   = 72 // struct inet_diag_msg
	unixDiagReqLen   = 24 // struct unix_diag_req
	unixDiagMsgLen   = 16 // struct unix_diag_msg
	tcpListenState   = 10 // TCP_LISTEN; unix_diag reuses the TCP state numbers
	unixDiagName     = 0  // UNIX_DIAG_NAME attribute
	unixDiagRQLen    = 4  // UNIX_DIAG_RQLEN attribute: struct unix_diag_rqlen
	udiagShowName    = 0x01
	udiagShowRQLen   = 0x10
)

// errNoRQLen marks a unix_diag reply without queue lengths (a kernel too old to send
// them), which would otherwise read as an empty queue.
var errNoRQLen = errors.New("unix_diag reply without UNIX_DIAG_RQLEN")

// netlinkAlign rounds n up to the 4-byte alignment of netlink messages and attributes.
func netlinkAlign(n int) int { return (n + 3) &^ 3 }

// inetDiagRequest builds a dump request for the listening TCP sockets of family
// (AF_INET or AF_INET6).
func inetDiagRequest(family uint8, seq uint32) []byte {
	b := make([]byte, nlmsgHdrLen+inetDiagReqLen)
	putNetlinkHeader(b, seq)
	r := b[nlmsgHdrLen:]
	r[0] = family
	r[1] = syscall.IPPROTO_TCP
	binary.NativeEndian.PutUint32(r[4:], 1<<tcpListenState) // idiag_states
	return b
}

// unixDiagRequest builds a dump request for the listening unix sockets with their
// names and queue lengths.
func unixDiagRequest(seq uint32) []byte {
	b := make([]byte, nlmsgHdrLen+unixDiagReqLen)
	putNetlinkHeader(b, seq)
	r := b[nlmsgHdrLen:]
	r[0] = syscall.AF_UNIX
	binary.NativeEndian.PutUint32(r[4:], 1<<tcpListenState)             // udiag_states
	binary.NativeEndian.PutUint32(r[12:], udiagShowName|udiagShowRQLen) // udiag_show
	return b
}

func putNetlinkHeader(b []byte, seq uint32) {
	binary.NativeEndian.PutUint32(b[0:], uint32(len(b)))
	binary.NativeEndian.PutUint16(b[4:], sockDiagByFamily)
	binary.NativeEndian.PutUint16(b[6:], syscall.NLM_F_REQUEST|syscall.NLM_F_DUMP)
	binary.NativeEndian.PutUint32(b[8:], seq)
}

// walkNetlink calls each with the payload of every SOCK_DIAG_BY_FAMILY message in
// one datagram that answers seq, and reports whether NLMSG_DONE ended the dump.
// A kernel error (NLMSG_ERROR, or DONE carrying an errno) is returned as a
// syscall.Errno so callers can tell "not supported" from other failures.
func walkNetlink(buf []byte, seq uint32, each func(payload []byte) error) (done bool, err error) {
	for off := 0; len(buf)-off >= nlmsgHdrLen; {
		m := buf[off:]
		n := int(binary.NativeEndian.Uint32(m[0:]))
		if n < nlmsgHdrLen || n > len(m) {
			return false, fmt.Errorf("netlink message at byte %d: length %d, %d bytes left", off, n, len(m))
		}
		typ := binary.NativeEndian.Uint16(m[4:])
		msgSeq := binary.NativeEndian.Uint32(m[8:])
		payload := m[nlmsgHdrLen:n]
		off += min(netlinkAlign(n), len(m))
		if msgSeq != seq {
			continue // not an answer to this request
		}
		switch typ {
		case syscall.NLMSG_DONE:
			if len(payload) >= 4 {
				if e := int32(binary.NativeEndian.Uint32(payload)); e < 0 {
					return true, fmt.Errorf("netlink dump ended with: %w", syscall.Errno(-e))
				}
			}
			return true, nil
		case syscall.NLMSG_ERROR:
			if len(payload) < 4 {
				return false, fmt.Errorf("netlink error message of %d bytes", len(payload))
			}
			if e := int32(binary.NativeEndian.Uint32(payload)); e < 0 {
				return false, fmt.Errorf("netlink: %w", syscall.Errno(-e))
			}
			// errno 0 is an acknowledgement, not an error.
		case syscall.NLMSG_OVERRUN:
			return false, errors.New("netlink: overrun, the reply lost data")
		case sockDiagByFamily:
			if err := each(payload); err != nil {
				return false, fmt.Errorf("netlink message at byte %d: %w", off, err)
			}
		}
	}
	return false, nil
}

// parseInetDiagReply appends to out the listening TCP sockets in one datagram of an
// inet_diag dump answering seq.
func parseInetDiagReply(buf []byte, seq uint32, out []Queue) ([]Queue, bool, error) {
	done, err := walkNetlink(buf, seq, func(p []byte) error {
		q, ok, err := parseInetDiagMsg(p)
		if ok {
			out = append(out, q)
		}
		return err
	})
	return out, done, err
}

// parseInetDiagMsg reads one struct inet_diag_msg. For a listener the kernel puts
// the accept queue's length in idiag_rqueue and the listen() backlog in idiag_wqueue.
// ok is false for a socket that is not listening (the kernel filters them; this is
// defence against a reply that did not).
func parseInetDiagMsg(p []byte) (q Queue, ok bool, err error) {
	if len(p) < inetDiagMsgLen {
		return Queue{}, false, fmt.Errorf("inet_diag_msg of %d bytes, want %d", len(p), inetDiagMsgLen)
	}
	if p[1] != tcpListenState {
		return Queue{}, false, nil
	}
	var addr netip.Addr
	switch p[0] {
	case syscall.AF_INET:
		addr = netip.AddrFrom4([4]byte(p[8:12]))
	case syscall.AF_INET6:
		addr = netip.AddrFrom16([16]byte(p[8:24]))
	default:
		return Queue{}, false, fmt.Errorf("inet_diag_msg of family %d", p[0])
	}
	port := binary.BigEndian.Uint16(p[4:]) // idiag_sport is in network order
	return Queue{
		Network: "tcp",
		Address: netip.AddrPortFrom(addr, port).String(),
		Inode:   uint64(binary.NativeEndian.Uint32(p[68:])),
		Pending: int(binary.NativeEndian.Uint32(p[56:])),
		Backlog: int(binary.NativeEndian.Uint32(p[60:])),
	}, true, nil
}

// parseUnixDiagReply appends to out the listening unix sockets in one datagram of a
// unix_diag dump answering seq.
func parseUnixDiagReply(buf []byte, seq uint32, out []Queue) ([]Queue, bool, error) {
	done, err := walkNetlink(buf, seq, func(p []byte) error {
		q, ok, err := parseUnixDiagMsg(p)
		if ok {
			out = append(out, q)
		}
		return err
	})
	return out, done, err
}

// parseUnixDiagMsg reads one struct unix_diag_msg and its attributes. For a listener
// UNIX_DIAG_RQLEN holds the connections waiting in the receive queue and the
// listen() backlog.
func parseUnixDiagMsg(p []byte) (q Queue, ok bool, err error) {
	if len(p) < unixDiagMsgLen {
		return Queue{}, false, fmt.Errorf("unix_diag_msg of %d bytes, want %d", len(p), unixDiagMsgLen)
	}
	if p[0] != syscall.AF_UNIX {
		return Queue{}, false, fmt.Errorf("unix_diag_msg of family %d", p[0])
	}
	if p[2] != tcpListenState {
		return Queue{}, false, nil
	}
	q = Queue{Network: "unix", Inode: uint64(binary.NativeEndian.Uint32(p[4:]))}
	haveRQLen := false
	attrs := p[unixDiagMsgLen:]
	for len(attrs) >= 4 {
		n := int(binary.NativeEndian.Uint16(attrs[0:]))
		typ := binary.NativeEndian.Uint16(attrs[2:])
		if n < 4 || n > len(attrs) {
			return Queue{}, false, fmt.Errorf("unix_diag attribute %d: length %d, %d bytes left", typ, n, len(attrs))
		}
		data := attrs[4:n]
		attrs = attrs[min(netlinkAlign(n), len(attrs)):]
		switch typ {
		case unixDiagName:
			q.Address = unixName(data)
		case unixDiagRQLen:
			if len(data) < 8 {
				return Queue{}, false, fmt.Errorf("UNIX_DIAG_RQLEN of %d bytes, want 8", len(data))
			}
			q.Pending = int(binary.NativeEndian.Uint32(data[0:]))
			q.Backlog = int(binary.NativeEndian.Uint32(data[4:]))
			haveRQLen = true
		}
	}
	if !haveRQLen {
		return Queue{}, false, fmt.Errorf("inode %d: %w", q.Inode, errNoRQLen)
	}
	return q, true, nil
}

// unixName renders sun_path as ss does: "" for an unnamed socket, "@name" for an
// abstract one (leading NUL), otherwise the path up to its terminating NUL.
func unixName(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if b[0] == 0 {
		return "@" + string(b[1:])
	}
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
