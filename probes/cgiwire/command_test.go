package cgiwire_test

import (
	"bytes"
	"testing"
	"time"

	"ngx502/probes/cgiwire"
	"ngx502/probes/cgiwire/cgiwiretest"
)

// The printf half, run by a real sh, writes every byte value back unchanged.
func TestShellCommandSendsSameBytes(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	target := cgiwire.Target{Network: "unix", Address: "/run/it's here.sock"}
	got, nc := cgiwiretest.SentBy(t, cgiwire.ShellCommand(target, all, 1500*time.Millisecond))
	if nc != `nc -q 2 -U '/run/it'\''s here.sock'` {
		t.Fatalf("netcat = %s", nc)
	}
	if !bytes.Equal(got, all) {
		t.Errorf("printf wrote\n%q\nwant\n%q", got, all)
	}
	if tcp := cgiwire.ShellCommand(cgiwire.Target{Network: "tcp", Address: "[::1]:3031"}, nil, 0); tcp != "printf '' | nc -q 1 -w 1 ::1 3031" {
		t.Errorf("tcp ShellCommand = %s", tcp)
	}
}
