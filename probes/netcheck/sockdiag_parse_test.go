package netcheck

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"syscall"
	"testing"
)

// nlmsg is one netlink message of typ answering seq, padded to 4 bytes.
func nlmsg(typ uint16, seq uint32, payload []byte) []byte {
	b := make([]byte, netlinkAlign(nlmsgHdrLen+len(payload)))
	binary.NativeEndian.PutUint32(b[0:], uint32(nlmsgHdrLen+len(payload)))
	binary.NativeEndian.PutUint16(b[4:], typ)
	binary.NativeEndian.PutUint32(b[8:], seq)
	copy(b[nlmsgHdrLen:], payload)
	return b
}

// errnoPayload is an NLMSG_ERROR / NLMSG_DONE payload carrying -errno.
func errnoPayload(e syscall.Errno) []byte {
	b := make([]byte, 4)
	binary.NativeEndian.PutUint32(b, uint32(-int32(e)))
	return b
}

// inetMsg is a struct inet_diag_msg for a socket bound to ap.
func inetMsg(ap netip.AddrPort, state uint8, rq, wq, inode uint32) []byte {
	b := make([]byte, inetDiagMsgLen)
	b[0], b[1] = syscall.AF_INET, state
	if ap.Addr().Is6() {
		b[0] = syscall.AF_INET6
	}
	binary.BigEndian.PutUint16(b[4:], ap.Port())
	a := ap.Addr().AsSlice()
	copy(b[8:], a)
	binary.NativeEndian.PutUint32(b[56:], rq)
	binary.NativeEndian.PutUint32(b[60:], wq)
	binary.NativeEndian.PutUint32(b[68:], inode)
	return b
}

// rtattr is one netlink attribute, padded to 4 bytes.
func rtattr(typ uint16, data []byte) []byte {
	b := make([]byte, netlinkAlign(4+len(data)))
	binary.NativeEndian.PutUint16(b[0:], uint16(4+len(data)))
	binary.NativeEndian.PutUint16(b[2:], typ)
	copy(b[4:], data)
	return b
}

// unixMsg is a struct unix_diag_msg followed by attrs.
func unixMsg(state uint8, inode uint32, attrs ...[]byte) []byte {
	b := make([]byte, unixDiagMsgLen)
	b[0], b[1], b[2] = syscall.AF_UNIX, syscall.SOCK_STREAM, state
	binary.NativeEndian.PutUint32(b[4:], inode)
	for _, a := range attrs {
		b = append(b, a...)
	}
	return b
}

func rqlen(rq, wq uint32) []byte {
	b := make([]byte, 8)
	binary.NativeEndian.PutUint32(b[0:], rq)
	binary.NativeEndian.PutUint32(b[4:], wq)
	return rtattr(unixDiagRQLen, b)
}

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func TestParseInetDiagReply(t *testing.T) {
	v4 := inetMsg(netip.MustParseAddrPort("127.0.0.1:9000"), tcpListenState, 3, 7, 111)
	v6 := inetMsg(netip.MustParseAddrPort("[::]:80"), tcpListenState, 0, 511, 222)
	buf := cat(
		nlmsg(sockDiagByFamily, 1, v4),
		nlmsg(sockDiagByFamily, 9, v4), // another request's answer: ignored
		nlmsg(sockDiagByFamily, 1, inetMsg(netip.MustParseAddrPort("10.0.0.1:22"), 1, 0, 0, 333)), // established: skipped
		nlmsg(syscall.NLMSG_NOOP, 1, nil),
		nlmsg(sockDiagByFamily, 1, v6),
		nlmsg(syscall.NLMSG_DONE, 1, errnoPayload(0)),
		nlmsg(sockDiagByFamily, 1, v4), // after DONE: not read
	)
	qs, done, err := parseInetDiagReply(buf, 1, nil)
	if err != nil || !done {
		t.Fatalf("parse = done %v, %v", done, err)
	}
	want := []Queue{
		{Network: "tcp", Address: "127.0.0.1:9000", Inode: 111, Pending: 3, Backlog: 7},
		{Network: "tcp", Address: "[::]:80", Inode: 222, Pending: 0, Backlog: 511},
	}
	if len(qs) != len(want) || qs[0] != want[0] || qs[1] != want[1] {
		t.Fatalf("queues = %+v, want %+v", qs, want)
	}

	// A datagram without DONE is one part of a multi-part dump.
	qs, done, err = parseInetDiagReply(nlmsg(sockDiagByFamily, 1, v4), 1, qs)
	if err != nil || done || len(qs) != 3 {
		t.Fatalf("second part = %d queues, done %v, %v; want 3, false, nil", len(qs), done, err)
	}
}

