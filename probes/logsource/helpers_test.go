package logsource

import (
	"io"
	"os"
	"os/exec"
	"testing"
)

// need skips the test for a missing prerequisite, or fails it in CI.
func need(t *testing.T, ok bool, msg string) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// needRoot skips (or in CI fails) a test that needs root.
func needRoot(t *testing.T) {
	t.Helper()
	need(t, os.Geteuid() == 0, "needs root")
}

// needBinary returns the path of a tool a test runs, or skips.
func needBinary(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	need(t, err == nil, name+" not installed")
	return p
}

// readAll reads r to its end, failing the test on an error.
func readAll(t *testing.T, r io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return string(b)
}

// readFile returns a testdata file's content.
func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
