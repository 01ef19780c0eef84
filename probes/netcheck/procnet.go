package netcheck

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// tcpListen is the kernel's TCP_LISTEN state as printed in /proc/net/tcp's "st" column.
const tcpListen = "0A"

// soAcceptCon is __SO_ACCEPTCON, the /proc/net/unix flag of a listening socket.
const soAcceptCon = 0x10000

// ParseProcNetTCP returns the listening sockets in the text of /proc/net/tcp
// (v6 false) or /proc/net/tcp6 (v6 true); connected sockets are skipped.
// Lines that do not parse are an error, naming the line, because a silently
// short table would make "nothing listens" look true.
func ParseProcNetTCP(data []byte, v6 bool) ([]Listener, error) {
	network := "tcp"
	if v6 {
		network = "tcp6"
	}
	var out []Listener
	var f [][]byte
	var starts []int
	for i, line := range bytes.Split(data, []byte("\n")) {
		f, starts = fields(line, f, starts)
		if len(f) == 0 || (i == 0 && string(f[0]) == "sl") {
			continue
		}
		// sl local rem st tx:rx tr:when retrnsmt uid timeout inode …
		if len(f) < 10 {
			return out, fmt.Errorf("%s line %d: %d fields, want at least 10", network, i+1, len(f))
		}
		if string(f[3]) != tcpListen {
			continue
		}
		ap, err := parseHexAddrPort(string(f[1]), v6)
		if err != nil {
			return out, fmt.Errorf("%s line %d: %w", network, i+1, err)
		}
		inode, err := strconv.ParseUint(string(f[9]), 10, 64)
		if err != nil {
			return out, fmt.Errorf("%s line %d: inode: %w", network, i+1, err)
		}
		out = append(out, Listener{Network: network, Address: ap, Inode: inode})
	}
	return out, nil
}

// parseHexAddrPort decodes "0100007F:1F90": the address is the kernel's
// network-order words printed as native-endian integers, the port is host order.
func parseHexAddrPort(s string, v6 bool) (netip.AddrPort, error) {
	i := strings.IndexByte(s, ':')
	if i < 0 {
		return netip.AddrPort{}, fmt.Errorf("address %q: no port", s)
	}
	hexAddr, hexPort := s[:i], s[i+1:]
	want := 8
	if v6 {
		want = 32
	}
	if len(hexAddr) != want {
		return netip.AddrPort{}, fmt.Errorf("address %q: %d hex digits, want %d", s, len(hexAddr), want)
	}
	raw, err := hex.DecodeString(hexAddr)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("address %q: %w", s, err)
	}
	// Each 32-bit word was printed with %08X from memory holding network order.
	b := make([]byte, len(raw))
	for w := 0; w < len(raw); w += 4 {
		binary.NativeEndian.PutUint32(b[w:], binary.BigEndian.Uint32(raw[w:]))
	}
	port, err := strconv.ParseUint(hexPort, 16, 16)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("port %q: %w", hexPort, err)
	}
	addr, _ := netip.AddrFromSlice(b)
	return netip.AddrPortFrom(addr, uint16(port)), nil
}

// ParseProcNetUnix returns the listening sockets in the text of /proc/net/unix.
// Abstract socket names keep the kernel's leading "@"; unnamed listeners have Path "".
func ParseProcNetUnix(data []byte) ([]Listener, error) {
	var out []Listener
	var f [][]byte
	var starts []int
	for i, line := range bytes.Split(data, []byte("\n")) {
		f, starts = fields(line, f, starts)
		if len(f) == 0 || (i == 0 && string(f[0]) == "Num") {
			continue
		}
		// Num RefCount Protocol Flags Type St Inode [Path]
		if len(f) < 7 {
			return out, fmt.Errorf("unix line %d: %d fields, want at least 7", i+1, len(f))
		}
		flags, err := strconv.ParseUint(string(f[3]), 16, 32)
		if err != nil {
			return out, fmt.Errorf("unix line %d: flags: %w", i+1, err)
		}
		if flags&soAcceptCon == 0 {
			continue
		}
		inode, err := strconv.ParseUint(string(f[6]), 10, 64)
		if err != nil {
			return out, fmt.Errorf("unix line %d: inode: %w", i+1, err)
		}
		path := ""
		if len(f) > 7 {
			// Everything after the inode column: the kernel prints the path raw, spaces included.
			path = string(bytes.TrimRight(line[starts[7]:], " \t\r"))
		}
		out = append(out, Listener{Network: "unix", Path: path, Inode: inode})
	}
	return out, nil
}

// fields splits a line on spaces and tabs (the only separators the kernel
// prints) and also returns where each field starts.
// The caller's slices are reused (pass them back truncated) to spare allocations.
func fields(line []byte, f [][]byte, starts []int) ([][]byte, []int) {
	f, starts = f[:0], starts[:0]
	start := -1
	for i, c := range line {
		sep := c == ' ' || c == '\t' || c == '\r'
		switch {
		case sep && start >= 0:
			f, starts = append(f, line[start:i]), append(starts, start)
			start = -1
		case !sep && start < 0:
			start = i
		}
	}
	if start >= 0 {
		f, starts = append(f, line[start:]), append(starts, start)
	}
	return f, starts
}
