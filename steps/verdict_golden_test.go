package steps

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var updateVerdicts = flag.Bool("update-verdicts", false, "rewrite testdata/verdicts.golden")

// now is the fixed moment of every synthetic case.
var now = time.Date(2026, 12, 1, 10, 15, 0, 0, time.UTC)

// Evidence builders: one finding of each kind.
func obs(c CauseID, subject string, count int, ago time.Duration) Finding {
	return Finding{Cause: c, Subject: subject, Kind: Observed, Count: count, Last: now.Add(-ago),
		Current: ago <= recentWindow, Evidence: []string{fmt.Sprintf("log: %d× %s", count, c)}}
}
func rep(c CauseID, subject string) Finding {
	return Finding{Cause: c, Subject: subject, Kind: Reproduced, Evidence: []string{"probe: " + string(c)}}
}
func meas(c CauseID, subject string) Finding {
	return Finding{Cause: c, Subject: subject, Kind: Measured, Evidence: []string{"measured: " + string(c)}}
}
func pred(c CauseID, subject string) Finding {
	return Finding{Cause: c, Subject: subject, Kind: Predicted, Evidence: []string{"config: " + string(c)}}
}

// box is the four outcomes of a run; each step ran unless told otherwise.
type box struct {
	logs, probes, config, network []Finding
	answering, backups            []string
	unfinished                    ID
	blind                         bool // neither log nor probes could run
}

func (b box) outcomes() []Outcome {
	st := Pass
	if b.blind {
		st = Skipped
	}
	outs := []Outcome{
		{Step: Logs, Status: st, Summary: "log read", Findings: b.logs},
		{Step: Upstream, Status: st, Summary: "upstreams probed", Findings: b.probes, Answering: b.answering, Backups: b.backups},
		{Step: Config, Status: Pass, Summary: "nginx -t ok", Findings: b.config},
		{Step: Network, Status: Pass, Summary: "network checked", Findings: b.network},
	}
	for i := range outs {
		if outs[i].Step == b.unfinished {
			outs[i] = Unfinished(b.unfinished, "cancelled")
		}
	}
	return outs
}

const (
	up  = "127.0.0.1:8080"
	up2 = "127.0.0.1:8081"
	php = "unix:/run/php/php8.2-fpm.sock"
)

