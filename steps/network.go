package steps

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"syscall"

	"ngx502/probes/netcheck"
	"ngx502/probes/nginx"
	"ngx502/probes/service"
)

// runNetwork checks what lies between nginx and each upstream: the name,
// the route, the listening process, and the security modules.
func runNetwork(ctx context.Context, c *Case) Outcome {
	o := Outcome{Status: Pass}
	if len(c.Endpoints) == 0 {
		o.Status, o.Summary = Skipped, "no upstream to check"
		return o
	}
	table, err := netcheck.ReadTable(c.Opts.ProcRoot)
	if err != nil {
		o.add(Check{Name: "listening sockets", Command: "sudo ss -ltnpx", Status: Warn, Result: "cannot read: " + err.Error()})
	}
	pinged := map[string]bool{}
	for _, ep := range c.Endpoints {
		if ep.Network == "unix" {
			unixChecks(ctx, c, &o, table, ep)
			continue
		}
		addrs := resolveChecks(ctx, c, &o, ep)
		tcpChecks(ctx, c, &o, table, ep, addrs)
		if len(addrs) > 0 && !pinged[ep.Host] {
			pinged[ep.Host] = true
			o.add(pingCheck(ctx, c, ep))
		}
	}
	macChecks(ctx, c, &o)
	o.Summary = networkSummary(o)
	return o
}

func resolveChecks(ctx context.Context, c *Case, o *Outcome, ep nginx.Endpoint) []netip.Addr {
	if a, err := netip.ParseAddr(ep.Host); err == nil {
		return []netip.Addr{a}
	}
	l := netcheck.Resolve(ctx, ep.Host, c.Opts.Timeout)
	ch := Check{Name: "resolve " + ep.Host, Command: "getent ahosts " + shellQuote(ep.Host), Status: Pass}
	if l.Err != nil {
		ch.Status, ch.Result = Fail, "does not resolve: "+l.Err.Error()
		o.add(ch)
		o.Findings = append(o.Findings, Finding{Cause: CauseResolver, Title: CauseOf(CauseResolver).Title,
			Subject: ep.Address, Where: where(ep.Where), Weight: 3, Evidence: []string{"dns: " + ep.Host + " " + ch.Result},
			Fix: "fix the name at " + where(ep.Where) + " or its DNS/hosts entry, then reload nginx"})
		return nil
	}
	ch.Result = fmt.Sprintf("%s in %s", joinAddrs(l.Addrs), ms(l.Took))
	o.add(ch)
	return l.Addrs
}

func tcpChecks(ctx context.Context, c *Case, o *Outcome, t netcheck.Table, ep nginx.Endpoint, addrs []netip.Addr) {
	ok := map[bool]bool{} // by IPv6-ness: did a connect succeed?
	for _, a := range addrs {
		ap := netip.AddrPortFrom(a, uint16(ep.Port))
		d := netcheck.Connect(ctx, "tcp", ap.String(), c.Opts.Timeout)
		owners := t.ForTCP(ap)
		ch := Check{Name: "connect " + ap.String(), Command: "nc -zv -w 5 " + a.String() + " " + fmt.Sprint(ep.Port), Status: Pass}
		if d.Err == nil {
			ok[a.Is6()] = true
			ch.Result = fmt.Sprintf("open in %s · %s", ms(d.Took), ownerText(c, owners, t.Partial))
			o.add(ch)
			continue
		}
		ch.Status, ch.Result = Fail, fmt.Sprintf("%s · %s", errnoText(d), ownerText(c, owners, t.Partial))
		o.add(ch)
		if f := errnoFinding(nginx.Endpoint{Network: "tcp", Address: ap.String(), Where: ep.Where}, d.Err, "network: connect "+ap.String()+": "+errnoText(d)); f != nil {
			if f.Cause == CauseRefused && len(owners) == 0 {
				f.Weight = 2
				f.Evidence = append(f.Evidence, "network: nothing listens on "+ap.String())
				f.Fix = "start the service that should listen on " + ap.String() + " (or fix the address at " + where(ep.Where) + ")"
			}
			o.Findings = append(o.Findings, *f)
		}
	}
	if ep.Host == "localhost" && ok[false] && !ok[true] && len(addrs) > 1 {
		o.Findings = append(o.Findings, Finding{Cause: CauseLocalhostIPv6, Title: CauseOf(CauseLocalhostIPv6).Title,
			Subject: ep.Address, Where: where(ep.Where), Weight: 4,
			Evidence: []string{"network: localhost resolves to " + joinAddrs(addrs) + "; only the IPv4 address accepts connections"},
			Fix:      fmt.Sprintf("write 127.0.0.1:%d instead of localhost:%d at %s", ep.Port, ep.Port, where(ep.Where))})
	}
}

