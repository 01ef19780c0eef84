package postmortem

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

func TestTail(t *testing.T) {
	dir := t.TempDir()
	log := writeFile(t, dir, "php8.2-fpm.log", "one\r\ntwo\nthr\x00ee\nfour")
	cases := []struct {
		max  int64
		want []string
	}{
		{1 << 20, []string{"one", "two", "three", "four"}},
		{len64("ee\nfour"), []string{"four"}},                   // the cut line "thr…ee" is left out
		{len64("\nthr\x00ee\nfour"), []string{"three", "four"}}, // the window starts at a line start
		{2, nil}, // no whole line in the window
	}
	for _, c := range cases {
		got, err := Tail(log, c.max)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("Tail(%d) = %q, %v; want %q", c.max, got, err, c.want)
		}
	}
	long := writeFile(t, dir, "long.log", strings.Repeat("x", 3*maxLine)+"\nend\n")
	if got, err := Tail(long, 1<<20); err != nil || len(got) != 2 || len(got[0]) != maxLine || got[1] != "end" {
		t.Errorf("long line: %d lines, %v", len(got), err)
	}
}

func len64(s string) int64 { return int64(len(s)) }

func TestTailRefuses(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "init.log")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	// A FIFO with no writer would block a plain open; it must be refused at once.
	if _, err := Tail(fifo, 100); !errors.Is(err, errNotRegular) {
		t.Errorf("FIFO: %v", err)
	}
	if _, err := Tail(dir, 100); !errors.Is(err, errNotRegular) {
		t.Errorf("directory: %v", err)
	}
	if _, err := Tail("/dev/zero", 100); !errors.Is(err, errNotRegular) {
		t.Errorf("device: %v", err)
	}
	if _, err := Tail(filepath.Join(dir, "none"), 100); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
	if _, err := Tail(writeFile(t, dir, "ok.log", "x\n"), 0); err == nil {
		t.Error("a zero bound was accepted")
	}
	// Through a symlink, a regular file is read.
	target := writeFile(t, dir, "real.log", "via link\n")
	link := filepath.Join(dir, "link.log")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if got, err := Tail(link, 100); err != nil || !slices.Equal(got, []string{"via link"}) {
		t.Errorf("symlink: %q, %v", got, err)
	}
}
