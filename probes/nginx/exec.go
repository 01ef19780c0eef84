package nginx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// runResult is what one external command did.
type runResult struct {
	Stdout, Stderr []byte
	ExitCode       int            // -1 when killed by a signal
	Signal         syscall.Signal // the signal that ended it on its own (a crash), 0 otherwise
}

// run executes argv (never through a shell) in its own process group so a
// timeout or cancel kills nginx and anything it forked, not just the leader.
// A non-zero exit is not an error: err is set only when the command could
// not run or was killed.
func run(ctx context.Context, timeout time.Duration, argv []string) (runResult, error) {
	if len(argv) == 0 || argv[0] == "" {
		return runResult{ExitCode: -1}, errors.New("no nginx binary to run")
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	res := runResult{Stdout: out.Bytes(), Stderr: errb.Bytes(), ExitCode: -1}
	if cmd.ProcessState != nil {
		res.ExitCode = cmd.ProcessState.ExitCode()
	}
	if ctx.Err() != nil {
		return res, fmt.Errorf("%s: %w", argv[0], ctx.Err()) // our SIGKILL is no crash
	}
	if cmd.ProcessState != nil {
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			res.Signal = ws.Signal()
		}
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return res, fmt.Errorf("run %s: %w", argv[0], err)
	}
	return res, nil
}

// signalText names a signal for a person: "SIGSEGV (segmentation fault)".
func signalText(s syscall.Signal) string {
	if name := unix.SignalName(s); name != "" {
		return name + " (" + s.String() + ")"
	}
	return s.String()
}
