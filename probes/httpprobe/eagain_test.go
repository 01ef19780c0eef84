package httpprobe

import (
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"

	"ngx502/probes/nginxtest"
)

// A full accept queue is its own cause, not a timeout, though EAGAIN.Timeout() is true.
func TestUnixAcceptQueueFull(t *testing.T) {
	path := nginxtest.SaturatedUnix(t)
	r := probe(t, Target{Network: "unix", Address: path, ConnectTimeout: time.Second}, 2*time.Second)
	if r.Phase != PhaseConnect || !errors.Is(r.Err, syscall.EAGAIN) || r.Exceeded != "" || r.Timing.Total > time.Second {
		t.Fatalf("phase %q err %v exceeded %q after %s", r.Phase, r.Err, r.Exceeded, r.Timing.Total)
	}
	got := Explain(r)
	if want := "refuses new connections (EAGAIN): its accept queue is full, the backend does not accept fast enough"; !strings.Contains(got, want) || strings.Contains(got, "within") {
		t.Errorf("Explain = %q, want %q", got, want)
	}
}
