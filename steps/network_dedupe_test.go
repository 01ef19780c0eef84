package steps

import (
	"context"
	"net"
	"strconv"
	"testing"

	"ngx502/probes/nginx"
)

// refusingPort returns a loopback port that was bound a moment ago and released.
func refusingPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// One address used by two protocols is connected once; one host is pinged
// once; the checks keep the config's order.
func TestNetworkConnectsEachAddressOnce(t *testing.T) {
	p, q := refusingPort(t), refusingPort(t)
	ep := func(port int, proto string) nginx.Endpoint {
		return nginx.Endpoint{Network: "tcp", Address: "127.0.0.1:" + strconv.Itoa(port), Host: "127.0.0.1", Port: port, Protocol: proto}
	}
	c := &Case{Opts: Options{}.withDefaults(), Endpoints: []nginx.Endpoint{ep(p, "http"), ep(p, "fastcgi"), ep(q, "http")}}
	o := RunStep(context.Background(), c, Network, nil)
	counts := map[string]int{}
	var order []string
	for _, ch := range o.Checks {
		counts[ch.Name]++
		order = append(order, ch.Name)
	}
	first, second := "connect 127.0.0.1:"+strconv.Itoa(p), "connect 127.0.0.1:"+strconv.Itoa(q)
	if counts[first] != 1 || counts[second] != 1 || counts["ping 127.0.0.1"] != 1 {
		t.Fatalf("checks %v: want one connect per address and one ping", order)
	}
	if order[0] != first || order[1] != "ping 127.0.0.1" || order[2] != second {
		t.Errorf("checks %v: want the config's order (connect, ping, connect, …)", order)
	}
	refused := 0
	for _, f := range o.Findings {
		if f.Cause == CauseRefused {
			refused++
		}
	}
	if refused != 2 || o.Unfinished != "" {
		t.Errorf("%d refused findings (want 2), Unfinished %q", refused, o.Unfinished)
	}
}
