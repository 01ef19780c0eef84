package steps

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"syscall"

	"ngx502/probes/netcheck"
	"ngx502/probes/nginx"
	"ngx502/probes/service"
)

// runNetwork checks what lies between nginx and each upstream: the name,
// the route, the listening process, and the security modules. Names are
// resolved first, then every address is connected to and every host
// pinged, concurrently; the checks come out in the config's order.
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
	var mac, idle Outcome
	var queues queueRun
	var wg sync.WaitGroup
	wg.Go(func() { macChecks(ctx, c, &mac) })
	wg.Go(func() { idle = measureIdle(ctx, c) })
	wg.Go(func() { queues = readQueues(ctx, c) })
	eps := distinctTargets(c.Endpoints)
	r := &netRun{ctx: ctx, c: c, o: &o, table: table, byPort: byPort(table), units: map[int]string{}, emitted: map[string]bool{}}
	r.lookups = resolveAll(ctx, c, eps)
	r.dials, r.pings = reachAll(ctx, c, eps, r.lookups)
	wg.Wait()
	r.queues = queues
	if queues.err != nil && len(queues.queues) == 0 {
		o.add(queuesUnknown(queues.err))
	}
	left := 0
	for _, ep := range eps {
		if !r.endpoint(ep) {
			left++
		}
	}
	for _, ch := range append(mac.Checks, idle.Checks...) {
		o.add(ch)
	}
	o.Findings = append(append(o.Findings, mac.Findings...), idle.Findings...)
	o.Summary = networkSummary(o)
	if left > 0 {
		o.Unfinished = notProbedText(ctx, left, len(eps), "upstreams not checked")
		o.Summary += fmt.Sprintf("; %s of %s upstreams not checked (%s)", thousands(left), thousands(len(eps)), stopReason(ctx))
	}
	return o
}

// netRun holds what the network step measured, for assembling its checks
// in the config's order; emitted makes each shared fact one check.
type netRun struct {
	ctx     context.Context
	c       *Case
	o       *Outcome
	table   netcheck.Table
	byPort  map[uint16]netcheck.Table  // table's TCP listeners by port: one lookup per connect check
	units   map[int]string             // systemd unit by PID, read once per PID
	lookups map[string]netcheck.Lookup // absent: not resolved in time
	dials   map[dialKey]netcheck.Dial  // absent: not connected in time
	pings   map[string]netcheck.Ping   // absent: not pinged in time
	queues  queueRun
	emitted map[string]bool
}

// once reports whether key is new, and marks it.
func (r *netRun) once(key string) bool {
	if r.emitted[key] {
		return false
	}
	r.emitted[key] = true
	return true
}

// endpoint adds ep's checks and findings; false when part of it was not
// checked in time.
func (r *netRun) endpoint(ep nginx.Endpoint) bool {
	if ep.Network == "unix" {
		return r.unixChecks(ep)
	}
	addrs, resolved := r.resolveCheck(ep)
	if !resolved {
		return false
	}
	done := r.tcpChecks(ep, addrs)
	if len(addrs) > 0 && r.once("ping "+ep.Host) {
		p, ok := r.pings[ep.Host]
		if !ok {
			r.o.add(notRunCheck(r.ctx, r.c, "ping "+ep.Host, pingCommand(ep)))
		} else {
			r.o.add(pingCheck(ep, p))
		}
	}
	return done
}

