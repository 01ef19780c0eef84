package service

import (
	"os"
	"path/filepath"
	"strings"
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

func TestCandidatesSources(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "lib/systemd/system/app.socket", "[Socket]\nListenStream=/var/run/app.sock\nService=appd.service\n")
	writeFile(t, root, "lib/systemd/system/web.socket", "[Socket]\nListenStream=8081\n")
	writeFile(t, root, "lib/systemd/system/proxy.service", "[Service]\nExecStart=/usr/bin/proxy --upstream http://10.0.0.9:8082/\n")
	writeFile(t, root, "lib/systemd/system/direct.service", "[Service]\nExecStart=/usr/bin/direct --port 8082\n")
	writeFile(t, root, "etc/php/8.1/fpm/pool.d/api.conf", "[api]\nlisten = 127.0.0.1:9001\n")
	writeFile(t, root, "etc/php/8.3/fpm/pool.d/any.conf", "[any]\n; all addresses\nlisten = 9002\n")
	writeFile(t, root, "etc/supervisor/conf.d/shop.conf", "[program:shop]\ncommand=gunicorn -b 127.0.0.1:8083 shop:app\n[group:web]\nprograms=shop\n"+
		"[program:cron]\ncommand=/usr/bin/poll --every 8083\n[fcgi-program:cgi]\nsocket=unix:///run/cgi.sock\ncommand=/usr/bin/php-cgi\n")
	writeFile(t, root, "etc/init.d/cache", "#!/bin/sh\n[ -r /etc/default/cache ] && . /etc/default/cache\n")
	writeFile(t, root, "etc/default/cache", "# port\nDAEMON_OPTS=\"-l 127.0.0.1 -p 11211\"\n")
	writeFile(t, root, "etc/default/orphan", "PORT=11211\n") // no script or unit reads it

	type want struct {
		unit    string
		manager Manager
		socket  string
		sure    bool
		why     string
	}
	cases := []struct {
		network, addr string
		want          []want
	}{
		{"unix", "/run/app.sock", []want{{"appd.service", "", "app.socket", true, "app.socket listens there for appd.service"}}},
		{"tcp", "127.0.0.1:8081", []want{{"web.service", "", "web.socket", true, "systemd binds it itself"}}},
		// The host decides: 10.0.0.9:8082 is where proxy sends, not where it listens.
		{"tcp", "127.0.0.1:8082", []want{{"direct.service", "", "", true, "gives it as its listen address"}, {"proxy.service", "", "", false, "not sure"}}},
		{"tcp", "127.0.0.1:9001", []want{{"php8.1-fpm.service", "", "", true, "pool [api] listens there"}}},
		{"tcp", "127.0.0.1:9002", []want{{"php8.3-fpm.service", "", "", true, "PHP 8.3's php-fpm is php8.3-fpm"}}},
		{"tcp", "127.0.0.1:8083", []want{{"web:shop", Supervisord, "", true, "[program:shop] command= names it"}, {"cron", Supervisord, "", false, "not sure"}}},
		{"unix", "/run/cgi.sock", []want{{"cgi", Supervisord, "", true, "supervisord listens there itself"}}},
		{"tcp", "127.0.0.1:11211", []want{{"cache.service", "", "", true, "the configuration of /etc/init.d/cache"}}},
		{"tcp", "127.0.0.1:1", nil},
	}
	for _, c := range cases {
		got := CandidatesAt(root, c.network, c.addr)
		if len(got) != len(c.want) {
			t.Errorf("%s %s: %+v, want %d", c.network, c.addr, got, len(c.want))
			continue
		}
		for i, w := range c.want {
			g := got[i]
			if g.Unit != w.unit || g.Manager != w.manager || g.Socket != w.socket || g.Sure != w.sure || !strings.Contains(g.Why, w.why) || g.Line == 0 || g.Text == "" {
				t.Errorf("%s %s [%d]: %+v, want %+v", c.network, c.addr, i, g, w)
			}
		}
	}
	// The old API: a port alone matches any host.
	if got := Candidates(root, "8082", ""); len(got) != 2 || !got[0].Sure || !got[1].Sure {
		t.Errorf("port 8082 alone: %+v, want direct and proxy, both sure (no host to tell them apart)", got)
	}
	if got := CandidatesAt(root, "tcp", "not a port"); got != nil {
		t.Errorf("bad address: %+v", got)
	}
}

func TestManagerForCandidateSupervisord(t *testing.T) {
	needRoot(t)
	root, procRoot := supervisorBox(t, []string{"/usr/bin/python3", "/usr/bin/supervisord", "-n", "-c", "/etc/supervisor/supervisord.conf"})
	cands := CandidatesAt(root, "tcp", "127.0.0.1:8080")
	if len(cands) != 1 || cands[0].Unit != "web:shop" || cands[0].Manager != Supervisord {
		t.Fatalf("candidates = %+v", cands)
	}
	if o, ev := ManagerForCandidate(root, procRoot, cands[0]); o.Manager != None || !strings.Contains(ev.String(), "no supervisord runs") {
		t.Errorf("without a pid file: %+v; %s", o, ev)
	}
	writeFile(t, root, "var/run/supervisord.pid", "1\n")
	o, ev := ManagerForCandidate(root, procRoot, cands[0])
	if o.Manager != Supervisord || o.Name != "web:shop" || o.Config != "/etc/supervisor/supervisord.conf" || !strings.Contains(ev.String(), "supervisord runs as pid 1") {
		t.Errorf("with supervisord running: %+v; %s", o, ev)
	}
	// A unit candidate goes through ManagerFor: here the SysV script.
	if o, _ := ManagerForCandidate(root, procRoot, Candidate{Unit: "php8.2-fpm.service"}); o.Manager != SysV || o.Script != "/etc/init.d/php8.2-fpm" {
		t.Errorf("unit candidate: %+v", o)
	}
}

// TestCandidatesThisBox walks the path on this box without running
// anything: nothing listens on php-fpm's socket, its pool names it, and the
// SysV script is what starts it.
func TestCandidatesThisBox(t *testing.T) {
	const pool, script = "/etc/php/8.2/fpm/pool.d/www.conf", "/etc/init.d/php8.2-fpm"
	for _, f := range []string{pool, script} {
		if _, err := os.Stat(f); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s missing in CI: %v", f, err)
			}
			t.Skipf("php8.2-fpm is not installed: %v", err)
		}
	}
	if comm, _ := os.ReadFile("/proc/1/comm"); strings.TrimSpace(string(comm)) == "systemd" {
		t.Skip("PID 1 is systemd here: this test is about a box without it")
	}
	pools, _ := FPMPools("/")
	www, ok := PoolFor(pools, "unix", "/run/php/php8.2-fpm.sock")
	if !ok {
		t.Skipf("the www pool does not listen on /run/php/php8.2-fpm.sock here: %+v", pools)
	}
	got := CandidatesAt("/", "unix", www.Listen)
	if len(got) == 0 || got[0].Unit != "php8.2-fpm.service" || !got[0].Sure || got[0].File != pool {
		t.Fatalf("candidates for %s = %+v", www.Listen, got)
	}
	o, ev := ManagerForCandidate("/", "/proc", got[0])
	c, err := CommandFor("/", o, Start)
	if err != nil || strings.Join(c.Argv, " ") != "/usr/sbin/service php8.2-fpm start" {
		t.Fatalf("start: %q, %v (%s)", c.Argv, err, ev)
	}
	t.Logf("%s: %s → %s", www.Listen, got[0].Why, c)
}
