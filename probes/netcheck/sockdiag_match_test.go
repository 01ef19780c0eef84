package netcheck

import "testing"

func TestQueuesFor(t *testing.T) {
	qs := []Queue{
		{Network: "tcp", Address: "0.0.0.0:9000", Inode: 1},
		{Network: "tcp", Address: "127.0.0.1:9000", Inode: 2},
		{Network: "tcp", Address: "[::]:8080", Inode: 3},
		{Network: "tcp", Address: "[::ffff:127.0.0.1]:7000", Inode: 4},
		{Network: "tcp", Address: "[::1]:9000", Inode: 5},
		{Network: "unix", Address: "/run/php/php8.2-fpm.sock", Inode: 6},
		{Network: "unix", Address: "@abstract", Inode: 7},
		{Network: "unix", Address: "", Inode: 8},
	}
	cases := []struct {
		network, address string
		want             []uint64
	}{
		{"tcp", "127.0.0.1:9000", []uint64{2, 1}}, // exact first, then the wildcard
		{"tcp", "10.1.2.3:9000", []uint64{1}},
		{"tcp", "[::1]:9000", []uint64{5}}, // 0.0.0.0 takes no IPv6
		{"tcp", "127.0.0.1:8080", []uint64{3}},
		{"tcp", "[::1]:8080", []uint64{3}},
		{"tcp", "127.0.0.1:7000", []uint64{4}},
		{"tcp", "127.0.0.1:1", nil},
		{"tcp", "localhost:9000", nil}, // names are the caller's to resolve
		{"unix", "/run/php/php8.2-fpm.sock", []uint64{6}},
		{"unix", "unix:/var/run/php/php8.2-fpm.sock", []uint64{6}},
		{"unix", "/run/php//php8.2-fpm.sock", []uint64{6}},
		{"unix", "@abstract", []uint64{7}},
		{"unix", "", nil},
		{"udp", "127.0.0.1:9000", nil},
	}
	for _, tc := range cases {
		got := QueuesFor(qs, tc.network, tc.address)
		var inodes []uint64
		for _, q := range got {
			inodes = append(inodes, q.Inode)
		}
		if len(inodes) != len(tc.want) {
			t.Errorf("QueuesFor(%s %q) = %v, want %v", tc.network, tc.address, inodes, tc.want)
			continue
		}
		for i := range inodes {
			if inodes[i] != tc.want[i] {
				t.Errorf("QueuesFor(%s %q) = %v, want %v", tc.network, tc.address, inodes, tc.want)
				break
			}
		}
	}
}
