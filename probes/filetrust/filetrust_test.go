package filetrust

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBinary(t *testing.T) {
	if ok, why := Binary("/bin/sh"); !ok {
		t.Errorf("/bin/sh refused: %s", why)
	}
	dir := t.TempDir()
	open := filepath.Join(dir, "open")
	if err := os.Mkdir(open, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o777); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(open, "tool")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	// As root the directory's mode is what is wrong; as anyone else, its owner.
	if ok, why := Binary(bin); ok || !strings.Contains(why, "writable by group and others") && !strings.Contains(why, "owned by uid") {
		t.Errorf("a binary in a 0777 dir: %v %q", ok, why)
	}
	if err := os.Chmod(bin, 0o775); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o755); err != nil {
		t.Fatal(err)
	}
	if ok, why := Binary(bin); ok || !strings.Contains(why, "writable by group") && !strings.Contains(why, "owned by uid") {
		t.Errorf("a group-writable binary: %v %q", ok, why)
	}
	if ok, _ := Binary(""); ok {
		t.Error("an empty path trusted")
	}
}

// A config file need not be executable; a binary must be.
func TestFileAndBinary(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "nginx.conf")
	if err := os.WriteFile(conf, []byte("events {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	okFile, whyFile := File(conf)
	okBin, whyBin := Binary(conf)
	if os.Geteuid() == 0 && !okFile {
		t.Errorf("root's 0644 config refused: %s", whyFile)
	}
	if okBin || !strings.Contains(whyBin, "not executable") && !strings.Contains(whyBin, "owned by uid") {
		t.Errorf("a 0644 file trusted as a binary: %v %q", okBin, whyBin)
	}
}
