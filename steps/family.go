package steps

import (
	"fmt"
	"net/netip"
	"strings"

	"ngx502/probes/nginx"
)

// familyFinding: a name with IPv4 and IPv6 addresses where only one family
// accepts. nginx resolved the name at start-up and tries its addresses in
// turn (IPv4 first), so every try of the dead family is a logged error and
// a 502 once all tries fail — localhost with a backend on ::1 only is the
// classic. The fix is the exact address that answers.
func familyFinding(ep nginx.Endpoint, addrs []netip.Addr, accepted map[bool]bool) *Finding {
	has := map[bool]bool{}
	for _, a := range addrs {
		has[a.Is6() && !a.Is4In6()] = true
	}
	if !has[false] || !has[true] || accepted[false] == accepted[true] {
		return nil
	}
	good, bad := "127.0.0.1", "::1"
	for _, a := range addrs {
		if is6 := a.Is6() && !a.Is4In6(); is6 == accepted[true] {
			good = a.String()
			break
		}
	}
	for _, a := range addrs {
		if is6 := a.Is6() && !a.Is4In6(); is6 != accepted[true] {
			bad = a.String()
			break
		}
	}
	port := fmt.Sprint(ep.Port)
	write := netip.AddrPortFrom(netip.MustParseAddr(good), uint16(ep.Port)).String()
	family := "IPv4"
	if accepted[true] {
		family = "IPv6"
	}
	return &Finding{Cause: CauseLocalhostIPv6, Title: CauseOf(CauseLocalhostIPv6).Title,
		Subject: subjectOf(ep), Where: where(ep.Where), Kind: Measured,
		Evidence: []string{fmt.Sprintf("network: %s resolves to %s (nginx tries them in this order); only the %s address %s accepts connections on port %s",
			ep.Host, joinAddrs(addrs), family, good, port)},
		Fix: fmt.Sprintf("write %s instead of %s at %s and reload nginx (or make the backend listen on %s too)",
			write, ep.Address, where(ep.Where), bracket(bad)),
		Explains: []CauseID{CauseRefused, CauseUnreachable}}
}

// bracket writes an IPv6 address the way a listen line needs it.
func bracket(a string) string {
	if strings.Contains(a, ":") {
		return "[" + a + "]"
	}
	return a
}
