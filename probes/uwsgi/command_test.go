package uwsgi

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The printf half of Command, run by a real sh, writes exactly the probe's packet.
func TestCommandSendsSameBytes(t *testing.T) {
	r := Request{Address: "127.0.0.1:3031", Path: "/a'b?x=100%", Host: "shop.example",
		Params: []Param{{"SCRIPT_NAME", `C:\app`}, {"X_BIN", "\x01\x7f\xff"}}}
	cmd := Command(r, 2500*time.Millisecond)
	printf, nc, ok := strings.Cut(cmd, " | ")
	if !ok || nc != "nc -q 3 -w 3 127.0.0.1 3031" {
		t.Fatalf("Command = %s", cmd)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got, err := exec.CommandContext(ctx, "sh", "-c", printf).Output()
	if err != nil {
		t.Fatalf("sh -c %s: %v", printf, err)
	}
	want, _ := encodePacket(buildVars(withDefaults(r)))
	if !bytes.Equal(got, want) {
		t.Errorf("printf wrote\n%q\nwant\n%q", got, want)
	}
	if u := Command(Request{Network: "unix", Address: "/run/uwsgi/app.sock"}, time.Second); !strings.HasSuffix(u, " | nc -q 1 -U /run/uwsgi/app.sock") {
		t.Errorf("unix Command = %s", u)
	}
}
