package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"syscall"
	"time"
)

// maxOutput caps the captured output: enough for any manager's complaint.
const maxOutput = 64 << 10

// waitDelay bounds how long Run waits for output pipes after the group is killed.
const waitDelay = 2 * time.Second

// RunResult is what running a Command did.
type RunResult struct {
	Argv     []string
	Output   string // stdout and stderr interleaved, at most 64 KiB
	ExitCode int    // -1 when it did not start or was killed
	Took     time.Duration
	Err      error
}

// Run executes c.Argv directly (no shell) in its own process group within
// timeout. On timeout or ctx cancel the whole group is killed, so children
// such as a script's sleep do not outlive it. A clean exit leaves the group
// alone: a start command may rightly leave a daemon behind.
func Run(ctx context.Context, c Command, timeout time.Duration) RunResult {
	r := RunResult{Argv: c.Argv, ExitCode: -1}
	if len(c.Argv) == 0 {
		r.Err = errors.New("run: empty command")
		return r
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.Argv[0], c.Argv[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		// Negative pid: the group whose id is the child's pid (Setpgid made it so).
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	cmd.WaitDelay = waitDelay
	out := &capped{max: maxOutput}
	cmd.Stdout, cmd.Stderr = out, out
	start := time.Now()
	err := cmd.Run()
	r.Took = time.Since(start)
	r.Output = out.String()
	if cmd.ProcessState != nil {
		r.ExitCode = cmd.ProcessState.ExitCode()
	}
	switch {
	case err == nil:
	case errors.Is(err, exec.ErrWaitDelay) && r.ExitCode == 0 && ctx.Err() == nil:
		// It exited cleanly, but something it started (a daemon) still holds its
		// output pipe; that is success, the rest of the output just is not ours.
	case ctx.Err() != nil:
		r.Err = fmt.Errorf("%s: stopped after %v: %w", c, r.Took.Round(time.Millisecond), context.Cause(ctx))
	default:
		r.Err = fmt.Errorf("%s: %w", c, err)
	}
	return r
}

// capped keeps the first max bytes written and notes that more was dropped;
// exec serialises writes when Stdout and Stderr are the same writer.
type capped struct {
	buf     bytes.Buffer
	max     int
	dropped int
}

func (w *capped) Write(p []byte) (int, error) {
	room := w.max - w.buf.Len()
	if room >= len(p) {
		return w.buf.Write(p)
	}
	if room > 0 {
		w.buf.Write(p[:room])
	}
	w.dropped += len(p) - max(room, 0)
	return len(p), nil // keep the child writing: a blocked pipe would hang it
}

func (w *capped) String() string {
	if w.dropped == 0 {
		return w.buf.String()
	}
	return fmt.Sprintf("%s\n… %d more bytes not shown", w.buf.String(), w.dropped)
}
