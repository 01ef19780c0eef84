package service

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// confTree writes files (path relative to root → text) under a new temp root.
func confTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for rel, text := range files {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func poolNamed(t *testing.T, pools []FPMPool, config, name string) FPMPool {
	t.Helper()
	for _, p := range pools {
		if p.Config == config && p.Name == name {
			return p
		}
	}
	t.Fatalf("no pool %q of %q in %+v", name, config, pools)
	return FPMPool{}
}

func TestFPMPoolsDebian(t *testing.T) {
	root := confTree(t, map[string]string{
		"etc/php/8.2/fpm/php-fpm.conf": "[global]\npid = /run/php/php8.2-fpm.pid\ninclude=/etc/php/8.2/fpm/pool.d/*.conf\n",
		"etc/php/8.2/fpm/pool.d/www.conf": "; Start a new pool named 'www'.\n[www]\nuser = www-data\n" +
			"listen = /run/php/php8.2-fpm.sock\n;listen.backlog = 511\npm = dynamic\npm.max_children = 5\n",
		"etc/php/8.2/fpm/pool.d/app.conf": "[app]\nLISTEN = \"/run/php/$pool.sock\" ; quoted\n" +
			"listen.backlog = 1024   ; raised\npm = static\npm.max_children = 'x'\npm.max_children = 32\n",
		// Sorted after www.conf, so its [www] overrides, as php-fpm applies it.
		"etc/php/8.2/fpm/pool.d/zz-override.conf": "[www]\npm.max_children = 20\n",
		"etc/php/7.4/fpm/php-fpm.conf":            "include=/etc/php/7.4/fpm/pool.d/*.conf\n",
		"etc/php/7.4/fpm/pool.d/www.conf":         "[www]\nlisten = 127.0.0.1:9074\npm.max_children = 3\n",
	})
	pools, err := FPMPools(root)
	if err != nil {
		t.Fatalf("FPMPools: %v", err)
	}
	if len(pools) != 3 {
		t.Fatalf("pools = %+v, want 3", pools)
	}
	conf82 := filepath.Join(root, "etc/php/8.2/fpm/php-fpm.conf")
	pool82 := filepath.Join(root, "etc/php/8.2/fpm/pool.d")
	www := poolNamed(t, pools, conf82, "www")
	want := FPMPool{Name: "www", Config: conf82, File: filepath.Join(pool82, "www.conf"), Line: 4,
		Listen: "/run/php/php8.2-fpm.sock", PM: "dynamic",
		MaxChildren: 20, MaxChildrenFile: filepath.Join(pool82, "zz-override.conf"), MaxChildrenLine: 2,
		ListenBacklog: -1}
	if www != want {
		t.Errorf("www =\n %+v, want\n %+v", www, want)
	}
	app := poolNamed(t, pools, conf82, "app")
	want = FPMPool{Name: "app", Config: conf82, File: filepath.Join(pool82, "app.conf"), Line: 2,
		Listen: "/run/php/app.sock", PM: "static",
		MaxChildren: 32, MaxChildrenFile: filepath.Join(pool82, "app.conf"), MaxChildrenLine: 6,
		ListenBacklog: 1024, BacklogFile: filepath.Join(pool82, "app.conf"), BacklogLine: 3}
	if app != want {
		t.Errorf("app =\n %+v, want\n %+v", app, want)
	}
	old := poolNamed(t, pools, filepath.Join(root, "etc/php/7.4/fpm/php-fpm.conf"), "www")
	if old.Listen != "127.0.0.1:9074" || old.MaxChildren != 3 {
		t.Errorf("7.4 www = %+v, want its own listen and max_children", old)
	}
}

func TestFPMPoolsDocker(t *testing.T) {
	// The official php:fpm image: a relative include and zz-docker.conf overriding listen.
	root := confTree(t, map[string]string{
		"usr/local/etc/php-fpm.conf":             "[global]\ninclude=etc/php-fpm.d/*.conf\n",
		"usr/local/etc/php-fpm.d/www.conf":       "[www]\nlisten = 127.0.0.1:9000\npm = dynamic\npm.max_children = 5\n",
		"usr/local/etc/php-fpm.d/zz-docker.conf": "[global]\ndaemonize = no\n\n[www]\nlisten = 9000\n",
	})
	pools, err := FPMPools(root)
	if err != nil || len(pools) != 1 {
		t.Fatalf("FPMPools = %+v, %v; want one pool", pools, err)
	}
	p := pools[0]
	if p.Listen != "9000" || p.File != filepath.Join(root, "usr/local/etc/php-fpm.d/zz-docker.conf") || p.Line != 5 || p.MaxChildren != 5 {
		t.Errorf("pool = %+v, want listen 9000 from zz-docker.conf:5, max_children 5", p)
	}
}

func TestFPMPoolsWithoutMainConfig(t *testing.T) {
	root := confTree(t, map[string]string{
		"etc/php-fpm.d/www.conf": "[www]\nlisten = /run/php-fpm/www.sock\npm.max_children = 50\n",
	})
	pools, err := FPMPools(root)
	if err != nil || len(pools) != 1 || pools[0].Config != "" || pools[0].Listen != "/run/php-fpm/www.sock" {
		t.Fatalf("FPMPools = %+v, %v; want the RHEL pool with no Config", pools, err)
	}
	if pools, err := FPMPools(t.TempDir()); pools != nil || err != nil {
		t.Errorf("empty root: %+v, %v; want nothing", pools, err)
	}
}

func TestFPMPoolsBounds(t *testing.T) {
	root := confTree(t, map[string]string{
		"etc/php-fpm.conf":        "include=/etc/php-fpm.conf\ninclude=/etc/php-fpm.d/*.conf\n", // includes itself
		"etc/php-fpm.d/a.conf":    "[a]\nlisten = 9001\n",
		"etc/php-fpm.d/huge.conf": "[huge]\nlisten = 9002\n" + strings.Repeat(";", maxPoolFileSize),
	})
	if err := syscall.Mkfifo(filepath.Join(root, "etc/php-fpm.d/fifo.conf"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(root, "etc/php-fpm.d/dir.conf"), 0o755); err != nil {
		t.Fatal(err)
	}
	pools, err := FPMPools(root)
	if n := strings.Count(fmt.Sprint(err), "\n") + 1; n != 3 {
		t.Errorf("%d errors, want 3 (each bad file once): %v", n, err)
	}
	if len(pools) != 1 || pools[0].Name != "a" {
		t.Errorf("pools = %+v, want only a", pools)
	}
	for _, want := range []string{"huge.conf: 1048597 bytes, more than 1048576", "fifo.conf: not a regular file", "dir.conf: not a regular file"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
}

func TestFPMPoolsFileCap(t *testing.T) {
	files := map[string]string{}
	for i := range maxPoolFiles + 5 {
		files[fmt.Sprintf("etc/php-fpm.d/p%04d.conf", i)] = fmt.Sprintf("[p%d]\nlisten = %d\n", i, 10000+i)
	}
	pools, err := FPMPools(confTree(t, files))
	if len(pools) != maxPoolFiles {
		t.Errorf("%d pools, want %d", len(pools), maxPoolFiles)
	}
	if err == nil || !strings.Contains(err.Error(), "more than 1000 files") {
		t.Errorf("error = %v, want the file cap named", err)
	}
}

// This box's Debian php8.2-fpm package config, read where it is.
func TestFPMPoolsThisBox(t *testing.T) {
	const wwwConf = "/etc/php/8.2/fpm/pool.d/www.conf"
	if _, err := os.Stat(wwwConf); err != nil {
		msg := "php8.2-fpm not installed (apt-get install -y php8.2-fpm): " + err.Error()
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but " + msg)
		}
		t.Skip(msg)
	}
	pools, err := FPMPools("/")
	if err != nil {
		t.Fatalf("FPMPools(/): %v", err)
	}
	www := poolNamed(t, pools, "/etc/php/8.2/fpm/php-fpm.conf", "www")
	if www.Listen != "/run/php/php8.2-fpm.sock" || www.MaxChildren != 5 || www.PM != "dynamic" ||
		www.ListenBacklog != -1 || www.BacklogLine != 0 || www.File != wwwConf {
		t.Errorf("www = %+v, want Debian's default pool", www)
	}
	if n := lineOf(t, wwwConf, "listen = "); www.Line != n {
		t.Errorf("listen line = %d, want %d", www.Line, n)
	}
	if n := lineOf(t, wwwConf, "pm.max_children = "); www.MaxChildrenLine != n {
		t.Errorf("pm.max_children line = %d, want %d", www.MaxChildrenLine, n)
	}
	if p, ok := PoolFor(pools, "unix", "/var/run/php/php8.2-fpm.sock"); !ok || p.Name != "www" {
		t.Errorf("PoolFor(php8.2-fpm.sock) = %+v %v, want www", p, ok)
	}
}

// lineOf is the number of the first line of path starting with prefix.
func lineOf(t *testing.T, path, prefix string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.HasPrefix(sc.Text(), prefix) {
			return n
		}
	}
	t.Fatalf("%s has no line starting %q", path, prefix)
	return 0
}

func TestParsePoolConfig(t *testing.T) {
	text := "; comment\n# hash comment\n  [ www ]  \nKey = v1 ; tail\nq = \"a;b\" ; c\ns = 'x y'\nbare\n= nokey\nempty =\n[]\n"
	var got []string
	parsePoolConfig([]byte(text), func(e iniEntry) {
		got = append(got, fmt.Sprintf("%d|%s|%s|%s", e.line, e.section, e.key, e.value))
	})
	want := []string{"3|www||", "4||key|v1", "5||q|a;b", "6||s|x y", "9||empty|"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("entries = %q, want %q", got, want)
	}
}
