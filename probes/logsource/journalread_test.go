package logsource

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testdataPath is an absolute testdata path, for commands run from /.
func testdataPath(t *testing.T, parts ...string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(append([]string{"testdata"}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadJournalStripsCommandOutput(t *testing.T) {
	cat := needBinary(t, "cat")
	in := testdataPath(t, "journal", "nginx-unit.short-iso")
	r, err := ReadJournal(context.Background(), []string{cat, in}, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(t, r)
	if err := r.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if want := readFile(t, testdataPath(t, "journal", "nginx-unit.want")); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestReadJournalKeepsAskedIdentifiers(t *testing.T) {
	sh := needBinary(t, "sh")
	out := `printf '%s\n' '2026-12-02T05:00:01+0000 h web_1[7]: 2026/12/02 05:00:01 [error] 7#7: tagged' '2026-12-02T05:00:01+0000 h other[8]: dropped'`
	r, err := ReadJournal(context.Background(), []string{sh, "-c", out, "SYSLOG_IDENTIFIER=web_1"}, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got, want := readAll(t, r), "2026/12/02 05:00:01 [error] 7#7: tagged\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestReadJournalLimit(t *testing.T) {
	cat := needBinary(t, "cat")
	in := testdataPath(t, "journal", "nginx-unit.short-iso")
	whole := readFile(t, in)
	limit := int64(strings.Index(whole, "[crit]")) // the limit falls inside the [crit] line
	r, err := ReadJournal(context.Background(), []string{cat, in}, limit)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if !errors.Is(err, ErrJournalLimit) {
		t.Fatalf("err = %v, want ErrJournalLimit", err)
	}
	got := string(b)
	want := readFile(t, testdataPath(t, "journal", "nginx-unit.want"))
	want = want[:strings.Index(want, "2026/12/02 05:00:04")] // every whole line before the cut, nothing of the cut one
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestReadJournalExactlyAtLimitIsNoError(t *testing.T) {
	sh := needBinary(t, "sh")
	line := "2026-12-02T05:00:01+0000 h nginx[1]: x\n"
	r, err := ReadJournal(context.Background(), []string{sh, "-c", "printf '" + strings.TrimSuffix(line, "\n") + `\n'`}, int64(len(line)))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := readAll(t, r); got != "x\n" {
		t.Errorf("got %q", got)
	}
}

func TestReadJournalRealJournalctlFailure(t *testing.T) {
	bin, err := Journalctl()
	need(t, err == nil, "no trusted journalctl: "+errString(err))
	r, err := ReadJournal(context.Background(), []string{bin, "--since", "2026-13-01 00:00:00", "-q", "--no-pager"}, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_, err = io.ReadAll(r)
	if err == nil || !strings.Contains(err.Error(), "exit status 1") || !strings.Contains(err.Error(), "Failed to parse timestamp") {
		t.Fatalf("err = %v, want journalctl's exit status and its stderr", err)
	}
}

func TestReadJournalRealJournalctlRuns(t *testing.T) {
	argv := JournalArgv("ngx502-no-such-unit.service", time.Now().Add(-time.Hour))
	need(t, argv != nil, "no trusted journalctl")
	r, err := ReadJournal(context.Background(), argv, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := readAll(t, r); got != "" {
		t.Errorf("a unit that does not exist has lines: %q", got)
	}
}

func TestReadJournalTimeout(t *testing.T) {
	sleep := needBinary(t, "sleep")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	r, err := ReadJournal(ctx, []string{sleep, "30"}, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_, err = io.ReadAll(r)
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("took %v to stop", took)
	}
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "stopped after") {
		t.Fatalf("err = %v, want a stop after the deadline", err)
	}
}

func TestReadJournalCloseStopsEndlessOutput(t *testing.T) {
	yes := needBinary(t, "yes")
	r, err := ReadJournal(context.Background(), []string{yes, "2026-12-02T05:00:01+0000 h nginx[1]: 2026/12/02 05:00:01 [error] 1#1: x"}, 1<<40)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	if _, err := io.ReadFull(r, buf); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(buf), "2026/12/02 05:00:01 [error] 1#1: x\n") {
		t.Errorf("first bytes %q", buf[:60])
	}
	done := make(chan error, 1)
	go func() { done <- r.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not stop the command")
	}
}

func TestReadJournalRefusesBadArgv(t *testing.T) {
	for _, argv := range [][]string{nil, {"journalctl", "-u", "nginx"}, {"./journalctl"}} {
		if r, err := ReadJournal(context.Background(), argv, 1); err == nil {
			r.Close()
			t.Errorf("ReadJournal(%q) ran", argv)
		}
	}
	if _, err := ReadJournal(context.Background(), []string{"/bin/true"}, 0); err == nil {
		t.Error("a zero limit was accepted")
	}
}
