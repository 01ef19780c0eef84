package nginx

import (
	"os"
	"path/filepath"
	"testing"
)

const systemNginx = "/usr/sbin/nginx"

// nginxBinary returns the real nginx or skips — except in CI, where a
// missing nginx must fail so these tests always run there.
func nginxBinary(t testing.TB) string {
	t.Helper()
	if _, err := os.Stat(systemNginx); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but nginx is missing at %s: %v", systemNginx, err)
		}
		t.Skipf("nginx not installed at %s (%v): install nginx-light to run this test", systemNginx, err)
	}
	return systemNginx
}

// tempPrefix makes a prefix for a private nginx: config files from files
// (name → text), reachable by the unprivileged worker user.
func tempPrefix(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir + "/"
}

// privateGlobals keeps pid and logs inside the prefix, never the system's.
func privateGlobals(prefix string) string {
	return "pid " + prefix + "nginx.pid; error_log " + prefix + "error.log;"
}
