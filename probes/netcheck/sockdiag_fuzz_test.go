package netcheck

import (
	"net/netip"
	"syscall"
	"testing"
)

func FuzzParseInetDiag(f *testing.F) {
	v4 := inetMsg(netip.MustParseAddrPort("127.0.0.1:9000"), tcpListenState, 3, 7, 111)
	v6 := inetMsg(netip.MustParseAddrPort("[::1]:443"), tcpListenState, 0, 4096, 222)
	f.Add(cat(nlmsg(sockDiagByFamily, 1, v4), nlmsg(sockDiagByFamily, 1, v6), nlmsg(syscall.NLMSG_DONE, 1, errnoPayload(0))))
	f.Add(nlmsg(syscall.NLMSG_ERROR, 1, errnoPayload(syscall.ENOENT)))
	f.Add(nlmsg(sockDiagByFamily, 1, v4[:50]))
	f.Fuzz(func(t *testing.T, buf []byte) {
		qs, _, _ := parseInetDiagReply(buf, 1, nil)
		if len(qs) > len(buf)/(nlmsgHdrLen+inetDiagMsgLen) {
			t.Fatalf("%d queues from %d bytes", len(qs), len(buf))
		}
		for _, q := range qs {
			if _, err := netip.ParseAddrPort(q.Address); err != nil || q.Network != "tcp" || q.Pending < 0 || q.Backlog < 0 {
				t.Fatalf("bad queue %+v (%v)", q, err)
			}
		}
	})
}

func FuzzParseUnixDiag(f *testing.F) {
	f.Add(cat(
		nlmsg(sockDiagByFamily, 3, unixMsg(tcpListenState, 10, rtattr(unixDiagName, []byte("/run/php/php8.2-fpm.sock\x00")), rqlen(2, 1))),
		nlmsg(sockDiagByFamily, 3, unixMsg(tcpListenState, 11, rtattr(unixDiagName, []byte("\x00abstract")), rqlen(0, 4096))),
		nlmsg(syscall.NLMSG_DONE, 3, errnoPayload(0)),
	))
	f.Add(nlmsg(sockDiagByFamily, 3, unixMsg(tcpListenState, 1, rtattr(unixDiagRQLen, []byte{1, 2, 3}))))
	f.Fuzz(func(t *testing.T, buf []byte) {
		qs, _, _ := parseUnixDiagReply(buf, 3, nil)
		if len(qs) > len(buf)/(nlmsgHdrLen+unixDiagMsgLen+12) {
			t.Fatalf("%d queues from %d bytes", len(qs), len(buf))
		}
		for _, q := range qs {
			if q.Network != "unix" || q.Pending < 0 || q.Backlog < 0 || len(q.Address) > len(buf) {
				t.Fatalf("bad queue %+v", q)
			}
		}
	})
}
