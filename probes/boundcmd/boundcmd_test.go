package boundcmd

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestNewBoundsTheCommand(t *testing.T) {
	stderr := &Head{Max: 8}
	cmd := New(context.Background(), []string{"/bin/sh", "-c", "echo 0123456789abcdef >&2; env"}, stderr)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := stderr.Suffix(); got != ": 01234567 … (9 more bytes)" {
		t.Errorf("stderr head %q", got)
	}
	if !strings.Contains(string(out), "SYSTEMD_PAGER=") || strings.Contains(string(out), "HOME=") || cmd.Dir != "/" {
		t.Errorf("environment %q, dir %q: want only the fixed one, in /", out, cmd.Dir)
	}
	// ctx ending kills the whole group, a child that ignores it included.
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = New(ctx, []string{"/bin/sh", "-c", "sleep 30 & wait"}, nil).Run()
	if err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("a hanging command: %v after %s", err, time.Since(start))
	}
	if (&Head{Max: 4}).Suffix() != "" {
		t.Error("an empty head has a suffix")
	}
}
