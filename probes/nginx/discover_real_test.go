package nginx

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"ngx502/probes/nginxtest"
)

// masterByPID finds pid among in.Masters.
func masterByPID(t *testing.T, in Install, pid int) Master {
	t.Helper()
	for _, m := range in.Masters {
		if m.PID == pid {
			return m
		}
	}
	t.Fatalf("pid %d not among the masters Discover found: %+v", pid, in.Masters)
	return Master{}
}

func discover(t *testing.T, o DiscoverOptions) Install {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	in, err := Discover(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// A process anyone could start, titled like a master, must never be taken
// for root's nginx nor have its binary executed.
func TestDiscoverIgnoresSpoofedMasters(t *testing.T) {
	nginxBinary(t)
	requireRoot(t)
	// As nobody, from nobody's directory; and as root, but from a file nobody owns.
	nobodyPID, nobodyFake := spoofMaster(t, nobodyDir(t), nobodyUID)
	rootPID, rootFake := spoofMaster(t, rootDir(t), 0)
	for _, o := range []DiscoverOptions{{}, {PID: nobodyPID}, {PID: rootPID}, {Conf: nobodyFake.path + ".conf"}} {
		in := discover(t, o)
		for _, c := range []struct {
			pid  int
			fake markerScript
			why  string
		}{
			{nobodyPID, nobodyFake, "runs as uid 65534 (nobody), not root"},
			{rootPID, rootFake, "its binary " + rootFake.path + " is owned by uid 65534, not root"},
		} {
			m := masterByPID(t, in, c.pid)
			if m.Trusted || m.Distrust != c.why {
				t.Errorf("pid %d: trusted %v, distrust %q; want %q", c.pid, m.Trusted, m.Distrust, c.why)
			}
			if in.Master != nil && in.Master.PID == c.pid || in.Binary == c.fake.path || strings.Contains(in.Source, fmt.Sprint(c.pid)) {
				t.Errorf("options %+v: Discover took the spoofed pid %d: master %+v binary %s", o, c.pid, in.Master, in.Binary)
			}
			if _, ran := in.Builds[c.fake.path]; ran {
				t.Errorf("the spoofed binary %s was run for -V", c.fake.path)
			}
			if w := fmt.Sprintf("ignored nginx master pid %d: %s", c.pid, c.why); !slices.Contains(in.Warnings, w) {
				t.Errorf("no warning %q in %q", w, in.Warnings)
			}
			c.fake.assertNeverRun(t)
		}
		if o.PID != 0 && in.Master != nil {
			t.Errorf("--pid %d is untrusted: no master may be chosen, got %+v", o.PID, in.Master)
		}
	}
}

// A real nginx run by nobody is ignored; run by root with a -g that hides a
// second -c, it is trusted but nothing is borrowed from its title.
func TestDiscoverInjectedGlobals(t *testing.T) {
	bin := nginxBinary(t)
	requireRoot(t)
	nobodyPrefix := nobodyDir(t) + "/"
	nobodyPID, _ := startInjectedNginx(t, bin, nobodyPrefix, nobodyUID, nginxtest.FreePort(t))
	rootPrefix := rootDir(t) + "/"
	rootPID, _ := startInjectedNginx(t, bin, rootPrefix, 0, nginxtest.FreePort(t))

	in := discover(t, DiscoverOptions{})
	if m := masterByPID(t, in, nobodyPID); m.Trusted || m.Distrust != "runs as uid 65534 (nobody), not root" || m.Binary != bin {
		t.Fatalf("nobody's nginx: %+v", m)
	}
	if in.Master != nil && in.Master.PID == nobodyPID {
		t.Fatalf("Discover picked nobody's nginx: %+v", in.Master)
	}
	for _, o := range []DiscoverOptions{{PID: nobodyPID}, {Conf: "/other/nginx.conf"}, {Conf: nobodyPrefix + "nginx.conf"}} {
		if in := discover(t, o); in.Master != nil && (in.Master.PID == nobodyPID || in.Master.PID == rootPID) {
			t.Errorf("%+v picked %+v", o, in.Master)
		}
	}

	in = discover(t, DiscoverOptions{PID: rootPID})
	m := masterByPID(t, in, rootPID)
	if !m.Trusted || m.ArgvExact || m.Conf != "" || m.Globals != "" || m.Prefix != "" {
		t.Fatalf("root's nginx with an injected -g: %+v", m)
	}
	if in.Master == nil || in.Master.PID != rootPID {
		t.Fatalf("--pid %d: %+v", rootPID, in.Master)
	}
	if in.Globals != "" || in.Prefix != in.Build.Prefix+"/" || in.Conf == "/other/nginx.conf" || in.Conf != in.Build.ConfPath {
		t.Fatalf("borrowed from an unclear title: globals %q prefix %q conf %q", in.Globals, in.Prefix, in.Conf)
	}
	w := fmt.Sprintf("cannot recover pid %d's command line exactly (its -g holds what looks like flags): not borrowing its -c/-p/-g", rootPID)
	if !slices.Contains(in.Warnings, w) {
		t.Fatalf("no warning %q in %q", w, in.Warnings)
	}
}

// Two trusted masters: Discover says it is guessing, --pid and --conf choose.
func TestDiscoverSeveralMasters(t *testing.T) {
	nginxBinary(t)
	requireRoot(t)
	first := nginxtest.Start(t, nginxtest.Options{})
	second := nginxtest.Start(t, nginxtest.Options{})

	in := discover(t, DiscoverOptions{})
	if !in.Ambiguous || in.Master == nil {
		t.Fatalf("two masters run, Discover must say it chose: ambiguous %v master %+v", in.Ambiguous, in.Master)
	}
	var listing string
	for _, w := range in.Warnings {
		if strings.Contains(w, " nginx masters run: ") {
			listing = w
		}
	}
	for _, n := range []*nginxtest.Nginx{first, second} {
		if want := fmt.Sprintf("pid %d (uid 0, -c %s)", n.PID, n.Conf); !strings.Contains(listing, want) {
			t.Errorf("listing %q lacks %q", listing, want)
		}
	}
	if !strings.HasSuffix(listing, fmt.Sprintf("inspecting pid %d — choose with --pid N or --conf FILE", in.Master.PID)) {
		t.Errorf("listing %q does not name the chosen pid %d", listing, in.Master.PID)
	}

	in = discover(t, DiscoverOptions{PID: second.PID})
	if in.Master == nil || in.Master.PID != second.PID || in.Ambiguous || in.Conf != second.Conf || in.Prefix != second.Prefix+"/" {
		t.Fatalf("--pid %d: master %+v conf %q prefix %q", second.PID, in.Master, in.Conf, in.Prefix)
	}
	in = discover(t, DiscoverOptions{Conf: first.Conf})
	if in.Master == nil || in.Master.PID != first.PID || in.Ambiguous || in.Prefix != first.Prefix+"/" {
		t.Fatalf("--conf %s: master %+v prefix %q", first.Conf, in.Master, in.Prefix)
	}
	if e := masterByPID(t, in, second.PID).EffectiveConf(in.Builds[second.Binary]); e != second.Conf {
		t.Fatalf("EffectiveConf of pid %d = %q, want %q", second.PID, e, second.Conf)
	}
}
