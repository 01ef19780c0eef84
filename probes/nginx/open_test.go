package nginx

import (
	"context"
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// loadWithin runs Load and fails the test when it takes longer than d: the
// code under test used to block forever here. A Load that overruns is left
// behind; cleanups unblock what they can.
func loadWithin(t *testing.T, d time.Duration, root string, o LoadOptions) (*Config, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*d)
	defer cancel()
	type result struct {
		c   *Config
		err error
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		c, err := Load(ctx, root, o)
		done <- result{c, err}
	}()
	select {
	case r := <-done:
		t.Logf("Load took %v", time.Since(start).Round(time.Millisecond))
		return r.c, r.err
	case <-time.After(d):
		t.Fatalf("Load did not return within %v", d)
		return nil, nil
	}
}

// mkfifo makes a named pipe; its cleanup opens the write end once, which
// releases a reader stuck in open(2) (the old Load) instead of leaking it.
func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Fatalf("mkfifo %s: %v", path, err)
	}
	t.Cleanup(func() {
		if fd, err := syscall.Open(path, syscall.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			_ = syscall.Close(fd)
		}
	})
}

func TestLoadRefusesFIFOAndDevices(t *testing.T) {
	prefix := tempPrefix(t, map[string]string{
		"nginx.conf": "events {}\nhttp {\n    include fifo;\n    include /dev/zero;\n    include d/*.conf;\n" +
			"    upstream app { server 127.0.0.1:9; }\n    server { listen 8080; location / { proxy_pass http://app; } }\n}\n",
		"d/a.conf": "server { listen 8081; }\n",
	})
	mkfifo(t, prefix+"fifo")
	mkfifo(t, prefix+"d/pipe.conf") // a glob match
	c, err := loadWithin(t, 2*time.Second, prefix+"nginx.conf", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []ParseError{
		{Where{prefix + "nginx.conf", 3}, prefix + "fifo: not a regular file (named pipe); nginx reads only files"},
		{Where{prefix + "nginx.conf", 4}, "/dev/zero: not a regular file (character device); nginx reads only files"},
		{Where{prefix + "nginx.conf", 5}, prefix + "d/pipe.conf: not a regular file (named pipe); nginx reads only files"},
	}
	if len(c.Errors) != len(want) {
		t.Fatalf("errors %+v", c.Errors)
	}
	for i := range want {
		if c.Errors[i] != want[i] {
			t.Errorf("error %d\n got %+v\nwant %+v", i, c.Errors[i], want[i])
		}
	}
	if len(c.Servers) != 2 || len(c.Upstreams) != 1 || len(c.Endpoints()) != 1 {
		t.Fatalf("the rest of the config must still be parsed: servers %+v upstreams %+v", c.Servers, c.Upstreams)
	}
	if _, err := loadWithin(t, 2*time.Second, prefix+"fifo", LoadOptions{}); !errors.Is(err, ErrNotRegular) {
		t.Fatalf("a FIFO root must fail with ErrNotRegular: %v", err)
	}
}

func TestLoadSizeLimits(t *testing.T) {
	prefix := tempPrefix(t, map[string]string{
		"nginx.conf": "events {}\nhttp {\n    include big.conf;\n    include d/*.conf;\n    include sparse.conf;\n}\n",
		"big.conf":   "server { listen 1; }\n" + strings.Repeat("# padding\n", 10),
		"d/1.conf":   "server { listen 2; }\n",
		"d/2.conf":   "server { listen 3; }\n",
		"d/3.conf":   "server { listen 4; }\n",
	})
	// A 17 MiB sparse file: refused from its size, never read.
	if err := os.WriteFile(prefix+"sparse.conf", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(prefix+"sparse.conf", 17<<20); err != nil {
		t.Fatal(err)
	}
	c, err := loadWithin(t, 2*time.Second, prefix+"nginx.conf", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Errors) != 1 || c.Errors[0] != (ParseError{Where{prefix + "nginx.conf", 5}, prefix + "sparse.conf: larger than 16 MiB, not read"}) {
		t.Fatalf("default limit: %+v", c.Errors)
	}
	if len(c.Servers) != 4 {
		t.Fatalf("servers %+v", c.Servers)
	}

	// nginx.conf is 88 bytes, each d/ file 21: the tree limit is hit by the
	// third of them; the file-count limit (big.conf counts) by the second.
	small := LoadOptions{limits: readLimits{fileBytes: 100, treeBytes: 150, files: 100}}
	c, err = Load(context.Background(), prefix+"nginx.conf", small)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"3: " + prefix + "big.conf: larger than 100 bytes, not read",
		"4: " + prefix + "d/3.conf: not read: the configuration is larger than 150 bytes",
		"5: " + prefix + "sparse.conf: larger than 100 bytes, not read",
	}
	if got := errorLines(c); !slices.Equal(got, want) {
		t.Fatalf("tree limit:\n got %q\nwant %q", got, want)
	}
	small.limits = readLimits{fileBytes: 1 << 20, treeBytes: 1 << 20, files: 3}
	if c, err = Load(context.Background(), prefix+"nginx.conf", small); err != nil {
		t.Fatal(err)
	}
	if got := errorLines(c); len(got) != 3 || got[0] != "4: "+prefix+"d/2.conf: not read: the configuration has more than 3 files" {
		t.Fatalf("file limit: %q", got)
	}
	if len(c.Files) != 3 {
		t.Fatalf("files %q", c.Files)
	}
	small.limits = readLimits{fileBytes: 10, treeBytes: 10, files: 10}
	if _, err := Load(context.Background(), prefix+"nginx.conf", small); !errors.Is(err, ErrTooBig) {
		t.Fatalf("a root past the limit: %v", err)
	}
}

func TestLoadReturnsWhenCancelledMidParse(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	files := map[string]string{"/c/nginx.conf": "events {}\nhttp { include slow.conf; }\n"}
	o := LoadOptions{}.WithDump(files)
	dumpOpen := o.Open
	o.Open = func(p string) (io.ReadCloser, error) {
		if p == "/c/slow.conf" {
			<-release // stands for a parse that is still busy
		}
		return dumpOpen(p)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	done := make(chan error, 1)
	go func() {
		_, err := Load(ctx, "/c/nginx.conf", o)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("want the deadline: %v", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Fatalf("returned after %v", d)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Load ignored its context while the parse was busy")
	}
}

func errorLines(c *Config) []string {
	var out []string
	for _, e := range c.Errors {
		out = append(out, strings.TrimPrefix(e.Where.String(), e.Where.File+":")+": "+e.Message)
	}
	return out
}
