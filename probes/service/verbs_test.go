package service

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// needRoot skips (or fails in CI) where files cannot be root-owned, which
// the trust rule demands of every tool and script.
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("these tests need root (files must be root-owned to be trusted)")
	}
	t.Skip("not root: files made here are not root-owned, so none is trusted")
}

// writeExec writes an executable file (0755) under root.
func writeExec(t *testing.T, root, rel, text string) string {
	t.Helper()
	p := filepath.Join(root, rel)
	mkdir(t, filepath.Dir(p))
	if err := os.WriteFile(p, []byte(text), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// toolRoot is a box with every manager's tool installed where its package puts it.
func toolRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for _, rel := range []string{"usr/sbin/service", "sbin/rc-service", "bin/systemctl", "usr/bin/sv",
		"usr/bin/s6-svc", "usr/bin/s6-svstat", "usr/bin/supervisorctl", "usr/local/bin/docker",
		"usr/bin/podman", "usr/bin/ps", "usr/bin/kill"} {
		writeExec(t, root, rel, "#!/bin/sh\nexit 0\n")
	}
	writeExec(t, root, "etc/init.d/app", "#!/bin/sh\ncase \"$1\" in\nstart|stop|restart|reload) ;;\nesac\n")
	writeExec(t, root, "etc/init.d/noreload", "#!/bin/sh\ncase \"$1\" in\nstart|stop|restart|force-reload) ;;\nesac\n")
	writeExec(t, root, "etc/init.d/orc", "#!/sbin/openrc-run\nextra_started_commands=\"reload\"\n")
	return root
}

const testID = "4b825dc642cb6eb9a060e54bf8d69288fbee4904aaaaaaaaaaaaaaaaaaaaaaaa"

func TestCommandForEveryManagerAndVerb(t *testing.T) {
	needRoot(t)
	root := toolRoot(t)
	proc := &Process{PID: 900, Comm: "node", Argv: []string{"/usr/bin/node", "server.js"}, UID: 33, User: "www-data", Cwd: "/srv/app"}
	// %s is the verb; "ERR:text" means refused with an error holding text.
	cases := []struct {
		owner Owner
		want  map[Verb][]string
	}{
		{Owner{Manager: Systemd, Name: "php8.2-fpm.service"}, allVerbs("/bin/systemctl", "%s", "php8.2-fpm.service")},
		{Owner{Manager: SysV, Name: "app", Script: "/etc/init.d/app"}, allVerbs("/usr/sbin/service", "app", "%s")},
		{Owner{Manager: OpenRC, Name: "orc", Script: "/etc/init.d/orc"}, allVerbs("/sbin/rc-service", "orc", "%s")},
		{Owner{Manager: Runit, Name: "app"}, allVerbs("/usr/bin/sv", "%s", "app")},
		{Owner{Manager: Runit, Name: "/etc/sv/app"}, allVerbs("/usr/bin/sv", "%s", "/etc/sv/app")},
		{Owner{Manager: S6, Name: "/run/service/app"}, map[Verb][]string{
			Start: {"/usr/bin/s6-svc", "-u", "/run/service/app"}, Restart: {"/usr/bin/s6-svc", "-r", "/run/service/app"},
			Reload: {"/usr/bin/s6-svc", "-h", "/run/service/app"}, Stop: {"/usr/bin/s6-svc", "-d", "/run/service/app"},
			Status: {"/usr/bin/s6-svstat", "/run/service/app"}}},
		{Owner{Manager: Supervisord, Name: "web:shop"}, withVerb(allVerbs("/usr/bin/supervisorctl", "%s", "web:shop"), Reload, "ERR:cannot reload one program")},
		{Owner{Manager: Supervisord, Name: "shop", Config: "/srv/sup.conf"},
			withVerb(allVerbs("/usr/bin/supervisorctl", "-c", "/srv/sup.conf", "%s", "shop"), Reload, "ERR:restart shop instead")},
		{Owner{Manager: InContainer, Name: testID, Runtime: "docker"}, map[Verb][]string{
			Start: {"/usr/local/bin/docker", "start", testID}, Restart: {"/usr/local/bin/docker", "restart", testID},
			Stop: {"/usr/local/bin/docker", "stop", testID}, Reload: {"ERR:docker has no reload"},
			Status: {"/usr/local/bin/docker", "inspect", "--format", "{{.State.Status}}", testID}}},
		{Owner{Manager: InContainer, Name: testID, Runtime: "podman"}, withVerb(withVerb(allVerbs("/usr/bin/podman", "%s", testID),
			Reload, "ERR:podman has no reload"), Status, "/usr/bin/podman", "inspect", "--format", "{{.State.Status}}", testID)},
		{Owner{Manager: InContainer, Name: testID, Runtime: "kubernetes"}, allVerbs("ERR:through its orchestrator")},
		{Owner{Manager: PlainProcess, Process: proc}, map[Verb][]string{
			Start: {"ERR:as www-data (uid 33) in /srv/app: /usr/bin/node server.js"}, Restart: {"ERR:no manager can restart pid 900"},
			Reload: {"ERR:no manager can reload"}, Stop: {"/usr/bin/kill", "-TERM", "900"},
			Status: {"/usr/bin/ps", "-o", "pid,user,lstart,args", "-p", "900"}}},
		{Owner{Manager: None}, allVerbs("ERR:no service manager controls it")},
		{Owner{Manager: Supervisord}, allVerbs("ERR:under which name is not known")},
		{Owner{Manager: Systemd, Name: "--root=/tmp"}, allVerbs("ERR:is not a name systemd can be given safely")},
		{Owner{Manager: InContainer, Name: "abc; rm", Runtime: "docker"}, allVerbs("ERR:is not a name container can be given safely")},
	}
	for _, c := range cases {
		for _, verb := range Verbs() {
			want := expand(c.want[verb], verb)
			got, err := CommandFor(root, c.owner, verb)
			if msg, isErr := strings.CutPrefix(strings.Join(want, " "), "ERR:"); isErr {
				if err == nil || !strings.Contains(err.Error(), msg) {
					t.Errorf("%s %s: got %q, %v; want refusal with %q", c.owner.Manager, verb, got.Argv, err, msg)
				}
				continue
			}
			if err != nil || !slices.Equal(got.Argv, want) {
				t.Errorf("%s %s %q: got %q, %v; want %q", c.owner.Manager, verb, c.owner.Name, got.Argv, err, want)
				continue
			}
			if got.Why == "" || got.Changes == "" {
				t.Errorf("%s %s: no Why/Changes: %+v", c.owner.Manager, verb, got)
			}
			explicit := verb != Status && (c.owner.Manager == InContainer || c.owner.Manager == PlainProcess)
			if got.ExplicitYes != explicit {
				t.Errorf("%s %s: ExplicitYes = %v, want %v", c.owner.Manager, verb, got.ExplicitYes, explicit)
			}
		}
	}
	if _, err := CommandFor(root, Owner{Manager: Systemd, Name: "x.service"}, "kill"); err == nil {
		t.Error("unknown verb accepted")
	}
	got, _ := CommandFor(root, Owner{Manager: InContainer, Name: testID, Runtime: "docker"}, Restart)
	if !strings.Contains(got.Changes, "whole docker container 4b825dc642cb") {
		t.Errorf("container restart Changes = %q, want it to say the whole container restarts", got.Changes)
	}
}

// allVerbs is the same argv for every verb; withVerb replaces one.
func allVerbs(argv ...string) map[Verb][]string {
	m := map[Verb][]string{}
	for _, v := range Verbs() {
		m[v] = argv
	}
	return m
}

func withVerb(m map[Verb][]string, v Verb, argv ...string) map[Verb][]string {
	out := map[Verb][]string{}
	for k, a := range m {
		out[k] = a
	}
	out[v] = argv
	return out
}

func expand(argv []string, v Verb) []string {
	out := make([]string, len(argv))
	for i, a := range argv {
		out[i] = strings.ReplaceAll(a, "%s", string(v))
	}
	return out
}

func TestCommandForSysVRefusals(t *testing.T) {
	needRoot(t)
	root := toolRoot(t)
	if _, err := CommandFor(root, Owner{Manager: SysV, Name: "noreload", Script: "/etc/init.d/noreload"}, Reload); err == nil || !strings.Contains(err.Error(), "has no reload action") {
		t.Errorf("reload of a script without one: %v", err)
	}
	// A group-writable script: anyone in its group could make root run anything.
	bad := writeExec(t, root, "etc/init.d/shady", "#!/bin/sh\n")
	if err := os.Chmod(bad, 0o775); err != nil {
		t.Fatal(err)
	}
	o := Owner{Manager: SysV, Name: "shady", Script: "/etc/init.d/shady"}
	for _, v := range Verbs() {
		if c, err := CommandFor(root, o, v); err == nil || !strings.Contains(err.Error(), "/etc/init.d/shady is writable by group") {
			t.Errorf("%s of a group-writable script: %q, %v", v, c.Argv, err)
		}
	}
	// An untrusted service(8) is skipped: the trusted script runs by itself.
	if err := os.Chmod(filepath.Join(root, "usr/sbin/service"), 0o777); err != nil {
		t.Fatal(err)
	}
	c, err := CommandFor(root, Owner{Manager: SysV, Name: "app", Script: "/etc/init.d/app"}, Restart)
	if err != nil || !slices.Equal(c.Argv, []string{"/etc/init.d/app", "restart"}) {
		t.Errorf("with service(8) untrusted: %q, %v; want the script itself", c.Argv, err)
	}
	// A tool owned by someone else is refused, and the error says so.
	if err := os.Chown(filepath.Join(root, "bin/systemctl"), 65534, 65534); err != nil {
		t.Fatal(err)
	}
	if _, err := CommandFor(root, Owner{Manager: Systemd, Name: "a.service"}, Start); err == nil || !strings.Contains(err.Error(), "owned by uid 65534") {
		t.Errorf("systemctl owned by nobody: %v", err)
	}
	if _, err := CommandFor(t.TempDir(), Owner{Manager: Runit, Name: "a"}, Start); err == nil || !strings.Contains(err.Error(), "sv is not installed") {
		t.Errorf("no sv: %v", err)
	}
}

func TestTrustFile(t *testing.T) {
	needRoot(t)
	root := t.TempDir()
	writeExec(t, root, "usr/bin/ok", "")
	writeExec(t, root, "open/bin/tool", "")
	if err := os.Chmod(filepath.Join(root, "open"), 0o777); err != nil {
		t.Fatal(err)
	}
	writeExec(t, root, "sticky/tool", "")
	if err := os.Chmod(filepath.Join(root, "sticky"), os.ModeSticky|0o777); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(root, "usr/bin/plain"), "") // 0644: not executable
	// An absolute symlink resolves inside root, as on the box it describes.
	if err := os.Symlink("/usr/bin/ok", filepath.Join(root, "usr/bin/link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/open/bin/tool", filepath.Join(root, "usr/bin/badlink")); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"/usr/bin/ok":      "",
		"/usr/bin/link":    "",
		"/sticky/tool":     "",
		"/open/bin/tool":   "which is writable by group and others",
		"/usr/bin/badlink": "which is writable by group and others",
		"/usr/bin/plain":   "is not executable",
		"/usr/bin/missing": "cannot stat",
		"usr/bin/ok":       "not an absolute path",
	}
	for rel, want := range cases {
		ok, why := TrustFile(root, rel)
		if want == "" && !ok || want != "" && (ok || !strings.Contains(why, want)) {
			t.Errorf("TrustFile(%s) = %v %q, want %q", rel, ok, why, want)
		}
	}
}