func (r *netRun) resolveCheck(ep nginx.Endpoint) ([]netip.Addr, bool) {
	addrs, ok := addrsOf(ep, r.lookups)
	if _, ip := literal(ep.Host); ip {
		return addrs, true
	}
	name, cmd := "resolve "+ep.Host, "getent ahosts "+shellQuote(ep.Host)
	first := r.once(name)
	if !ok {
		if first {
			r.o.add(notRunCheck(r.ctx, r.c, name, cmd))
		}
		return nil, false
	}
	l := r.lookups[ep.Host]
	ch := Check{Name: name, Command: cmd, Status: Pass, Result: fmt.Sprintf("%s in %s", joinAddrs(l.Addrs), ms(l.Took))}
	if l.Err != nil {
		ch.Status, ch.Result = Fail, "does not resolve: "+l.Err.Error()
		r.o.Findings = append(r.o.Findings, Finding{Cause: CauseResolver, Title: CauseOf(CauseResolver).Title,
			Subject: ep.Address, Where: where(ep.Where), Kind: Measured, Evidence: []string{"dns: " + ep.Host + " " + ch.Result},
			Fix: "fix the name at " + where(ep.Where) + " or its DNS/hosts entry, then reload nginx"})
	}
	if first {
		r.o.add(ch)
	}
	return addrs, true
}

func (r *netRun) tcpChecks(ep nginx.Endpoint, addrs []netip.Addr) bool {
	done := true
	ok := map[bool]bool{} // by IPv6-ness: did a connect succeed?
	for _, a := range addrs {
		ap := netip.AddrPortFrom(a, uint16(ep.Port))
		name := "connect " + ap.String()
		cmd := "nc -zv -w 5 " + a.String() + " " + fmt.Sprint(ep.Port)
		d, ran := r.dials[dialKey{"tcp", ap.String()}]
		if !ran {
			done = false
			if r.once(name) {
				r.o.add(notRunCheck(r.ctx, r.c, name, cmd))
			}
			continue
		}
		if d.Err == nil {
			ok[a.Is6()] = true
		}
		if !r.once(name) {
			continue
		}
		owners := r.byPort[ap.Port()].ForTCP(ap)
		ch := Check{Name: name, Command: cmd, Status: Pass}
		if d.Err == nil {
			ch.Result = fmt.Sprintf("open in %s · %s", ms(d.Took), r.ownerText(owners))
			r.o.add(ch)
			r.queueCheck(ep, ap.String())
			continue
		}
		ch.Status, ch.Result = Fail, fmt.Sprintf("%s · %s", errnoText(d), r.ownerText(owners))
		if len(owners) == 0 {
			ch.Result += r.elsewhereText(ap)
		}
		r.o.add(ch)
		r.queueCheck(ep, ap.String())
		if f := errnoFinding(nginx.Endpoint{Network: "tcp", Address: ap.String(), Where: ep.Where}, d.Err, "network: connect "+ap.String()+": "+errnoText(d)); f != nil {
			f.Kind = Measured         // the network's state, not nginx's request
			f.Subject = subjectOf(ep) // one backend, whichever address answered
			if f.Cause == CauseRefused && len(owners) == 0 {
				f.Evidence = append(f.Evidence, "network: nothing listens on "+ap.String())
				f.Fix = "start the service that should listen on " + ap.String() + " (or fix the address at " + where(ep.Where) + ")"
			}
			r.o.Findings = append(r.o.Findings, *f)
		}
	}
	if f := familyFinding(ep, addrs, ok); f != nil {
		r.o.Findings = append(r.o.Findings, *f)
	}
	return done
}

func (r *netRun) unixChecks(ep nginx.Endpoint) bool {
	name, cmd := "connect unix:"+ep.Address, "sudo ss -lxp | grep "+shellQuote(ep.Address)
	d, ran := r.dials[dialKey{"unix", ep.Address}]
	if !ran {
		r.o.add(notRunCheck(r.ctx, r.c, name, cmd))
		return false
	}
	owners := r.table.ForUnix(ep.Address)
	ch := Check{Name: name, Command: cmd, Status: Pass}
	if d.Err == nil {
		ch.Result = fmt.Sprintf("accepts in %s · %s", ms(d.Took), r.ownerText(owners))
		r.o.add(ch)
		r.queueCheck(ep, ep.Address)
		return true
	}
	ch.Status, ch.Result = Fail, fmt.Sprintf("%s · %s", errnoText(d), r.ownerText(owners))
	r.o.add(ch)
	r.queueCheck(ep, ep.Address)
	if f := errnoFinding(ep, d.Err, "network: "+ch.Result); f != nil {
		f.Kind = Measured
		if f.Cause == CauseSocketMissing {
			f.Fix = "start the backend that creates " + ep.Address + " (or fix the path at " + where(ep.Where) + ")"
		}
		r.o.Findings = append(r.o.Findings, *f)
	}
	return true
}

