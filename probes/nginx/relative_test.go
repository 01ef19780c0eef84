package nginx

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// The paths nginx resolves against its prefix are kept as written: where
// they exist tells which -p a stopped nginx ran with. Absolute, special
// and variable paths are not.
func TestLoadKeepsRelativePaths(t *testing.T) {
	dir := t.TempDir()
	conf := `daemon off;
pid run/nginx.pid;
lock_file /var/lock/nginx.lock;
error_log logs/error.log;
error_log stderr;
events {}
http {
    access_log logs/access.log;
    access_log /var/log/nginx/abs.log;
    access_log off;
    error_log syslog:server=unix:/dev/log;
    proxy_temp_path temp/proxy 1 2;
    fastcgi_temp_path /var/lib/nginx/fastcgi;
    server { listen 127.0.0.1:8080; access_log logs/$host.log; }
}
`
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(context.Background(), path, LoadOptions{Prefix: dir + "/"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"run/nginx.pid", "logs/error.log", "logs/access.log", "temp/proxy"}; !reflect.DeepEqual(c.Relative, want) {
		t.Errorf("Relative = %q, want %q", c.Relative, want)
	}
	if c.PID != "run/nginx.pid" || c.Daemon != "off" {
		t.Errorf("PID %q, Daemon %q", c.PID, c.Daemon)
	}
}
