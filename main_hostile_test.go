package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A config that includes a FIFO (open blocks forever) and /dev/zero (read
// never ends): the whole run finishes well within its deadline, says which
// include was refused, and never lets nginx -t block on them either.
func TestHostileIncludesFinish(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.conf")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "nginx.conf")
	text := "events {}\ninclude " + fifo + ";\ninclude /dev/zero;\nhttp { server { listen 127.0.0.1:9; location / { proxy_pass http://127.0.0.1:9; } } }\n"
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	start := time.Now()
	run([]string{"report", "--conf", conf, "--nginx", "/usr/sbin/nginx", "--timeout", "1s"}, &out, &errb)
	took := time.Since(start)
	t.Logf("run took %s", took.Round(time.Millisecond))
	if took > 10*time.Second {
		t.Errorf("run took %s with a FIFO and /dev/zero included", took)
	}
	s := out.String()
	for _, want := range []string{fifo + ": not a regular file (named pipe)", "/dev/zero: not a regular file", "nginx -t would block"} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q:\n%s", want, s)
		}
	}
	if !strings.Contains(s, "127.0.0.1:9") {
		t.Errorf("the rest of the config was not read:\n%s", s)
	}
}
