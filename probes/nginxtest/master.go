package nginxtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// master is a daemon's master process started for a test, leader of its
// own process group so its workers go down with it. nginx and php-fpm
// share this life cycle.
type master struct {
	pid    int
	cancel context.CancelFunc // kills the whole process group (cmd.Cancel)
	done   chan struct{}      // closed when the master has been reaped
	err    error              // the master's exit status, valid after done
}

// startMaster runs argv in dir with stdout and stderr into out. A file, not
// a pipe: reaping the master need not wait for workers that inherited it.
func startMaster(argv []string, dir string, out *os.File) (*master, error) {
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	// Cancel kills the group rather than the master alone, which would
	// orphan its workers; the parent-death signal keeps a crashed test
	// binary from leaving the daemon behind.
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, fmt.Errorf("start %s: %w", strings.Join(argv, " "), err)
	}
	m := &master{pid: cmd.Process.Pid, cancel: cancel, done: make(chan struct{})}
	go func() {
		m.err = cmd.Wait()
		close(m.done)
	}()
	return m, nil
}

// exited reports whether the master is gone, and how it ended.
func (m *master) exited() (bool, error) {
	select {
	case <-m.done:
		return true, m.err
	default:
		return false, nil
	}
}

// stop sends SIGQUIT (graceful stop) to the master, and SIGKILL to its
// whole process group if it has not exited within a bound; it waits until
// the master is reaped. Calling it again is harmless.
func (m *master) stop() error {
	if m == nil {
		return nil
	}
	defer m.cancel()
	// Workers share the group: whatever became of the master (stopped
	// here, exited, or killed), none of them may outlive the test.
	defer syscall.Kill(-m.pid, syscall.SIGKILL)
	if gone, _ := m.exited(); gone {
		return nil
	}
	if err := syscall.Kill(m.pid, syscall.SIGQUIT); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("SIGQUIT %d: %w", m.pid, err)
	}
	select {
	case <-m.done:
	case <-time.After(stopTimeout):
		// A graceful stop waits for open requests (a hanging upstream); do not.
		m.cancel()
		<-m.done
	}
	return nil
}
