package netcheck

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	probing "github.com/prometheus-community/pro-bing"
)

// maxPings bounds count so a caller's typo cannot hold a probe for minutes.
const maxPings = 10

// pingInterval is short enough for a quick probe yet spaced enough not to flood.
const pingInterval = 200 * time.Millisecond

// Ping is the reachability of one host, by ICMP echo or, failing that, TCP connects.
type Ping struct {
	Host           string
	Method         string // "icmp" or "tcp"
	Sent, Received int    // for "tcp", Received counts connects answered (accepted or refused)
	AvgRTT         time.Duration
	Err            error
	Note           string // why ICMP was not used or not trusted, e.g. no permission
}

// PingHost sends count (1…10) ICMP echoes to host within timeout: over a raw
// socket as root, else over an unprivileged ICMP datagram socket when
// net.ipv4.ping_group_range allows. When ICMP is not permitted or gets no
// reply (firewalls often drop it), it times TCP connects to host:port instead,
// where a refusal still proves the host answers. port 0 disables the fallback.
// The whole probe ends within timeout: ICMP gets half of it when TCP may follow.
func PingHost(ctx context.Context, host string, port int, count int, timeout time.Duration) Ping {
	count = max(1, min(count, maxPings))
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	icmpTimeout := timeout
	if port > 0 {
		icmpTimeout = timeout / 2
	}
	p := Ping{Host: host, Method: "icmp"}
	privileged := os.Geteuid() == 0
	if !privileged && !pingGroupAllows("/proc/sys/net/ipv4/ping_group_range", os.Getegid()) {
		p.Note = "ICMP needs root or net.ipv4.ping_group_range covering this group"
		return tcpPing(ctx, p, port, count)
	}
	pinger := probing.New(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
	pinger.SetLogger(probing.NoopLogger{})
	pinger.SetPrivileged(privileged)
	pinger.Count, pinger.Interval, pinger.Timeout = count, pingInterval, icmpTimeout
	pinger.ResolveTimeout = icmpTimeout
	err := pinger.RunWithContext(ctx)
	st := pinger.Statistics()
	p.Sent, p.Received, p.AvgRTT = st.PacketsSent, st.PacketsRecv, st.AvgRtt
	switch {
	case p.Received > 0:
		return p // replies are proof enough, even if the run ended on its timeout
	case err != nil && (errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES)):
		p.Note = fmt.Sprintf("ICMP not permitted here (%v)", err)
	case ctx.Err() != nil:
		p.Err = fmt.Errorf("ping %s: %w", host, ctx.Err())
		return p
	case err != nil:
		p.Note = fmt.Sprintf("ICMP failed (%v)", err)
	default:
		p.Note = fmt.Sprintf("no ICMP echo reply to %d requests (ICMP may be filtered)", p.Sent)
	}
	if port <= 0 {
		p.Err = fmt.Errorf("ping %s: %s, and no port to try TCP", host, p.Note)
		return p
	}
	return tcpPing(ctx, p, port, count)
}

// tcpPing times count TCP connects to host:port until ctx's deadline.
func tcpPing(ctx context.Context, p Ping, port, count int) Ping {
	p.Method, p.Sent, p.Received, p.AvgRTT = "tcp", 0, 0, 0
	if port <= 0 || port > 65535 {
		p.Err = fmt.Errorf("tcp ping %s: port %d out of range", p.Host, port)
		return p
	}
	addr := net.JoinHostPort(strings.TrimSuffix(strings.TrimPrefix(p.Host, "["), "]"), strconv.Itoa(port))
	var total time.Duration
	var last error
	for i := 0; i < count && ctx.Err() == nil; i++ {
		left := time.Until(deadlineOf(ctx))
		d := Connect(ctx, "tcp", addr, left)
		p.Sent++
		if d.Err == nil || d.Errno == syscall.ECONNREFUSED {
			p.Received++
			total += d.Took
		} else {
			last = d.Err
		}
	}
	if p.Received > 0 {
		p.AvgRTT = total / time.Duration(p.Received)
	} else if last != nil {
		p.Err = fmt.Errorf("tcp ping %s: %w", addr, last)
	} else {
		p.Err = fmt.Errorf("tcp ping %s: %w", addr, ctx.Err())
	}
	return p
}

func deadlineOf(ctx context.Context) time.Time {
	d, _ := ctx.Deadline()
	return d
}

// pingGroupAllows reports whether gid lies in the "lo hi" range of the sysctl file.
func pingGroupAllows(path string, gid int) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return false
	}
	lo, err1 := strconv.Atoi(f[0])
	hi, err2 := strconv.Atoi(f[1])
	return err1 == nil && err2 == nil && lo <= gid && gid <= hi
}
