package steps

import (
	"strings"
	"testing"

	"ngx502/probes/nginx"
)

func TestDecideMergesEvidenceAcrossSteps(t *testing.T) {
	outs := []Outcome{
		{Step: Logs, Status: Fail, Findings: []Finding{
			{Cause: CauseRefused, Subject: "127.0.0.1:8080", Weight: 4, Evidence: []string{"log: 37× connect() failed (111: Connection refused)"}},
			{Cause: CauseNoLive, Subject: "app", Weight: 3, Evidence: []string{"log: 2× no live upstreams"}},
		}},
		{Step: Upstream, Status: Fail, Findings: []Finding{
			{Cause: CauseRefused, Subject: "127.0.0.1:8080", Weight: 3, Evidence: []string{"probe: connection refused"}},
		}},
		{Step: Network, Status: Fail, Findings: []Finding{
			{Cause: CauseRefused, Subject: "127.0.0.1:8080", Weight: 2, Evidence: []string{"network: nothing listens on 127.0.0.1:8080"},
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
	if len(v.Others) != 1 || v.Others[0].Cause != CauseNoLive {
		t.Errorf("others %+v: want no-live-upstreams as runner-up", v.Others)
	}
}

func TestDecideHealthyNeedsEvidence(t *testing.T) {
	quiet := []Outcome{
		{Step: Logs, Status: Pass, Summary: "no upstream errors in the last 24h"},
		{Step: Upstream, Status: Pass, Summary: "1 of 1 upstreams answer"},
		{Step: Config, Status: Pass, Findings: []Finding{{Cause: CauseLocalhostIPv6, Weight: 1}}},
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

// A log full of refusals about an upstream that answers now is a fault
// that passed (or comes and goes): a runner-up, not the verdict.
func TestDecideDiscountsLogFaultsOfAnAnsweringUpstream(t *testing.T) {
	outs := []Outcome{
		{Step: Logs, Status: Fail, Findings: []Finding{
			{Cause: CauseRefused, Subject: "127.0.0.1:8080", Weight: 5, Evidence: []string{"log: 9× connect() failed (111: Connection refused)"}},
			{Cause: CauseSocketPerm, Subject: "unix:/run/app.sock", Weight: 5, Evidence: []string{"log: 3× connect() to unix:/run/app.sock failed (13: Permission denied)"}},
		}},
		{Step: Upstream, Status: Pass, Answering: []string{"127.0.0.1:8080", "unix:/run/app.sock"}},
	}
	v := Decide(outs)
	// The root probe gets through a socket nginx's workers may not write,
	// so its answer says nothing against a permission fault.
	if v.Cause != CauseSocketPerm {
		t.Fatalf("verdict %s, want socket-permission to stand", v.Cause)
	}
	if len(v.Others) != 1 || v.Others[0].Cause != CauseRefused || v.Others[0].Weight != 2 ||
		v.Others[0].Evidence[len(v.Others[0].Evidence)-1] != "probe: 127.0.0.1:8080 answers now" {
		t.Fatalf("others %+v: want the refusals halved with the probe's answer as evidence", v.Others)
	}
}

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
	found := append(quiet, Outcome{Step: Logs, Findings: []Finding{{Cause: CauseRefused, Subject: "127.0.0.1:8080", Weight: 5}}})
	if v := Decide(found); v.Cause != CauseRefused || len(v.Unfinished) != 2 {
		t.Errorf("a cause found before the run stopped: %s %v, want upstream-refused, marked unfinished", v.Cause, v.Unfinished)
	}
}

func TestDecideBoundsRunnerUps(t *testing.T) {
	var fs []Finding
	for i := range 50 {
		fs = append(fs, Finding{Cause: CauseRefused, Subject: nginx.Where{File: "x", Line: i}.String(), Weight: 3})
	}
	fs = append(fs, Finding{Cause: CauseRefused, Title: "45 more upstreams, same cause"}) // a capped group's summary
	v := Decide([]Outcome{{Step: Upstream, Findings: fs}})
	if len(v.Others) != maxOthers || v.MoreOthers != 49-maxOthers {
		t.Errorf("runner-ups %d (+%d more), want %d (+%d)", len(v.Others), v.MoreOthers, maxOthers, 49-maxOthers)
	}
}
