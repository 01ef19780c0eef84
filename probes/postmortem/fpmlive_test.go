package postmortem

import (
	"context"
	"flag"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"ngx502/probes/nginxtest"
)

// update rewrites the captured fixture; its PIDs, port and paths change, so
// the php8.2-fpm-live.log row of TestFPMEventsFixtures must follow.
var update = flag.Bool("update", false, "rewrite testdata/fpm/php8.2-fpm-live.log from a real php-fpm")

// A real php-fpm 8.2 is driven through what its log tells of: busy, out of
// children, a child SIGKILLed, a second master that cannot bind, a stop.
// FPMEvents must read each from the log it really wrote.
func TestFPMLiveLog(t *testing.T) {
	bin := nginxtest.PHPBinary(t)
	dir := t.TempDir()
	logPath := filepath.Join(dir, "php-fpm.log")
	sock := filepath.Join(dir, "php.sock")
	conf := filepath.Join(dir, "php-fpm.conf")
	if err := os.WriteFile(conf, []byte(fpmTestConf(dir, "first", sock, logPath)), 0o644); err != nil {
		t.Fatal(err)
	}
	slow := filepath.Join(dir, "slow.php")
	if err := os.WriteFile(slow, []byte("<?php sleep(60);"), 0o644); err != nil {
		t.Fatal(err)
	}
	first := startFPM(t, bin, conf)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if !waitFor(10*time.Second, func() bool { return fileHas(logPath, "ready to handle connections") }) {
		t.Fatalf("php-fpm did not start: %s", readOr(logPath))
	}
	if comm := childComm(t, first.pid); !commMatches(comm, filepath.Base(bin)) {
		t.Errorf("worker comm %q does not match binary %q: OOM kills would be missed", comm, filepath.Base(bin))
	}

	// Six slow requests for five children: the pool grows one child a
	// second, doubling its spawn rate, until it says it is busy and full.
	for i := 0; i < 6; i++ {
		c, err := dialUnix(ctx, sock)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		if err := fcgiRequest(c, slow); err != nil {
			t.Fatal(err)
		}
	}
	if !waitFor(20*time.Second, func() bool { return fileHas(logPath, "server reached pm.max_children") }) {
		t.Fatalf("pool never full: %s", readOr(logPath))
	}
	kids := children(first.pid)
	if len(kids) == 0 {
		t.Fatal("no php-fpm children found")
	}
	victim := kids[0]
	if err := syscall.Kill(victim, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if !waitFor(10*time.Second, func() bool { return fileHas(logPath, "child "+strconv.Itoa(victim)+" exited on signal 9") }) {
		t.Fatalf("no exit of child %d logged: %s", victim, readOr(logPath))
	}

	// A second master on a port already taken cannot bind.
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	conf2 := filepath.Join(dir, "second.conf")
	if err := os.WriteFile(conf2, []byte(fpmTestConf(dir, "second", taken.Addr().String(), logPath)), 0o644); err != nil {
		t.Fatal(err)
	}
	second := startFPM(t, bin, conf2)
	if code := second.wait(t, 10*time.Second); code != 78 {
		t.Errorf("second php-fpm exited %d, want 78 (EX_CONFIG)", code)
	}

	// A third on the first one's socket finds it answering.
	conf3 := filepath.Join(dir, "third.conf")
	if err := os.WriteFile(conf3, []byte(fpmTestConf(dir, "third", sock, logPath)), 0o644); err != nil {
		t.Fatal(err)
	}
	if code := startFPM(t, bin, conf3).wait(t, 10*time.Second); code != 78 {
		t.Errorf("third php-fpm exited %d, want 78 (EX_CONFIG)", code)
	}

	if err := syscall.Kill(first.pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	first.wait(t, 10*time.Second)

	got, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(filepath.Join("testdata", "fpm", "php8.2-fpm-live.log"), got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	events := FPMEvents(strings.NewReader(string(got)), time.Time{}, nil)
	want := map[string]func(FPMEvent) bool{
		FPMBusy:        func(e FPMEvent) bool { return e.Pool == "www" && e.Level == "WARNING" },
		FPMMaxChildren: func(e FPMEvent) bool { return e.Pool == "www" && e.Detail == "5" },
		FPMChildSignal: func(e FPMEvent) bool { return e.PID == victim && e.Detail == "9 (SIGKILL)" },
		FPMBindFailed:  func(e FPMEvent) bool { return e.Detail == sock+": another FPM instance already listens there" },
		FPMTerminated:  func(e FPMEvent) bool { return e.Level == "NOTICE" && e.Pool == "" },
	}
	for kind, ok := range want {
		e, found := lastFPM(events, kind)
		if !found || !ok(e) {
			t.Errorf("%s: got %+v (found %v) in\n%s", kind, e, found, got)
		}
	}
	l, err := FPMLogOf(conf, "")
	if err != nil || l.Path != logPath {
		t.Errorf("FPMLogOf = %+v, %v; want %s", l, err, logPath)
	}
	if !fpmHas(events, FPMBindFailed, taken.Addr().String()+": Address already in use") {
		t.Errorf("no bind failure on %s in %+v", taken.Addr(), events)
	}
	// The first master's stop is the last word: the failed starts were of others.
	if r := (Death{FPM: events}).Reason(); !strings.HasPrefix(r, "php-fpm was told to stop at ") {
		t.Errorf("Reason = %q", r)
	}
}

// fpmHas reports whether events hold one of kind with detail.
func fpmHas(events []FPMEvent, kind, detail string) bool {
	for _, e := range events {
		if e.Kind == kind && e.Detail == detail {
			return true
		}
	}
	return false
}

// childComm is the kernel's comm of a child of ppid: the name OOM lines carry.
func childComm(t *testing.T, ppid int) string {
	t.Helper()
	var kids []int
	waitFor(5*time.Second, func() bool { kids = children(ppid); return len(kids) > 0 })
	if len(kids) == 0 {
		t.Fatalf("php-fpm %d has no children", ppid)
	}
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(kids[0]), "comm"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// readOr is the file's text, or why it could not be read.
func readOr(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	return string(b)
}
