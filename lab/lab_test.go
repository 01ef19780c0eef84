package lab

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A recorded pid that now belongs to another process (its start time
// differs) is not the lab's: Stop leaves it alone.
func TestStopSparesAReusedPID(t *testing.T) {
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	pid := cmd.Process.Pid
	real := Proc{What: "sleep", PID: pid, Start: startTime(pid)}
	if real.Start == 0 || !real.Alive() {
		t.Fatalf("start time of pid %d unreadable", pid)
	}
	reused := Proc{What: "an old backend", PID: pid, Start: real.Start - 1}
	if reused.Alive() {
		t.Fatal("a pid with another start time must not count as the lab's process")
	}
	l := &Lab{Dir: t.TempDir(), Procs: []Proc{reused}}
	if err := l.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, 0); err != nil {
		t.Fatalf("Stop killed pid %d, which the lab did not start: %v", pid, err)
	}
	// The real record stops it.
	if err := (&Lab{Dir: t.TempDir(), Procs: []Proc{real}}).Stop(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if real.Alive() {
		t.Fatal("Stop did not stop the lab's own process")
	}
}

// Load refuses what it must not trust: a corrupt state file, one that
// names another directory, one others may write.
func TestLoadRefuses(t *testing.T) {
	write := func(t *testing.T, l any, mode os.FileMode) string {
		dir := filepath.Join(t.TempDir(), dirPrefix+"x")
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(l)
		if s, ok := l.(string); ok {
			b = []byte(s)
		}
		p := filepath.Join(dir, stateFile)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	t.Run("good", func(t *testing.T) {
		dir := write(t, nil, 0o644)
		_ = os.WriteFile(filepath.Join(dir, stateFile), mustJSON(t, Lab{Dir: dir, Scenario: "healthy", Started: time.Now()}), 0o644)
		if l, err := Load(dir); err != nil || l.Scenario != "healthy" {
			t.Fatalf("Load = %+v, %v", l, err)
		}
	})
	t.Run("corrupt", func(t *testing.T) {
		if _, err := Load(write(t, "{not json", 0o644)); err == nil {
			t.Fatal("a corrupt state file loaded")
		}
	})
	t.Run("another dir", func(t *testing.T) {
		if _, err := Load(write(t, Lab{Dir: "/etc"}, 0o644)); !errors.Is(err, errNotLab) {
			t.Fatalf("a state file naming another dir: %v", err)
		}
	})
	t.Run("writable by others", func(t *testing.T) {
		dir := write(t, nil, 0o666)
		if _, err := Load(dir); !errors.Is(err, errNotLab) {
			t.Fatalf("a world-writable state file: %v", err)
		}
	})
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Every scenario names a known backend kind and a cause; names are unique.
func TestScenarioTable(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Scenarios() {
		if seen[s.Name] || s.Name == "" || s.Summary == "" || s.Cause == "" || s.Confidence == "" || s.HTTP == "" {
			t.Errorf("scenario %+v: duplicate or incomplete", s.Name)
		}
		seen[s.Name] = true
		for _, b := range s.Backends {
			if !kinds[b.Kind] {
				t.Errorf("%s: backend kind %q is not one BackendMain serves", s.Name, b.Kind)
			}
		}
	}
	if _, err := Find("no-such-lab"); err == nil {
		t.Error("Find of an unknown lab succeeded")
	}
}