func TestParseInetDiagErrors(t *testing.T) {
	v4 := inetMsg(netip.MustParseAddrPort("127.0.0.1:9000"), tcpListenState, 0, 1, 1)
	long := nlmsg(sockDiagByFamily, 1, v4)
	binary.NativeEndian.PutUint32(long, uint32(len(long)+4))
	short := nlmsg(sockDiagByFamily, 1, v4[:40])
	tiny := nlmsg(sockDiagByFamily, 1, nil)
	binary.NativeEndian.PutUint32(tiny, 8)
	badFamily := nlmsg(sockDiagByFamily, 1, append([]byte{99}, v4[1:]...))
	cases := []struct {
		name  string
		buf   []byte
		errno syscall.Errno // 0: any error
		done  bool
	}{
		{"kernel error", nlmsg(syscall.NLMSG_ERROR, 1, errnoPayload(syscall.ENOENT)), syscall.ENOENT, false},
		{"error in DONE", nlmsg(syscall.NLMSG_DONE, 1, errnoPayload(syscall.ENOBUFS)), syscall.ENOBUFS, true},
		{"length past end", long, 0, false},
		{"length below header", tiny, 0, false},
		{"short inet_diag_msg", short, 0, false},
		{"unknown family", badFamily, 0, false},
		{"short error payload", nlmsg(syscall.NLMSG_ERROR, 1, []byte{1}), 0, false},
		{"overrun", nlmsg(syscall.NLMSG_OVERRUN, 1, nil), 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, done, err := parseInetDiagReply(tc.buf, 1, nil)
			if err == nil || done != tc.done {
				t.Fatalf("parse = done %v, err %v; want an error and done %v", done, err, tc.done)
			}
			if tc.errno != 0 && !errors.Is(err, tc.errno) {
				t.Errorf("error %v is not %v", err, tc.errno)
			}
		})
	}
	// An acknowledgement (errno 0) is not an error.
	if _, _, err := parseInetDiagReply(nlmsg(syscall.NLMSG_ERROR, 1, errnoPayload(0)), 1, nil); err != nil {
		t.Errorf("ack: %v", err)
	}
	// A trailing fragment shorter than a header is ignored, as the kernel never sends one.
	if qs, _, err := parseInetDiagReply(cat(nlmsg(sockDiagByFamily, 1, v4), []byte{1, 2}), 1, nil); err != nil || len(qs) != 1 {
		t.Errorf("trailing bytes: %d queues, %v", len(qs), err)
	}
}

func TestParseUnixDiagReply(t *testing.T) {
	buf := cat(
		nlmsg(sockDiagByFamily, 3, unixMsg(tcpListenState, 10, rtattr(unixDiagName, []byte("/run/php/php8.2-fpm.sock\x00")), rqlen(2, 1))),
		nlmsg(sockDiagByFamily, 3, unixMsg(tcpListenState, 11, rtattr(unixDiagName, []byte("\x00abstract")), rqlen(0, 4096))),
		nlmsg(sockDiagByFamily, 3, unixMsg(tcpListenState, 12, rqlen(1, 5))), // unnamed
		nlmsg(sockDiagByFamily, 3, unixMsg(7, 13)),                           // not listening: skipped
		nlmsg(sockDiagByFamily, 3, unixMsg(tcpListenState, 14, rtattr(99, []byte{1, 2, 3}), rqlen(0, 8))),
		nlmsg(syscall.NLMSG_DONE, 3, errnoPayload(0)),
	)
	qs, done, err := parseUnixDiagReply(buf, 3, nil)
	if err != nil || !done {
		t.Fatalf("parse = done %v, %v", done, err)
	}
	want := []Queue{
		{Network: "unix", Address: "/run/php/php8.2-fpm.sock", Inode: 10, Pending: 2, Backlog: 1},
		{Network: "unix", Address: "@abstract", Inode: 11, Pending: 0, Backlog: 4096},
		{Network: "unix", Address: "", Inode: 12, Pending: 1, Backlog: 5},
		{Network: "unix", Address: "", Inode: 14, Pending: 0, Backlog: 8},
	}
	if len(qs) != len(want) {
		t.Fatalf("queues = %+v, want %+v", qs, want)
	}
	for i := range want {
		if qs[i] != want[i] {
			t.Errorf("queue %d = %+v, want %+v", i, qs[i], want[i])
		}
	}
	if !qs[0].Full() || qs[1].Full() {
		t.Errorf("Full: %v %v, want true false", qs[0].Full(), qs[1].Full())
	}
}

func TestParseUnixDiagErrors(t *testing.T) {
	badAttr := unixMsg(tcpListenState, 1, rqlen(0, 1))
	binary.NativeEndian.PutUint16(badAttr[unixDiagMsgLen:], 200)
	cases := []struct {
		name    string
		payload []byte
		want    error
	}{
		{"no RQLEN", unixMsg(tcpListenState, 1, rtattr(unixDiagName, []byte("/x"))), errNoRQLen},
		{"short RQLEN", unixMsg(tcpListenState, 1, rtattr(unixDiagRQLen, []byte{1, 2, 3, 4})), nil},
		{"attribute past end", badAttr, nil},
		{"short message", unixMsg(tcpListenState, 1)[:8], nil},
		{"wrong family", append([]byte{syscall.AF_INET}, unixMsg(tcpListenState, 1, rqlen(0, 1))[1:]...), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := parseUnixDiagReply(nlmsg(sockDiagByFamily, 3, tc.payload), 3, nil)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("error = %v, want %v", err, tc.want)
			}
		})
	}
	if err := unsupported(errNoRQLen); !errors.Is(err, ErrNoSockDiag) {
		t.Errorf("unsupported(errNoRQLen) = %v, want ErrNoSockDiag", err)
	}
}

func TestDiagRequests(t *testing.T) {
	r := inetDiagRequest(syscall.AF_INET6, 2)
	if len(r) != 72 || binary.NativeEndian.Uint32(r) != 72 || binary.NativeEndian.Uint16(r[4:]) != sockDiagByFamily ||
		binary.NativeEndian.Uint16(r[6:]) != syscall.NLM_F_REQUEST|syscall.NLM_F_DUMP ||
		binary.NativeEndian.Uint32(r[8:]) != 2 || r[16] != syscall.AF_INET6 || r[17] != syscall.IPPROTO_TCP ||
		binary.NativeEndian.Uint32(r[20:]) != 1<<10 {
		t.Errorf("inet request = % x", r)
	}
	u := unixDiagRequest(3)
	if len(u) != 40 || binary.NativeEndian.Uint32(u) != 40 || u[16] != syscall.AF_UNIX ||
		binary.NativeEndian.Uint32(u[20:]) != 1<<10 || binary.NativeEndian.Uint32(u[28:]) != 0x11 {
		t.Errorf("unix request = % x", u)
	}
}