// verdictCases is the golden table: every rule of verdictRules and every
// tie-break, each a box and the verdict it must give.
var verdictCases = []struct {
	name         string
	box          box
	cause        CauseID
	subject      string
	conf         Confidence
	intermittent bool
}{
	{"down backend: log, probe and port agree", box{logs: []Finding{obs(CauseRefused, up, 37, time.Minute)}, probes: []Finding{rep(CauseRefused, up)}, network: []Finding{meas(CauseRefused, up)}}, CauseRefused, up, High, false},
	{"closes every third request, one probe passes", box{logs: []Finding{obs(CauseClosed, up, 12, time.Minute)}, answering: []string{up}}, CauseClosed, up, Medium, true},
	{"resets now and then, one probe passes", box{logs: []Finding{obs(CauseReset, up, 4, 30*time.Second)}, answering: []string{up}}, CauseReset, up, Medium, true},
	{"php-fpm queue full, one probe passes", box{logs: []Finding{obs(CauseBusy, php, 9, 2*time.Minute)}, answering: []string{php}}, CauseBusy, php, Medium, true},
	{"nginx reports it, nothing probed", box{logs: []Finding{obs(CauseTimeout, up, 5, time.Minute)}}, CauseTimeout, up, Medium, false},
	{"refusals of yesterday, answers now", box{logs: []Finding{obs(CauseRefused, up, 300, 20*time.Hour)}, answering: []string{up}}, CauseHealthy, "", High, false},
	{"refusals of an hour ago, failing again now", box{logs: []Finding{obs(CauseRefused, up, 30, time.Hour)}, probes: []Finding{rep(CauseRefused, up)}}, CauseRefused, up, High, false},
	{"a smell only", box{config: []Finding{pred(CauseLocalhostIPv6, "localhost:8081"), pred(CauseKeepalive, "app")}, answering: []string{up}}, CauseHealthy, "", High, false},
	{"files changed and nginx still reports the old backend", box{logs: []Finding{func() Finding { f := obs(CauseRefused, up2, 8, time.Minute); f.Gone = true; return f }()}, config: []Finding{meas(CauseConfigStale, "")}}, CauseConfigStale, "", High, false},
	{"old backend still reported, files untouched", box{logs: []Finding{func() Finding { f := obs(CauseRefused, up2, 8, time.Minute); f.Gone = true; return f }()}}, CauseConfigStale, "", High, false},
	{"nginx 502s on a route, every probe passes, logs say nothing", box{probes: []Finding{rep(CauseNginx5xx, up)}, answering: []string{up}}, CauseNginx5xx, up, Low, false},
	{"nginx 502s on a route that times out in the log", box{logs: []Finding{obs(CauseTimeout, up, 6, time.Minute)}, probes: []Finding{rep(CauseNginx5xx, up)}, answering: []string{up}}, CauseTimeout, up, High, false},
	{"dead backup while clients get answers", box{probes: []Finding{rep(CauseRefused, up2)}, network: []Finding{meas(CauseRefused, up2)}, answering: []string{up}, backups: []string{up2}}, CauseHealthy, "", High, false},
	{"backup that nginx really tried and failed", box{logs: []Finding{obs(CauseRefused, up2, 3, time.Minute)}, probes: []Finding{rep(CauseRefused, up2)}, backups: []string{up2}}, CauseRefused, up2, High, false},
	{"Primary script unknown only (404s)", box{logs: []Finding{func() Finding { f := obs(CauseFastCGI, php, 40, time.Minute); f.Not502 = true; return f }()}, answering: []string{php}}, CauseHealthy, "", High, false},
	{"bodies cut after the header", box{logs: []Finding{func() Finding { f := obs(CauseBodyTruncated, up, 2, time.Minute); f.Not502 = true; return f }()}, answering: []string{up}}, CauseHealthy, "", High, false},
	{"a typo on disk and a stale running config", box{config: []Finding{meas(CauseConfigInvalid, ""), meas(CauseConfigStale, "")}}, CauseConfigInvalid, "", High, false},
	{"a typo on disk while the backend refuses now", box{logs: []Finding{obs(CauseRefused, up, 20, time.Minute)}, config: []Finding{meas(CauseConfigInvalid, "")}}, CauseRefused, up, Medium, false},
	{"nginx down", box{probes: []Finding{meas(CauseNginxDown, ""), rep(CauseNginxDown, "")}}, CauseNginxDown, "", Medium, false},
	{"nginx down because its config does not load", box{probes: []Finding{meas(CauseNginxDown, ""), rep(CauseNginxDown, "")}, config: []Finding{meas(CauseConfigInvalid, "")}}, CauseConfigInvalid, "", High, false},
	{"socket the workers may not write, root's probe passes", box{logs: []Finding{obs(CauseSocketPerm, php, 7, time.Minute)}, config: []Finding{meas(CauseSocketPerm, php)}, answering: []string{php}}, CauseSocketPerm, php, High, false},
	{"header bigger than the buffer", box{logs: []Finding{obs(CauseHeaderTooBig, up, 3, time.Minute)}, probes: []Finding{rep(CauseHeaderTooBig, up)}}, CauseHeaderTooBig, up, High, false},
	{"refused probe, no traffic yet", box{probes: []Finding{rep(CauseRefused, up)}}, CauseRefused, up, Low, false},
	{"refused probe and an empty port, no traffic yet", box{probes: []Finding{rep(CauseRefused, up)}, network: []Finding{meas(CauseRefused, up)}}, CauseRefused, up, Medium, false},
	{"socket missing, measured only", box{config: []Finding{meas(CauseSocketMissing, php)}}, CauseSocketMissing, php, Low, false},
	{"the app answers 502 to the probe itself", box{probes: []Finding{rep(CauseUpstreamStatus, up)}}, CauseUpstreamStatus, up, Low, false},
	{"cancelled before the probes came back", box{unfinished: Upstream}, CauseIncomplete, "", Low, false},
	{"a cause found before the run was cancelled", box{logs: []Finding{obs(CauseRefused, up, 9, time.Minute)}, network: []Finding{meas(CauseRefused, up)}, unfinished: Upstream}, CauseRefused, up, Medium, false},
	{"nothing could be read", box{blind: true}, CauseUnknown, "", Low, false},
	{"tie: the most recent failure first", box{logs: []Finding{obs(CauseRefused, up, 9, 5*time.Minute), obs(CauseTimeout, up2, 9, time.Minute)}}, CauseTimeout, up2, Medium, false},
	{"tie: then the most frequent", box{logs: []Finding{obs(CauseRefused, up, 3, time.Minute), obs(CauseTimeout, up2, 9, time.Minute)}}, CauseTimeout, up2, Medium, false},
	{"tie: then the cause ID, never the step order", box{logs: []Finding{obs(CauseTimeout, up2, 9, time.Minute), obs(CauseClosed, up, 9, time.Minute)}}, CauseClosed, up, Medium, false},
	{"confirmed beats observed alone", box{logs: []Finding{obs(CauseTimeout, up2, 90, time.Minute), obs(CauseRefused, up, 2, 10*time.Minute)}, network: []Finding{meas(CauseRefused, up)}}, CauseRefused, up, High, false},
	{"a capped group's summary is no evidence", box{probes: []Finding{{Cause: CauseRefused, Kind: Reproduced, Rest: 4995, Evidence: []string{"4,995 more"}}}}, CauseHealthy, "", High, false},
}

func TestVerdictGoldenTable(t *testing.T) {
	if len(verdictCases) < 25 {
		t.Fatalf("%d cases: the table must hold at least 25", len(verdictCases))
	}
	var golden strings.Builder
	for _, tc := range verdictCases {
		v := Decide(tc.box.outcomes())
		if v.Cause != tc.cause || v.Subject != tc.subject || v.Confidence != tc.conf || v.Intermittent != tc.intermittent {
			t.Errorf("%s:\n got  %s %q %s intermittent=%v (rule %q)\n want %s %q %s intermittent=%v",
				tc.name, v.Cause, v.Subject, v.Confidence, v.Intermittent, v.Rule, tc.cause, tc.subject, tc.conf, tc.intermittent)
		}
		fmt.Fprintf(&golden, "%s\n  → %s %s · %s · rule %q\n", tc.name, v.Cause, v.Subject, v.Confidence, v.Rule)
		for _, ru := range v.RunnerUps {
			fmt.Fprintf(&golden, "    also %s %s (%s %s)\n", ru.Cause, ru.Subject, ru.Role, ru.Confidence)
		}
	}
	path := filepath.Join("testdata", "verdicts.golden")
	if *updateVerdicts {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(golden.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./steps -run TestVerdictGoldenTable -update-verdicts)", err)
	}
	if string(want) != golden.String() {
		t.Errorf("verdicts changed; review and rerun with -update-verdicts:\n%s", golden.String())
	}
}