func unixChecks(ctx context.Context, c *Case, o *Outcome, t netcheck.Table, ep nginx.Endpoint) {
	d := netcheck.Connect(ctx, "unix", ep.Address, c.Opts.Timeout)
	owners := t.ForUnix(ep.Address)
	ch := Check{Name: "connect unix:" + ep.Address, Command: "sudo ss -lxp | grep " + shellQuote(ep.Address), Status: Pass}
	if d.Err == nil {
		ch.Result = fmt.Sprintf("accepts in %s · %s", ms(d.Took), ownerText(c, owners, t.Partial))
		o.add(ch)
		return
	}
	ch.Status, ch.Result = Fail, fmt.Sprintf("%s · %s", errnoText(d), ownerText(c, owners, t.Partial))
	o.add(ch)
	if f := errnoFinding(ep, d.Err, "network: "+ch.Result); f != nil {
		f.Weight = 2
		if f.Cause == CauseSocketMissing {
			f.Fix = "start the backend that creates " + ep.Address + " (or fix the path at " + where(ep.Where) + ")"
		}
		o.Findings = append(o.Findings, *f)
	}
}

func pingCheck(ctx context.Context, c *Case, ep nginx.Endpoint) Check {
	p := netcheck.PingHost(ctx, ep.Host, ep.Port, 3, c.Opts.Timeout)
	ch := Check{Name: "ping " + ep.Host, Command: "ping -c 3 " + shellQuote(ep.Host), Status: Pass}
	switch {
	case p.Received > 0:
		ch.Result = fmt.Sprintf("%s: %d/%d replies, avg %s", p.Method, p.Received, p.Sent, ms(p.AvgRTT))
	case p.Method == "tcp" && p.Err != nil && errors.Is(p.Err, syscall.ECONNREFUSED):
		ch.Result = "tcp: host answers (port refused), so the host is up"
	default:
		ch.Status, ch.Result = Warn, fmt.Sprintf("%s: no reply (%v)", p.Method, p.Err)
	}
	if p.Note != "" {
		ch.Result += " · " + p.Note
	}
	return ch
}

func macChecks(ctx context.Context, c *Case, o *Outcome) {
	pid := 0
	if c.Install.Master != nil {
		pid = c.Install.Master.PID
	}
	m := netcheck.ReadMAC(ctx, c.Opts.ProcRoot, pid)
	ch := Check{Name: "SELinux", Command: "getenforce; getsebool httpd_can_network_connect", Status: Pass, Result: m.SELinux}
	tcp := false
	for _, ep := range c.Endpoints {
		tcp = tcp || ep.Network == "tcp"
	}
	if m.SELinux == "enforcing" && m.HTTPDCanNetworkConnect != nil && !*m.HTTPDCanNetworkConnect && tcp {
		ch.Status, ch.Result = Fail, "enforcing, httpd_can_network_connect off: nginx may not connect to TCP upstreams"
		o.Findings = append(o.Findings, Finding{Cause: CauseSELinux, Title: CauseOf(CauseSELinux).Title, Weight: 4,
			Evidence: append([]string{"selinux: " + ch.Result}, m.Denials...), Fix: CauseOf(CauseSELinux).Fix})
	}
	o.add(ch)
	aa := Check{Name: "AppArmor", Command: "sudo aa-status", Status: Pass, Result: m.AppArmor}
	if m.NginxProfile != "" {
		aa.Result += " · nginx profile: " + m.NginxProfile
	}
	o.add(aa)
}

func ownerText(c *Case, ls []netcheck.Listener, partial bool) string {
	if len(ls) == 0 {
		return "nothing listens"
	}
	var parts []string
	for _, l := range ls {
		unit := service.UnitOfPID(c.Opts.ProcRoot, l.PID)
		switch {
		case l.PID == 0 && partial:
			parts = append(parts, "a process this user cannot see (run with sudo)")
		case l.PID == 0:
			parts = append(parts, "an unknown process")
		case unit != "":
			parts = append(parts, fmt.Sprintf("%s (pid %d, %s)", l.Process, l.PID, unit))
		default:
			parts = append(parts, fmt.Sprintf("%s (pid %d)", l.Process, l.PID))
		}
	}
	return "listening: " + strings.Join(parts, ", ")
}

func errnoText(d netcheck.Dial) string {
	if d.Errno != 0 {
		return fmt.Sprintf("%s (%d)", d.Errno.Error(), int(d.Errno))
	}
	return d.Err.Error()
}

func joinAddrs(as []netip.Addr) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

func networkSummary(o Outcome) string {
	fails := 0
	for _, ch := range o.Checks {
		if ch.Status == Fail {
			fails++
		}
	}
	if fails == 0 {
		return fmt.Sprintf("%d checks passed", len(o.Checks))
	}
	for _, f := range o.Findings {
		return fmt.Sprintf("%d of %d checks fail: %s", fails, len(o.Checks), strings.TrimPrefix(f.Evidence[0], "network: "))
	}
	return fmt.Sprintf("%d of %d checks fail", fails, len(o.Checks))
}
