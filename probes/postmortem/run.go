package postmortem

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"ngx502/probes/boundcmd"
)

// Bounds of Run.
const (
	runTimeout = 30 * time.Second // journalctl over a week of a busy journal on a slow disk
	runStderr  = 4 << 10          // enough for any complaint of journalctl or dmesg
)

// ErrOutputLimit is returned (wrapped) with the first limit bytes when a
// command wrote more: it was stopped there.
var ErrOutputLimit = errors.New("command output over the limit")

// Run runs argv (one of this package's …Argv: an absolute path to a binary
// root may run, no shell) with stdin on /dev/null, a fixed environment
// (no pager, no colour, C.UTF-8, the caller's TZ), in its own process group
// killed whole at the end, for at most 30 s within ctx, and returns its
// stdout, at most limit bytes. A failing command's error carries the start
// of its stderr.
func Run(ctx context.Context, argv []string, limit int64) ([]byte, error) {
	if len(argv) == 0 {
		return nil, errors.New("run: empty command")
	}
	if why := untrustedBinary(argv[0]); why != "" {
		return nil, fmt.Errorf("run %s: refused: %s", argv[0], why)
	}
	if limit <= 0 {
		return nil, fmt.Errorf("run %s: limit %d is not positive", argv[0], limit)
	}
	ctx, cancel := context.WithTimeout(ctx, runTimeout)
	defer cancel()
	stderr := &boundcmd.Head{Max: runStderr}
	cmd := boundcmd.New(ctx, argv, stderr)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", argv[0], err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("run %s: %w", argv[0], err)
	}
	out, readErr := io.ReadAll(io.LimitReader(stdout, limit+1))
	over := int64(len(out)) > limit
	if over {
		out = out[:limit]
		cancel() // it has said enough; do not wait for the rest
	}
	waitErr := cmd.Wait()
	name := filepath.Base(argv[0])
	switch {
	case over:
		return out, fmt.Errorf("%s wrote more than %d bytes: %w", name, limit, ErrOutputLimit)
	case ctx.Err() != nil:
		return out, fmt.Errorf("%s: stopped: %w", name, context.Cause(ctx))
	case waitErr != nil:
		return out, fmt.Errorf("%s: %w%s", name, waitErr, stderr.Suffix())
	case readErr != nil:
		return out, fmt.Errorf("%s: read output: %w", name, readErr)
	}
	return out, nil
}
