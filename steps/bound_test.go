package steps

import (
	"fmt"
	"strings"
	"testing"
)

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 4995: "4,995", 1234567: "1,234,567", -5000: "-5,000"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestBoundFindingsKeepsHeaviestPerCause(t *testing.T) {
	var fs []Finding
	for i := range 5000 {
		fs = append(fs, Finding{Cause: CauseRefused, Subject: fmt.Sprintf("127.0.0.1:%d", 20000+i), Kind: Reproduced,
			Evidence: []string{"probe: connect: connection refused"}})
	}
	// Heavier ones late in the list, and one other cause in between.
	fs[4000].Kind, fs[4000].Current, fs[4001].Kind = Observed, true, Observed
	fs = append(fs[:10], append([]Finding{{Cause: CauseTimeout, Subject: "10.0.0.1:80", Kind: Reproduced}}, fs[10:]...)...)

	got := boundFindings(fs)
	if len(got) != maxFindingsPerCause+2 {
		t.Fatalf("%d findings, want %d kept refused + 1 timeout + 1 summary", len(got), maxFindingsPerCause+2)
	}
	var subjects []string
	for _, f := range got[:len(got)-1] {
		subjects = append(subjects, f.Subject)
	}
	// Original order kept: the three first refused (ties), the timeout
	// at its place, then the two heavy ones.
	want := "127.0.0.1:20000 127.0.0.1:20001 127.0.0.1:20002 10.0.0.1:80 127.0.0.1:24000 127.0.0.1:24001"
	if strings.Join(subjects, " ") != want {
		t.Errorf("kept %v, want %s", subjects, want)
	}
	sum := got[len(got)-1]
	if sum.Cause != CauseRefused || sum.Subject != "" || sum.Rest != 4995 {
		t.Errorf("summary %+v: want cause refused, no subject, standing for 4,995", sum)
	}
	if sum.Title != "4,995 more upstreams, same cause" {
		t.Errorf("summary title %q", sum.Title)
	}
	if len(sum.Evidence) != 1+maxExamples || !strings.HasPrefix(sum.Evidence[0], "4,995 more upstreams") ||
		!strings.HasPrefix(sum.Evidence[1], "127.0.0.1:20003 — probe: connect") {
		t.Errorf("summary evidence %q: want the count, then %d examples starting with the next in order", sum.Evidence, maxExamples)
	}
}

func TestBoundFindingsLeavesSmallListsAlone(t *testing.T) {
	fs := []Finding{{Cause: CauseRefused, Subject: "a", Kind: Predicted}, {Cause: CauseRefused, Subject: "b", Kind: Observed}}
	got := boundFindings(fs)
	if len(got) != 2 || got[0].Subject != "a" || got[1].Subject != "b" {
		t.Errorf("got %+v, want the input unchanged", got)
	}
}

func TestBoundChecksOrderAndSummary(t *testing.T) {
	var cs []Check
	for i := range 4900 {
		cs = append(cs, Check{Name: fmt.Sprintf("fail %d", i), Status: Fail})
		if i < 40 {
			cs = append(cs, Check{Name: fmt.Sprintf("pass %d", i), Status: Pass})
		}
	}
	cs = append(cs, Check{Name: "warn", Status: Warn}, Check{Name: "skipped", Status: Skipped})
	got := boundChecks(cs)
	if len(got) != maxChecks+1 {
		t.Fatalf("%d checks, want %d + 1 summary", len(got), maxChecks)
	}
	for i := range maxChecks {
		if want := fmt.Sprintf("fail %d", i); got[i].Name != want {
			t.Fatalf("check %d is %q, want %q (failures first, in order)", i, got[i].Name, want)
		}
	}
	sum := got[maxChecks]
	if sum.Name != "… 4,882 more checks" || sum.Result != "4,840 fail, 1 warn, 1 skipped, 40 pass" || sum.Status != Fail {
		t.Errorf("summary %+v", sum)
	}
}

func TestBoundChecksClasses(t *testing.T) {
	var cs []Check
	for i := range maxChecks + 10 {
		cs = append(cs, Check{Name: fmt.Sprintf("pass %d", i), Status: Pass})
	}
	cs = append(cs, Check{Name: "skipped", Status: Skipped}, Check{Name: "warn", Status: Warn}, Check{Name: "fail", Status: Fail})
	got := boundChecks(cs)
	if got[0].Name != "fail" || got[1].Name != "warn" || got[2].Name != "skipped" || got[3].Name != "pass 0" {
		t.Errorf("first checks %q %q %q %q: want fail, warn, skipped, then passes in order", got[0].Name, got[1].Name, got[2].Name, got[3].Name)
	}
	sum := got[len(got)-1]
	if sum.Status != Pass || sum.Result != "13 pass" {
		t.Errorf("summary %+v: want 13 dropped passes, status pass", sum)
	}
}

func TestBoundKeepsStatusAndSummary(t *testing.T) {
	o := Outcome{Status: Fail, Summary: "5,000 of 5,000 upstreams fail"}
	for i := range 5000 {
		o.Checks = append(o.Checks, Check{Name: fmt.Sprint(i), Status: Fail})
		o.Findings = append(o.Findings, Finding{Cause: CauseRefused, Subject: fmt.Sprint(i), Kind: Reproduced})
	}
	bound(&o)
	if len(o.Checks) != maxChecks+1 || len(o.Findings) != maxFindingsPerCause+1 {
		t.Errorf("%d checks, %d findings after bound", len(o.Checks), len(o.Findings))
	}
	if o.Status != Fail || o.Summary != "5,000 of 5,000 upstreams fail" {
		t.Errorf("status %s summary %q changed", o.Status, o.Summary)
	}
}
