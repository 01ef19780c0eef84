package service

import (
	"os"
	"path/filepath"
	"testing"
)

func writeFile(t *testing.T, root, rel, text string) {
	t.Helper()
	p := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCandidates(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "lib/systemd/system/shop.service", "[Service]\nExecStart=/usr/bin/gunicorn -b 127.0.0.1:8080 shop:app\n")
	writeFile(t, root, "etc/systemd/system/api.service", "[Service]\nEnvironment=PORT=18080\nExecStart=/usr/bin/node server.js\n")
	writeFile(t, root, "lib/systemd/system/other.service", "[Service]\nExecStart=/usr/bin/other --port 80800\n")
	writeFile(t, root, "etc/php/8.2/fpm/pool.d/www.conf", "[www]\nuser = www-data\nlisten = /run/php/php8.2-fpm.sock\n")

	got := Candidates(root, "8080", "")
	if len(got) != 1 || got[0].Unit != "shop.service" || got[0].Line != 2 {
		t.Fatalf("port 8080: %+v, want shop.service line 2 only (18080 and 80800 are other ports)", got)
	}
	got = Candidates(root, "18080", "")
	if len(got) != 1 || got[0].Unit != "api.service" {
		t.Fatalf("port 18080: %+v, want api.service", got)
	}
	got = Candidates(root, "", "/run/php/php8.2-fpm.sock")
	if len(got) != 1 || got[0].Unit != "php8.2-fpm.service" || got[0].Text != "listen = /run/php/php8.2-fpm.sock" {
		t.Fatalf("php socket: %+v, want php8.2-fpm.service", got)
	}
	if got := Candidates(root, "9999", ""); len(got) != 0 {
		t.Fatalf("port 9999: %+v, want none", got)
	}
}
