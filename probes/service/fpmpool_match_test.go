package service

import "testing"

func TestPoolFor(t *testing.T) {
	pools := []FPMPool{
		{Name: "sock", Listen: "/run/php/php8.2-fpm.sock"},
		{Name: "any", Listen: "9000"},
		{Name: "lo", Listen: "127.0.0.1:9000"},
		{Name: "v4any", Listen: "0.0.0.0:9001"},
		{Name: "v6any", Listen: "[::]:9002"},
		{Name: "v6lo", Listen: "[::1]:9003"},
		{Name: "named", Listen: "localhost:9004"},
		{Name: "unset"},
	}
	cases := []struct {
		network, address, want string // want "" means no pool
	}{
		{"unix", "/run/php/php8.2-fpm.sock", "sock"},
		{"unix", "unix:/var/run/php/php8.2-fpm.sock", "sock"},
		{"unix", "/run/php/other.sock", ""},
		{"tcp", "127.0.0.1:9000", "lo"}, // exact beats the bare port
		{"tcp", "10.0.0.5:9000", "any"},
		{"tcp", "[::1]:9000", "any"},
		{"tcp", "localhost:9000", "lo"},
		{"tcp", "127.0.0.1:9001", "v4any"},
		{"tcp", "[::1]:9001", ""}, // 0.0.0.0 takes no IPv6
		{"tcp", "127.0.0.1:9002", "v6any"},
		{"tcp", "[::1]:9003", "v6lo"},
		{"tcp", "127.0.0.1:9003", ""},
		{"tcp", "127.0.0.1:9004", "named"},
		{"tcp", "LOCALHOST:9004", "named"},
		{"tcp", "127.0.0.1:9999", ""},
		{"tcp", "9000", ""}, // not host:port
		{"udp", "127.0.0.1:9000", ""},
	}
	for _, tc := range cases {
		p, ok := PoolFor(pools, tc.network, tc.address)
		if ok != (tc.want != "") || p.Name != tc.want {
			t.Errorf("PoolFor(%s %q) = %q %v, want %q", tc.network, tc.address, p.Name, ok, tc.want)
		}
	}
}

func TestListenHostPort(t *testing.T) {
	cases := []struct {
		listen, host, port string
		ok                 bool
	}{
		{"9000", "", "9000", true},
		{"127.0.0.1:9000", "127.0.0.1", "9000", true},
		{"[::]:9000", "::", "9000", true},
		{"[2001:db8::1]:9000", "2001:db8::1", "9000", true},
		{"/run/php.sock", "", "", false},
		{"", "", "", false},
		{"php", "", "", false},
	}
	for _, tc := range cases {
		h, p, ok := listenHostPort(tc.listen)
		if h != tc.host || p != tc.port || ok != tc.ok {
			t.Errorf("listenHostPort(%q) = %q %q %v, want %q %q %v", tc.listen, h, p, ok, tc.host, tc.port, tc.ok)
		}
	}
}
