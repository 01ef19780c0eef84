package cgiwire

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The printf half, run by a real sh, writes every byte value back unchanged.
func TestShellCommandSendsSameBytes(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	cmd := ShellCommand(Target{Network: "unix", Address: "/run/it's here.sock"}, all, 1500*time.Millisecond)
	printf, nc, ok := strings.Cut(cmd, " | ")
	if !ok || nc != `nc -q 2 -U '/run/it'\''s here.sock'` {
		t.Fatalf("ShellCommand = %s", cmd)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got, err := exec.CommandContext(ctx, "sh", "-c", printf).Output()
	if err != nil {
		t.Fatalf("sh -c %s: %v", printf, err)
	}
	if !bytes.Equal(got, all) {
		t.Errorf("printf wrote\n%q\nwant\n%q", got, all)
	}
	if tcp := ShellCommand(Target{Network: "tcp", Address: "[::1]:3031"}, nil, 0); tcp != "printf '' | nc -q 1 -w 1 ::1 3031" {
		t.Errorf("tcp ShellCommand = %s", tcp)
	}
}
