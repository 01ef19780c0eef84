package logfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// open finds path and opens its newest file.
func open(t *testing.T, path string) (*Reader, error) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return Open(File{Path: path, Info: info})
}

func TestOpenPlainReadsOnlySizeAtOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.log")
	write(t, path, "one\ntwo\n", time.Now())
	r, err := open(t, path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	// nginx appends after the open: not part of this read
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("three\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "one\ntwo\n" || r.Size() != 8 {
		t.Errorf("read %q, size %d; want the 8 bytes present at open", got, r.Size())
	}
	sec := r.Section()
	if sec == nil || sec.Size() != 8 {
		t.Fatalf("Section = %v, want the 8 bytes at open", sec)
	}
	buf := make([]byte, 3)
	if _, err := sec.ReadAt(buf, 4); err != nil || string(buf) != "two" {
		t.Errorf("ReadAt = %q, %v", buf, err)
	}
}

func TestOpenGzip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.log.2.gz")
	text := strings.Repeat("127.0.0.1 - - line\n", 1000)
	write(t, path, text, time.Now())
	r, err := open(t, path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := io.ReadAll(r)
	if err != nil || string(got) != text {
		t.Fatalf("read %d bytes, %v; want %d", len(got), err, len(text))
	}
	info, _ := os.Stat(path)
	if r.Size() != info.Size() || r.Section() != nil {
		t.Errorf("size %d (file %d), section %v: want the compressed size and no section", r.Size(), info.Size(), r.Section())
	}
}

func TestOpenCorruptGzip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.log.2.gz")
	if err := os.WriteFile(path, []byte("not gzip at all\n"), 0o644); err != nil { // plain bytes under a .gz name
		t.Fatal(err)
	}
	if _, err := open(t, path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("err = %v, want a gzip error naming the file", err)
	}
}

// TestOpenRefusesFIFO: a FIFO put where the log was found opens without
// blocking (there is no writer) and is refused, never read.
func TestOpenRefusesFIFO(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "access.log")
	write(t, path, "x\n", time.Now())
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Open(File{Path: path, Info: info})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotFile) {
			t.Errorf("err = %v, want ErrNotFile", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Open blocked on a FIFO")
	}
}

func TestOpenMissing(t *testing.T) {
	_, err := Open(File{Path: filepath.Join(t.TempDir(), "gone.log")})
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v, want ErrNotExist", err)
	}
}
