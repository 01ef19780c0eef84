package steps

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"ngx502/probes/netcheck"
	"ngx502/probes/nginx"
	"ngx502/probes/service"
)

// queueRun is the accept queues of every listening socket, read once per
// network step, and the php-fpm pools that may bound them.
type queueRun struct {
	queues []netcheck.Queue
	byPort map[string][]netcheck.Queue // TCP queues by port, unix ones under "unix": 5,000 upstreams must not scan 5,000 queues each
	err    error
	pools  []service.FPMPool
}

// readQueues reads the kernel's accept queues (what ss shows as Recv-Q and
// Send-Q of listeners) and the php-fpm pools of this box.
func readQueues(ctx context.Context, c *Case) queueRun {
	var q queueRun
	q.queues, q.err = netcheck.ListenQueues(ctx)
	q.byPort = map[string][]netcheck.Queue{}
	for _, x := range q.queues {
		k := "unix"
		if x.Network == "tcp" {
			ap, err := netip.ParseAddrPort(x.Address)
			if err != nil {
				continue
			}
			k = fmt.Sprint(ap.Port())
		}
		q.byPort[k] = append(q.byPort[k], x)
	}
	q.pools, _ = service.FPMPools(orDefault(c.Opts.Root, "/"))
	return q
}

// of is the queue of the socket a connect to addr reaches.
func (q queueRun) of(network, addr string) []netcheck.Queue {
	k := "unix"
	if network == "tcp" {
		ap, err := netip.ParseAddrPort(addr)
		if err != nil {
			return nil
		}
		k = fmt.Sprint(ap.Port())
	}
	return netcheck.QueuesFor(q.byPort[k], network, addr)
}

// queueCheck shows the accept queue of the socket ep connects to; a full
// one is upstream-busy: nginx's connects then fail with EAGAIN (unix) or
// time out (TCP), whatever the probe of one request says.
func (r *netRun) queueCheck(ep nginx.Endpoint, addr string) {
	key := "queue " + ep.Network + " " + addr
	if !r.once(key) || r.queues.err != nil && len(r.queues.queues) == 0 {
		return
	}
	name, cmd := "accept queue of "+addr, "ss -ltn 'sport = :"+fmt.Sprint(ep.Port)+"'"
	if ep.Network == "unix" {
		name, cmd = "accept queue of unix:"+addr, "ss -lx | grep "+shellQuote(addr)
	}
	qs := r.queues.of(ep.Network, addr)
	if len(qs) == 0 {
		return // nothing listens: the connect checks say so
	}
	q := qs[0]
	ch := Check{Name: name, Command: cmd, Status: Pass,
		Result: fmt.Sprintf("%d waiting of a backlog of %d", q.Pending, q.Backlog)}
	if !q.Full() {
		r.o.add(ch)
		return
	}
	ch.Status = Fail
	ch.Result = fmt.Sprintf("full: %d connections wait to be accepted, the backlog is %d — the backend accepts no more", q.Pending, q.Backlog)
	bound, fix := r.queueBound(ep, addr)
	if bound != "" {
		ch.Result += " · " + bound
	}
	r.o.add(ch)
	explains := []CauseID{CauseTimeout} // a full TCP backlog drops SYNs: nginx's connect times out
	r.o.Findings = append(r.o.Findings, Finding{Cause: CauseBusy, Title: CauseOf(CauseBusy).Title, Subject: subjectOf(ep),
		Where: where(ep.Where), Kind: Measured, Evidence: []string{"network: accept queue of " + subjectOf(ep) + " " + ch.Result},
		Fix: fix, Explains: explains})
}

// queueBound names the setting that bounds the backend's workers and
// backlog, where this box says it: a php-fpm pool's pm.max_children and
// listen.backlog, or the worker flag on the listener's command line.
func (r *netRun) queueBound(ep nginx.Endpoint, addr string) (bound, fix string) {
	fix = fmt.Sprintf("find what keeps %s's workers busy (slow requests, a blocked database), then raise its worker count and listen backlog", subjectOf(ep))
	if p, ok := service.PoolFor(r.queues.pools, ep.Network, addr); ok {
		bound = fmt.Sprintf("php-fpm pool [%s]: pm = %s, pm.max_children = %d (%s:%d)", p.Name, p.PM, p.MaxChildren, p.MaxChildrenFile, p.MaxChildrenLine)
		backlog := "listen.backlog unset (the kernel's somaxconn)"
		if p.BacklogLine > 0 {
			backlog = fmt.Sprintf("listen.backlog = %d (%s:%d)", p.ListenBacklog, p.BacklogFile, p.BacklogLine)
		}
		bound += ", " + backlog
		fix = fmt.Sprintf("find what keeps the pool's workers busy (php-fpm's slowlog, its log's \"server reached pm.max_children\"), then raise pm.max_children at %s:%d and restart php-fpm",
			p.MaxChildrenFile, p.MaxChildrenLine)
		return bound, fix
	}
	for _, l := range r.listenersOf(ep, addr) {
		argv := strings.Fields(l.Cmdline)
		if n, set, ok := service.WorkersFromArgv(argv); ok {
			bound = fmt.Sprintf("%s (pid %d) runs %d workers (%s)", l.Process, l.PID, n, set)
			fix = fmt.Sprintf("find what keeps its %d workers busy, then raise %s on %s's command line", n, set, l.Process)
			if b, bset, ok := service.BacklogFromArgv(argv); ok {
				bound += fmt.Sprintf(", backlog %d (%s)", b, bset)
			}
			return bound, fix
		}
	}
	return "", fix
}

// listenersOf are the processes that hold the socket ep connects to.
func (r *netRun) listenersOf(ep nginx.Endpoint, addr string) []netcheck.Listener {
	if ep.Network == "unix" {
		return r.table.ForUnix(addr)
	}
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return nil
	}
	return r.byPort[ap.Port()].ForTCP(ap)
}

// queuesUnknown is the check shown once when the kernel's queues cannot
// be read (no netlink sock_diag, as in some containers).
func queuesUnknown(err error) Check {
	why := err.Error()
	if errors.Is(err, netcheck.ErrNoSockDiag) {
		why = "this kernel or container does not answer netlink sock_diag"
	}
	return Check{Name: "accept queues", Command: "ss -ltnx", Status: Skipped,
		Result: "cannot read the listeners' accept queues: " + why + "; run ss -ltnx by hand"}
}
