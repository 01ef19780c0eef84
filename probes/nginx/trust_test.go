package nginx

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const nobodyUID = 65534

// requireRoot skips a test that must chown files or switch users — except
// in CI, where it must run.
func requireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true but running as uid %d: this test needs root to chown files and start processes as nobody", os.Geteuid())
	}
	t.Skipf("running as uid %d: this test needs root (it chowns files to nobody)", os.Geteuid())
}

// trustTree makes a root-owned 0755 directory and, in it, a root-owned
// 0755 file; both are under t.TempDir, whose parents root owns.
func trustTree(t *testing.T) (dir, file string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "bin")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file = filepath.Join(dir, "nginx")
	if err := os.WriteFile(file, []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	// WriteFile and Mkdir obey the umask; set the modes the cases expect.
	must(t, os.Chmod(dir, 0o755), os.Chmod(file, 0o755))
	return dir, file
}

func must(t *testing.T, errs ...error) {
	t.Helper()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestTrustBinary(t *testing.T) {
	requireRoot(t)
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir, file string) string // returns the path to judge
		why   string                                      // "" = trusted; %d and %f stand for dir and file
	}{
		{"root 0755 in root 0755", func(t *testing.T, dir, file string) string { return file }, ""},
		{"owned by nobody", func(t *testing.T, dir, file string) string {
			must(t, os.Chown(file, nobodyUID, nobodyUID))
			return file
		}, "%f is owned by uid 65534, not root"},
		{"mode 0664", func(t *testing.T, dir, file string) string {
			must(t, os.Chmod(file, 0o664))
			return file
		}, "%f is writable by group"},
		{"mode 0757", func(t *testing.T, dir, file string) string {
			must(t, os.Chmod(file, 0o757))
			return file
		}, "%f is writable by others"},
		{"dir 0777 without sticky", func(t *testing.T, dir, file string) string {
			must(t, os.Chmod(dir, 0o777))
			return file
		}, "%f sits in %d, which is writable by group and others"},
		{"dir owned by nobody", func(t *testing.T, dir, file string) string {
			must(t, os.Chown(dir, nobodyUID, nobodyUID))
			return file
		}, "%f sits in %d, which is owned by uid 65534, not root"},
		{"sticky 1777 dir, root's file", func(t *testing.T, dir, file string) string {
			must(t, os.Chmod(dir, 0o777|os.ModeSticky))
			return file
		}, ""},
		{"sticky 1777 dir, nobody's symlink to root's file", func(t *testing.T, dir, file string) string {
			must(t, os.Chmod(dir, 0o777|os.ModeSticky))
			link := filepath.Join(dir, "link")
			must(t, os.Symlink("nginx", link), os.Lchown(link, nobodyUID, nobodyUID))
			return link
		}, "%d/link sits in %d, which is writable by group and others, and link in it is owned by uid 65534"},
		{"root's symlink to a file in a bad dir", func(t *testing.T, dir, file string) string {
			bad := filepath.Join(filepath.Dir(dir), "bad")
			must(t, os.Mkdir(bad, 0o755), os.Chmod(bad, 0o775))
			target := filepath.Join(bad, "nginx")
			must(t, os.WriteFile(target, []byte("x"), 0o755))
			link := filepath.Join(dir, "link")
			must(t, os.Symlink(target, link))
			return link
		}, "%d/link sits in %D/bad, which is writable by group"},
		{"relative symlink to root's file", func(t *testing.T, dir, file string) string {
			link := filepath.Join(dir, "link")
			must(t, os.Symlink("../bin/./nginx", link))
			return link
		}, ""},
		{"a directory", func(t *testing.T, dir, file string) string { return dir }, "%d is not a regular file"},
		{"missing", func(t *testing.T, dir, file string) string { return dir + "/none" },
			"cannot stat %d/none: lstat %d/none: no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, file := trustTree(t)
			p := tc.setup(t, dir, file)
			want := strings.NewReplacer("%f", file, "%d", dir, "%D", filepath.Dir(dir)).Replace(tc.why)
			ok, why := TrustBinary(p)
			if ok != (want == "") || why != want {
				t.Fatalf("TrustBinary(%s) = %v, %q; want %q", p, ok, why, want)
			}
		})
	}
	if ok, why := TrustBinary(""); ok || why == "" {
		t.Fatal("no path is not trusted")
	}
}

func TestTrustBinarySystemNginx(t *testing.T) {
	bin := nginxBinary(t)
	if ok, why := TrustBinary(bin); !ok {
		t.Fatalf("the packaged %s must be trusted: %s", bin, why)
	}
	// /sbin is a symlink on merged-/usr systems; the walk follows it.
	if ok, why := TrustBinary("/sbin/../sbin/nginx"); !ok {
		t.Fatalf("/sbin/../sbin/nginx: %s", why)
	}
}

func TestRealUID(t *testing.T) {
	uid, err := realUID("/proc/self/status")
	if err != nil || uid != os.Getuid() {
		t.Fatalf("realUID(/proc/self/status) = %d, %v; want %d", uid, err, os.Getuid())
	}
	uid, err = realUID("testdata/proc/7000/status")
	if err != nil || uid != nobodyUID {
		t.Fatalf("fake status: %d, %v", uid, err)
	}
	noUID := filepath.Join(t.TempDir(), "status")
	must(t, os.WriteFile(noUID, []byte("Name:\tx\n"), 0o644))
	if _, err := realUID(noUID); err == nil {
		t.Fatal("a status without Uid: must be an error")
	}
	if _, err := realUID(filepath.Join(t.TempDir(), "none")); err == nil {
		t.Fatal("a missing status must be an error")
	}
	if got := uidName(0); got != "uid 0 (root)" {
		t.Fatalf("uidName(0) = %q", got)
	}
}
