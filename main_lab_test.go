package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"ngx502/lab"
	"ngx502/probes/nginxtest"
	"ngx502/steps"
)

// Every lab scenario is also a test of ngx502: started as `ngx502 lab
// start` starts it (a real nginx, the broken backend as a process of its
// own), diagnosed by `ngx502 report --format json`, stopped — and the
// verdict must name the scenario's cause with at least its confidence,
// and nothing it started may be left.
func TestLabScenarios(t *testing.T) {
	bin := nginxtest.Binary(t)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range lab.Scenarios() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			if (s.Root || s.Hosts != "") && os.Geteuid() != 0 {
				needs(t, "lab "+s.Name+" needs root")
			}
			l, err := lab.Start(t.Context(), s, lab.Options{Nginx: bin, Self: self})
			if err != nil {
				t.Fatalf("start: %v", err)
			}
			stopped := false
			t.Cleanup(func() {
				if !stopped {
					_ = l.Stop()
				}
			})
			var out, errb strings.Builder
			code := run([]string{"report", "--format", "json", "--nginx", l.Nginx, "--conf", l.Conf, "--prefix", l.Dir + "/", "--timeout", "5s"}, &out, &errb)
			var rep struct {
				Verdict struct {
					Cause      steps.CauseID    `json:"cause"`
					Confidence steps.Confidence `json:"confidence"`
					Subject    string           `json:"subject"`
					Evidence   []string         `json:"evidence"`
				} `json:"verdict"`
			}
			if err := json.Unmarshal([]byte(out.String()), &rep); err != nil {
				t.Fatalf("report (exit %d) is not JSON: %v\n%s\n%s", code, err, out.String(), errb.String())
			}
			v := rep.Verdict
			if v.Cause != s.Cause || !atLeast(v.Confidence, s.Confidence) {
				t.Errorf("verdict %s (%s) %q, want %s at least %s\nevidence: %q", v.Cause, v.Confidence, v.Subject, s.Cause, s.Confidence, v.Evidence)
			}
			if wantExit := map[bool]int{true: exitOK, false: exitProblem}[s.Cause == steps.CauseHealthy]; code != wantExit {
				t.Errorf("exit %d, want %d", code, wantExit)
			}
			procs := l.Procs
			stopped = true
			if err := l.Stop(); err != nil {
				t.Errorf("stop: %v", err)
			}
			for _, p := range procs {
				if p.Alive() {
					t.Errorf("%s (pid %d) still runs after lab stop", p.What, p.PID)
				}
			}
			if _, err := os.Stat(l.Dir); !os.IsNotExist(err) {
				t.Errorf("lab dir %s left behind (%v)", l.Dir, err)
			}
		})
	}
}

func atLeast(got, want steps.Confidence) bool {
	rank := map[steps.Confidence]int{steps.Low: 1, steps.Medium: 2, steps.High: 3}
	return rank[got] >= rank[want]
}

// The lab's command line: list, and the wrong inputs, each with exit 2
// and a line saying what is wrong.
func TestLabCommandLine(t *testing.T) {
	var out, errb strings.Builder
	if code := run([]string{"lab", "list"}, &out, &errb); code != exitOK || strings.Count(out.String(), "\n") < len(lab.Scenarios()) || !strings.Contains(out.String(), "upstream-down") {
		t.Errorf("lab list: exit %d\n%s", code, out.String())
	}
	for _, args := range [][]string{{"lab", "start", "no-such-lab"}, {"lab", "start"}, {"lab", "frobnicate"}, {"lab", "list", "extra"}, {"lab", "check"}, {"demo", "a", "b"}} {
		errb.Reset()
		if code := run(args, &out, &errb); code != exitUsage || errb.Len() == 0 {
			t.Errorf("%q: exit %d, stderr %q; want 2 and a reason", args, code, errb.String())
		}
	}
	errb.Reset()
	if code := run([]string{"lab", "start", "healthy", "--quiz"}, &out, &errb); code != exitUsage || !strings.Contains(errb.String(), "--quiz needs a terminal") {
		t.Errorf("lab start --quiz without a terminal: exit %d %q", code, errb.String())
	}
	out.Reset()
	if code := run([]string{"lab", "stop", "no-such-lab"}, &out, &errb); code != exitOK || !strings.Contains(out.String(), "no lab to stop") {
		t.Errorf("lab stop of no lab: exit %d %q", code, out.String())
	}
	out.Reset()
	if code := run([]string{"lab"}, &out, &errb); code != exitOK || !strings.Contains(out.String(), "ngx502 lab start NAME") {
		t.Errorf("lab alone prints its usage: exit %d %q", code, out.String())
	}
}

// A learner's round: lab start, lab status, lab check before the fix
// (not fixed, exit 1), the fix by hand (here: the reload the lab needs),
// lab check again (fixed, exit 0), lab stop — nothing left.
func TestLabCheckAfterTheFix(t *testing.T) {
	nginxtest.Binary(t)
	var out, errb strings.Builder
	if code := run([]string{"lab", "start", "not-reloaded"}, &out, &errb); code != exitOK || !strings.Contains(out.String(), "investigate:  sudo ngx502 --conf ") {
		t.Fatalf("lab start: exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	labs, err := lab.Running()
	var l *lab.Lab
	for _, x := range labs {
		if x.Scenario == "not-reloaded" && strings.Contains(out.String(), x.Dir) {
			l = x
		}
	}
	if err != nil || l == nil {
		t.Fatalf("lab status does not list the lab just started: %v %+v", err, labs)
	}
	t.Cleanup(func() { _ = l.Stop() })
	out.Reset()
	if code := run([]string{"lab", "status"}, &out, &errb); code != exitOK || !strings.Contains(out.String(), l.Dir) || !strings.Contains(out.String(), "running  nginx master") {
		t.Errorf("lab status: exit %d\n%s", code, out.String())
	}
	out.Reset()
	if code := run([]string{"lab", "check", "not-reloaded"}, &out, &errb); code != exitProblem || !strings.Contains(out.String(), "not fixed yet") {
		t.Fatalf("lab check before the fix: exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	reload := exec.CommandContext(t.Context(), l.Nginx, "-p", l.Dir+"/", "-c", l.Conf, "-s", "reload")
	if b, err := reload.CombinedOutput(); err != nil {
		t.Fatalf("reload: %v %s", err, b)
	}
	time.Sleep(1100 * time.Millisecond) // log times have 1 s precision: the old errors are before the reload
	out.Reset()
	if code := run([]string{"lab", "check", "not-reloaded"}, &out, &errb); code != exitOK || !strings.Contains(out.String(), "well done") || !strings.Contains(out.String(), "fixed: 5/5 requests 200") {
		t.Fatalf("lab check after the fix: exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	out.Reset()
	if code := run([]string{"lab", "stop", "not-reloaded"}, &out, &errb); code != exitOK || !strings.Contains(out.String(), "stopped lab not-reloaded") {
		t.Errorf("lab stop: exit %d %q", code, out.String())
	}
	for _, p := range l.Procs {
		if p.Alive() {
			t.Errorf("%s (pid %d) left running", p.What, p.PID)
		}
	}
}
