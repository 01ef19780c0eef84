package steps_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"ngx502/probes/nginxtest"
	"ngx502/steps"
)

// hostileConf writes an nginx.conf owned by nobody that, if nginx -t ran
// on it, would create its pid file and chown its temp dir to daemon.
func hostileConf(t *testing.T) (conf, pidFile, tempDir string) {
	t.Helper()
	if os.Geteuid() != 0 {
		const msg = "needs root: the config must be owned by another user than the one running ngx502"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir := t.TempDir()
	pidFile, tempDir = filepath.Join(dir, "nginx.pid"), filepath.Join(dir, "body")
	if err := os.Mkdir(tempDir, 0o755); err != nil {
		t.Fatal(err)
	}
	conf = filepath.Join(dir, "nginx.conf")
	text := "user daemon;\npid " + pidFile + ";\nerror_log " + filepath.Join(dir, "error.log") + ";\nevents {}\n" +
		"http {\n  client_body_temp_path " + tempDir + ";\n  access_log off;\n" +
		"  server { listen 127.0.0.1:9; location / { proxy_pass http://127.0.0.1:9; } }\n}\n"
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(conf, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	return conf, pidFile, tempDir
}

func configStep(t *testing.T, o steps.Options) (steps.Outcome, steps.Outcome) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	o.Timeout = time.Second
	kase, err := steps.Discover(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	cfg := steps.RunStep(ctx, kase, steps.Config, nil)
	return cfg, steps.RunStep(ctx, kase, steps.Restart, []steps.Outcome{cfg})
}

// nginx -t is not read-only: on a config another user can change, ngx502
// does not run it by itself — it says why, offers it, and blocks reloads.
func TestNginxTNotRunOnForeignConfig(t *testing.T) {
	conf, pidFile, tempDir := hostileConf(t)
	bin := nginxtest.Binary(t)
	cfg, restart := configStep(t, steps.Options{Binary: bin, Conf: conf})
	var test steps.Check
	for _, ch := range cfg.Checks {
		if ch.Name == "nginx -t" {
			test = ch
		}
	}
	if test.Status != steps.Skipped || !strings.Contains(test.Result, "not run by itself") || !strings.Contains(test.Result, "uid 65534") {
		t.Errorf("nginx -t check %s %q: want skipped, naming the file's owner", test.Status, test.Result)
	}
	if len(cfg.Actions) != 1 || cfg.Actions[0].ID != steps.ActionNginxT || cfg.Actions[0].Argv[0] != bin {
		t.Errorf("step 3 must offer exactly the nginx -t it would run: %+v", cfg.Actions)
	}
	for _, a := range restart.Actions {
		if a.Blocked == "" {
			t.Errorf("%s not blocked although nginx -t has not run", a.Label)
		}
	}
	if _, err := os.Stat(pidFile); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the pid file exists: nginx -t ran anyway (%v)", err)
	}
	if st, err := os.Stat(tempDir); err != nil || st.Sys().(*syscall.Stat_t).Uid != 0 {
		t.Errorf("temp dir %s changed owner: nginx -t ran anyway", tempDir)
	}

	// --nginx-t (or the wizard's y) is consent: now it runs, with its effects.
	cfg, _ = configStep(t, steps.Options{Binary: bin, Conf: conf, NginxT: true})
	for _, ch := range cfg.Checks {
		if ch.Name == "nginx -t" && ch.Status == steps.Skipped {
			t.Errorf("--nginx-t given, still not run: %s", ch.Result)
		}
	}
	if len(cfg.Actions) != 0 {
		t.Errorf("nothing left to ask once consent is given: %+v", cfg.Actions)
	}
	if _, err := os.Stat(pidFile); err != nil {
		t.Logf("nginx -t ran without creating %s: %v", pidFile, err)
	}
}

// The box's own kind of config — every file root's, writable by no one
// else — is tested without asking, as a service start would.
func TestNginxTRunsOnRootConfig(t *testing.T) {
	conf, _, _ := hostileConf(t)
	if err := os.Chown(conf, 0, 0); err != nil {
		t.Fatal(err)
	}
	cfg, _ := configStep(t, steps.Options{Binary: nginxtest.Binary(t), Conf: conf})
	for _, ch := range cfg.Checks {
		if ch.Name == "nginx -t" && ch.Status == steps.Skipped {
			t.Errorf("root's own config: nginx -t not run: %s", ch.Result)
		}
	}
	if len(cfg.Actions) != 0 {
		t.Errorf("root's own config needs no consent: %+v", cfg.Actions)
	}
}
