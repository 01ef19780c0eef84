package nginxtest

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
	"testing"
	"time"
)

// The options reach the pool: socket mode and owner, one worker per max child, and
// a docroot whose index.php php-fpm can run.
func TestPHPFPMOptions(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		o        PHPOptions
		mode     os.FileMode
		uid      uint32
		children int
	}{
		{"defaults", PHPOptions{}, 0o666, 0, 2},
		{"locked", PHPOptions{Mode: 0o660, MaxChildren: 1}, 0o660, 0, 1},
		{"nobody", PHPOptions{Mode: 0o600, Owner: "nobody", Group: "nogroup", MaxChildren: 3}, 0o600, 65534, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := PHPFPM(t, c.o)
			fi, err := os.Stat(f.Socket)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode()&fs.ModeSocket == 0 || fi.Mode().Perm() != c.mode {
				t.Errorf("socket mode %v, want socket %v", fi.Mode(), c.mode)
			}
			if uid := fi.Sys().(*syscall.Stat_t).Uid; uid != c.uid {
				t.Errorf("socket uid %d, want %d", uid, c.uid)
			}
			// The socket is bound before the children fork: poll, bounded.
			w := Workers(f.PID)
			for deadline := time.Now().Add(2 * time.Second); len(w) != c.children && time.Now().Before(deadline); {
				time.Sleep(10 * time.Millisecond)
				w = Workers(f.PID)
			}
			if len(w) != c.children {
				t.Errorf("workers %v, want %d", w, c.children)
			}
			if dir, err := os.Stat(f.Root); err != nil || dir.Mode().Perm() != 0o755 {
				t.Errorf("docroot %v %v, want 0755", dir, err)
			}
		})
	}
}

// Stop ends the master and its workers, and php-fpm removes its socket on the way out.
func TestPHPFPMStop(t *testing.T) {
	t.Parallel()
	f := PHPFPM(t, PHPOptions{})
	workers := Workers(f.PID)
	if err := f.Stop(); err != nil {
		t.Fatal(err)
	}
	for _, pid := range append(workers, f.PID) {
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("kill -0 %d = %v, want ESRCH", pid, err)
		}
	}
	if _, err := os.Stat(f.Socket); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("socket after Stop: %v, want removed", err)
	}
	if err := f.Stop(); err != nil {
		t.Errorf("second Stop = %v", err)
	}
}
