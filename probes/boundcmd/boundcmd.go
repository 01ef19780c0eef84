// Package boundcmd prepares the commands a probe runs as root (journalctl,
// dmesg) so that none can hang, page, colour or outlive ngx502: argv only,
// a fixed environment, "/" as working directory, its own process group
// killed whole when ctx ends, and stderr kept to a bounded head. It is a
// library shared by probes, not a probe.
package boundcmd

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// waitDelay bounds the wait for the output pipes after a kill.
const waitDelay = 2 * time.Second

// New is exec.CommandContext(ctx, argv…) with those bounds; stderr, when
// not nil, receives the command's stderr. stdin stays /dev/null.
func New(ctx context.Context, argv []string, stderr *Head) *exec.Cmd {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = Env()
	cmd.Dir = "/"
	// Its own process group, killed whole: a pager or helper must not outlive it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = waitDelay
	if stderr != nil {
		cmd.Stderr = stderr
	}
	return cmd
}

// Env is the whole environment such a command gets: no pager, no colour,
// a known locale, and the caller's TZ (if set), so times given as
// arguments are read in the zone they were written in.
func Env() []string {
	env := []string{"PATH=/usr/bin:/bin", "LANG=C.UTF-8", "SYSTEMD_PAGER=", "SYSTEMD_COLORS=0", "SYSTEMD_LESS="}
	if tz, ok := os.LookupEnv("TZ"); ok {
		env = append(env, "TZ="+tz)
	}
	return env
}

// Head keeps the first Max bytes written and counts the rest: the child
// keeps writing, as a blocked pipe would hang it.
type Head struct {
	Max     int
	mu      sync.Mutex
	buf     bytes.Buffer
	dropped int
}

// Write keeps what fits.
func (w *Head) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	keep := min(len(p), max(w.Max-w.buf.Len(), 0))
	w.buf.Write(p[:keep])
	w.dropped += len(p) - keep
	return len(p), nil
}

// Suffix is ": " and the trimmed text kept (with how much more there
// was), or "" when there is none: the tail of an error message.
func (w *Head) Suffix() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := bytes.TrimSpace(w.buf.Bytes())
	switch {
	case len(s) == 0:
		return ""
	case w.dropped > 0:
		return fmt.Sprintf(": %s … (%d more bytes)", s, w.dropped)
	}
	return ": " + string(s)
}
