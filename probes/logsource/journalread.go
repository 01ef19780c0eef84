package logsource

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"ngx502/probes/boundcmd"
)

// Bounds for running journalctl.
const (
	journalTimeout = 60 * time.Second // a week of a busy unit's journal on a slow disk
	journalStderr  = 16 << 10         // enough for any complaint of journalctl
)

// ErrJournalLimit is returned (wrapped) after the lines that fit when the
// command wrote more than ReadJournal's limit: the rest was not read.
var ErrJournalLimit = errors.New("journal output over the limit")

// ReadJournal runs argv (JournalArgv's, or another command by absolute
// path: no shell, no $PATH) with stdin on /dev/null, a fixed environment
// and a 60 s timeout within ctx, and returns its output as StripJournal
// yields it, plus the lines of identifiers argv names with -t or
// SYSLOG_IDENTIFIER=. At most limit bytes of output are read; past that
// Read returns ErrJournalLimit. A failing command's error carries its
// stderr (at most 16 KiB). Close stops the command if it still runs.
func ReadJournal(ctx context.Context, argv []string, limit int64) (io.ReadCloser, error) {
	if len(argv) == 0 {
		return nil, errEmptyArgv
	}
	if !filepath.IsAbs(argv[0]) {
		return nil, fmt.Errorf("read journal: %q is not an absolute path (no $PATH lookup as root)", argv[0])
	}
	if limit <= 0 {
		return nil, fmt.Errorf("read journal: limit %d is not positive", limit)
	}
	ctx, cancel := context.WithTimeout(ctx, journalTimeout)
	stderr := &boundcmd.Head{Max: journalStderr}
	cmd := boundcmd.New(ctx, argv, stderr)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		return nil, fmt.Errorf("read journal: %w", err)
	}
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, fmt.Errorf("read journal: %w", err)
	}
	j := &journalReader{cmd: cmd, ctx: ctx, cancel: cancel, stderr: stderr, start: time.Now()}
	src := &limitedOutput{r: stdout, left: limit, limit: limit, j: j}
	j.r = stripJournal(src, identsOf(argv))
	return j, nil
}

// journalReader is ReadJournal's result.
type journalReader struct {
	r       io.Reader
	cmd     *exec.Cmd
	ctx     context.Context
	cancel  context.CancelFunc
	stderr  *boundcmd.Head
	start   time.Time
	closing atomic.Bool
	once    sync.Once
	err     error
}

// Read yields stripped nginx lines.
func (j *journalReader) Read(p []byte) (int, error) { return j.r.Read(p) }

// Close stops the command if it still runs and reaps it. How the command
// ended is Read's to report; a kill here is on purpose, so Close says nil.
func (j *journalReader) Close() error {
	j.closing.Store(true)
	j.cancel()
	j.wait()
	return nil
}

// wait reaps the command once and describes how it ended.
func (j *journalReader) wait() error {
	j.once.Do(func() {
		err := j.cmd.Wait()
		name := filepath.Base(j.cmd.Path)
		switch {
		case err == nil:
		case j.ctx.Err() != nil && !j.closing.Load():
			j.err = fmt.Errorf("%s: stopped after %v: %w", name, time.Since(j.start).Round(time.Millisecond), context.Cause(j.ctx))
		case errors.Is(err, exec.ErrWaitDelay) && j.cmd.ProcessState.ExitCode() == 0:
			// It exited cleanly; whatever still holds its pipe is not ours.
		default:
			j.err = fmt.Errorf("%s: %w%s", name, err, j.stderr.Suffix())
		}
		j.cancel()
	})
	return j.err
}

// limitedOutput reads the command's stdout up to limit bytes, reaping the
// command at its end so its exit status becomes the read error.
type limitedOutput struct {
	r     io.Reader
	left  int64
	limit int64
	j     *journalReader
}

// Read passes stdout through until the limit; at EOF it returns the
// command's failure, if any.
func (l *limitedOutput) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// One byte more tells "exactly the limit" from "over it".
		var one [1]byte
		if n, _ := io.ReadFull(l.r, one[:]); n == 0 {
			return 0, l.end()
		}
		return 0, fmt.Errorf("%s wrote more than %d bytes: %w", filepath.Base(l.j.cmd.Path), l.limit, ErrJournalLimit)
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if errors.Is(err, io.EOF) {
		return n, l.end()
	}
	return n, err
}

// end is EOF, or the way the command failed.
func (l *limitedOutput) end() error {
	if err := l.j.wait(); err != nil {
		return err
	}
	return io.EOF
}
