package logfile

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// follower runs Follow on path in the background and collects its lines.
type follower struct {
	mu    sync.Mutex
	lines []string
	done  chan error
	stop  context.CancelFunc
}

func startFollow(t *testing.T, path string) *follower {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	f := &follower{done: make(chan error, 1), stop: cancel}
	go func() {
		f.done <- Follow(ctx, path, 20*time.Millisecond, func(l []byte) {
			f.mu.Lock()
			f.lines = append(f.lines, string(l))
			f.mu.Unlock()
		})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-f.done:
		case <-time.After(5 * time.Second):
			t.Error("Follow did not stop after cancel")
		}
	})
	time.Sleep(60 * time.Millisecond) // let it open the file and take its end
	return f
}

// wait returns the lines once there are n, or fails after a bound.
func (f *follower) wait(t *testing.T, n int) []string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		f.mu.Lock()
		got := append([]string(nil), f.lines...)
		f.mu.Unlock()
		if len(got) >= n {
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	t.Fatalf("got %d lines %q, want %d", len(f.lines), f.lines, n)
	return nil
}

func appendTo(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

func TestFollowStartsAtTheEndAndJoinsPartialLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "error.log")
	appendTo(t, path, "old line\n")
	f := startFollow(t, path)
	appendTo(t, path, "one\ntw")
	time.Sleep(50 * time.Millisecond)
	appendTo(t, path, "o\n")
	if got := strings.Join(f.wait(t, 2), "|"); got != "one|two" {
		t.Errorf("lines %q, want one|two (not the old line, the partial one joined)", got)
	}
}

// logrotate moves the log away and nginx reopens a new one: the rest of
// the old file and all of the new one arrive, in order.
func TestFollowAcrossRotation(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "error.log")
	appendTo(t, path, "")
	f := startFollow(t, path)
	appendTo(t, path, "a\n")
	f.wait(t, 1)
	old, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	_, _ = old.WriteString("b (written to the old file after the move)\n")
	old.Close()
	appendTo(t, path, "c\n")
	if got := strings.Join(f.wait(t, 3), "|"); got != "a|b (written to the old file after the move)|c" {
		t.Errorf("lines %q", got)
	}
}

// copytruncate empties the file in place: reading starts again at 0.
func TestFollowAfterTruncation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.log")
	appendTo(t, path, "")
	f := startFollow(t, path)
	appendTo(t, path, "first line is long enough\n")
	f.wait(t, 1)
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	time.Sleep(60 * time.Millisecond)
	appendTo(t, path, "x\n")
	if got := f.wait(t, 2); got[1] != "x" {
		t.Errorf("lines %q, want x after the truncation", got)
	}
}

func TestFollowCutsLongLinesAndWaitsForAMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "later.log")
	f := startFollow(t, path) // not there yet
	appendTo(t, path, strings.Repeat("x", 100<<10)+"\nshort\n")
	got := f.wait(t, 2)
	if len(got[0]) != maxFollowBuf || got[1] != "short" {
		t.Errorf("first line %d bytes, second %q; want a cut at %d and short", len(got[0]), got[1], maxFollowBuf)
	}
}

func TestFollowRefusesAFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "error.log")
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := Follow(ctx, path, 10*time.Millisecond, func([]byte) {})
	if err == nil || !strings.Contains(err.Error(), "not a regular file") && !strings.Contains(err.Error(), ErrNotFile.Error()) {
		t.Errorf("Follow(FIFO) = %v, want it refused at once", err)
	}
}