func pingCommand(ep nginx.Endpoint) string { return "ping -c 3 " + shellQuote(ep.Host) }

func pingCheck(ep nginx.Endpoint, p netcheck.Ping) Check {
	ch := Check{Name: "ping " + ep.Host, Command: pingCommand(ep), Status: Pass}
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
		o.Findings = append(o.Findings, Finding{Cause: CauseSELinux, Title: CauseOf(CauseSELinux).Title, Kind: Measured,
			Evidence: append([]string{"selinux: " + ch.Result}, m.Denials...), Fix: CauseOf(CauseSELinux).Fix})
	}
	o.add(ch)
	aa := Check{Name: "AppArmor", Command: "sudo aa-status", Status: Pass, Result: m.AppArmor}
	if m.NginxProfile != "" {
		aa.Result += " · nginx profile: " + m.NginxProfile
	}
	o.add(aa)
}

// byPort splits t's TCP listeners by port. ForTCP only ever matches on the
// probed port, so asking the port's table gives the same owners without
// scanning thousands of listeners per check.
func byPort(t netcheck.Table) map[uint16]netcheck.Table {
	out := map[uint16]netcheck.Table{}
	for _, l := range t.Listeners {
		if l.Network != "unix" {
			p := out[l.Address.Port()]
			p.Listeners, p.Partial = append(p.Listeners, l), t.Partial
			out[l.Address.Port()] = p
		}
	}
	return out
}

// elsewhereText names the other addresses the port is bound on, when the
// one dialed has no listener: "; port 8081 is bound on [::1]:8081 only".
func (r *netRun) elsewhereText(ap netip.AddrPort) string {
	var bound []string
	for _, l := range r.byPort[ap.Port()].Listeners {
		if l.Address.IsValid() && !slices.Contains(bound, l.Address.String()) {
			bound = append(bound, l.Address.String())
		}
	}
	if len(bound) == 0 {
		return ""
	}
	return fmt.Sprintf("; port %d is bound on %s only", ap.Port(), strings.Join(bound, ", "))
}

func (r *netRun) ownerText(ls []netcheck.Listener) string {
	if len(ls) == 0 {
		return "nothing listens"
	}
	var parts []string
	for _, l := range ls {
		at := ""
		if l.Address.IsValid() {
			at = " on " + l.Address.String()
		}
		unit, ok := r.units[l.PID]
		if !ok {
			unit = service.UnitOfPID(r.c.Opts.ProcRoot, l.PID)
			r.units[l.PID] = unit
		}
		switch {
		case l.PID == 0 && r.table.Partial:
			parts = append(parts, "a process this user cannot see (run with sudo)"+at)
		case l.PID == 0:
			parts = append(parts, "an unknown process"+at)
		case unit != "":
			parts = append(parts, fmt.Sprintf("%s (pid %d, %s)%s", l.Process, l.PID, unit, at))
		default:
			parts = append(parts, fmt.Sprintf("%s (pid %d)%s", l.Process, l.PID, at))
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
	fails, ran := 0, 0
	for _, ch := range o.Checks {
		switch ch.Status {
		case Fail:
			fails++
			ran++
		case Skipped:
		default:
			ran++
		}
	}
	if fails == 0 {
		return fmt.Sprintf("%s checks passed", thousands(ran))
	}
	for _, f := range o.Findings {
		return fmt.Sprintf("%s of %s checks fail: %s", thousands(fails), thousands(ran), strings.TrimPrefix(f.Evidence[0], "network: "))
	}
	return fmt.Sprintf("%s of %s checks fail", thousands(fails), thousands(ran))
}
