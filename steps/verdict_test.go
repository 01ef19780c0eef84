package steps

import (
	"strings"
	"testing"

	"ngx502/probes/nginx"
)

func TestDecideMergesEvidenceAcrossSteps(t *testing.T) {
	outs := []Outcome{
		{Step: Logs, Status: Fail, Findings: []Finding{
			{Cause: CauseRefused, Subject: "127.0.0.1:8080", Kind: Observed, Current: true, Evidence: []string{"log: 37× connect() failed (111: Connection refused)"}},
			{Cause: CauseNoLive, Subject: "app", Kind: Observed, Current: true, Evidence: []string{"log: 2× no live upstreams"}},
		}},
		{Step: Upstream, Status: Fail, Findings: []Finding{
			{Cause: CauseRefused, Subject: "127.0.0.1:8080", Kind: Reproduced, Evidence: []string{"probe: connection refused"}},
		}},
		{Step: Network, Status: Fail, Findings: []Finding{
			{Cause: CauseRefused, Subject: "127.0.0.1:8080", Kind: Measured, Evidence: []string{"network: nothing listens on 127.0.0.1:8080"},
				Fix: "start the service that should listen on 127.0.0.1:8080"},
		}},
	}
	v := Decide(outs)
	if v.Cause != CauseRefused || v.Subject != "127.0.0.1:8080" {
		t.Fatalf("verdict %s %s, want upstream-refused 127.0.0.1:8080", v.Cause, v.Subject)
	}
	if len(v.Evidence) != 3 {
		t.Errorf("evidence %v: want the three steps' lines", v.Evidence)
	}
	if v.Fix != "start the service that should listen on 127.0.0.1:8080" {
		t.Errorf("fix %q: want the network step's concrete fix", v.Fix)
	}
	if v.Confidence != High || len(v.RunnerUps) != 1 || v.RunnerUps[0].Cause != CauseNoLive {
		t.Errorf("confidence %s, runner-ups %+v: want high, no-live-upstreams as runner-up", v.Confidence, v.RunnerUps)
	}
}

func TestDecideHealthyNeedsEvidence(t *testing.T) {
	quiet := []Outcome{
		{Step: Logs, Status: Pass, Summary: "no upstream errors in the last 24h"},
		{Step: Upstream, Status: Pass, Summary: "1 of 1 upstreams answer"},
		{Step: Config, Status: Pass, Findings: []Finding{{Cause: CauseLocalhostIPv6, Kind: Predicted}}},
	}
	if v := Decide(quiet); v.Cause != CauseHealthy || len(v.Evidence) == 0 {
		t.Errorf("quiet box: verdict %s evidence %v, want healthy with the steps' summaries", v.Cause, v.Evidence)
	}
	blind := []Outcome{{Step: Logs, Status: Skipped}, {Step: Upstream, Status: Skipped}}
	if v := Decide(blind); v.Cause != CauseUnknown {
		t.Errorf("nothing could be read: verdict %s, want unknown (not a healthy claim)", v.Cause)
	}
}

func TestShellLineQuotes(t *testing.T) {
	got := shellLine([]string{"/usr/sbin/nginx", "-t", "-g", "daemon off; pid /tmp/x it's.pid;"})
	want := `/usr/sbin/nginx -t -g 'daemon off; pid /tmp/x it'\''s.pid;'`
	if got != want {
		t.Errorf("shellLine = %s, want %s", got, want)
	}
}

func TestListenTarget(t *testing.T) {
	for _, c := range []struct{ listen, addr, scheme string }{
		{"80", "127.0.0.1:80", "http"},
		{"443 ssl http2", "127.0.0.1:443", "https"},
		{"[::]:8080 default_server", "[::1]:8080", "http"},
		{"0.0.0.0:81", "127.0.0.1:81", "http"},
		{"10.0.0.5:8080", "10.0.0.5:8080", "http"},
	} {
		addr, scheme, ok := listenTarget(serverWithListen(c.listen))
		if !ok || addr != c.addr || scheme != c.scheme {
			t.Errorf("listen %q → %s %s %v, want %s %s", c.listen, addr, scheme, ok, c.addr, c.scheme)
		}
	}
	if _, _, ok := listenTarget(serverWithListen("unix:/run/nginx.sock")); ok {
		t.Error("a unix listen cannot be requested over TCP")
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int{"4096": 4096, "4k": 4096, "8K": 8192, "1m": 1 << 20} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	if _, err := parseSize("big"); err == nil || !strings.Contains(err.Error(), "big") {
		t.Errorf("parseSize(big) error %v", err)
	}
}

func TestVersionBefore(t *testing.T) {
	if !versionBefore("1.22.1", 1, 29, 7) || versionBefore("1.29.7", 1, 29, 7) || versionBefore("1.30.0", 1, 29, 7) {
		t.Error("versionBefore compares wrongly")
	}
}

func serverWithListen(l string) nginx.Server { return nginx.Server{Listen: []string{l}} }

func TestDecideUnfinished(t *testing.T) {
	quiet := []Outcome{
		{Step: Logs, Status: Pass, Summary: "no upstream errors"},
		Unfinished(Upstream, "cancelled"),
		{Step: Config, Status: Pass},
		{Step: Network, Status: Pass, Unfinished: "12 of 40 connects not run: out of time"},
	}
	v := Decide(quiet)
	if v.Cause != CauseIncomplete || !v.Inconclusive() || len(v.Unfinished) != 2 {
		t.Fatalf("an unfinished quiet run: %s %v, want incomplete naming both steps", v.Cause, v.Unfinished)
	}
	if !strings.Contains(strings.Join(v.Evidence, "\n"), "step 2 Upstream did not finish: cancelled") {
		t.Errorf("evidence %q does not name step 2", v.Evidence)
	}
	found := append(quiet, Outcome{Step: Logs, Findings: []Finding{{Cause: CauseRefused, Subject: "127.0.0.1:8080", Kind: Observed, Current: true}}})
	if v := Decide(found); v.Cause != CauseRefused || len(v.Unfinished) != 2 {
		t.Errorf("a cause found before the run stopped: %s %v, want upstream-refused, marked unfinished", v.Cause, v.Unfinished)
	}
}

func TestDecideBoundsRunnerUps(t *testing.T) {
	var fs []Finding
	for i := range 50 {
		fs = append(fs, Finding{Cause: CauseRefused, Subject: nginx.Where{File: "x", Line: i}.String(), Kind: Reproduced})
	}
	fs = append(fs, Finding{Cause: CauseRefused, Title: "45 more upstreams, same cause", Rest: 45}) // a capped group's summary
	v := Decide([]Outcome{{Step: Upstream, Findings: fs}})
	if len(v.RunnerUps) != maxOthers || v.MoreOthers != 49-maxOthers {
		t.Errorf("runner-ups %d (+%d more), want %d (+%d)", len(v.RunnerUps), v.MoreOthers, maxOthers, 49-maxOthers)
	}
}
