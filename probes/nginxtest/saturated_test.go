package nginxtest

import (
	"errors"
	"net"
	"syscall"
	"testing"
	"time"
)

func TestSaturatedUnixRefusesWithEAGAIN(t *testing.T) {
	path := SaturatedUnix(t)
	// Twice: a full queue stays full while nobody accepts.
	for range 2 {
		c, err := net.DialTimeout("unix", path, time.Second)
		if err == nil {
			c.Close()
			t.Fatal("connect to the saturated socket succeeded")
		}
		if !errors.Is(err, syscall.EAGAIN) {
			t.Fatalf("connect error = %v, want EAGAIN", err)
		}
	}
}

func TestSaturatedTCPTimesOut(t *testing.T) {
	addr := SaturatedTCP(t)
	start := time.Now()
	c, err := net.DialTimeout("tcp", addr, 300*time.Millisecond)
	took := time.Since(start)
	if err == nil {
		c.Close()
		t.Fatal("connect to the saturated listener succeeded")
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("connect error = %v, want a timeout", err)
	}
	if took < 250*time.Millisecond {
		t.Errorf("connect gave up after %v, want about 300ms (a dropped SYN, not a refusal)", took)
	}
}

// Through nginx the saturated listeners produce the error.log lines of a full backlog.
func TestSaturatedThroughNginx(t *testing.T) {
	cases := []struct {
		name   string
		target func(t *testing.T) string
		status int
		log    string
	}{
		{"unix", func(t *testing.T) string { return "http://unix:" + SaturatedUnix(t) + ":" }, 502,
			"(11: Resource temporarily unavailable) while connecting to upstream"},
		// proxyTo's proxy_connect_timeout is 2s; a connect timeout is a 504, not a 502.
		{"tcp", func(t *testing.T) string { return "http://" + SaturatedTCP(t) }, 504,
			"upstream timed out (110: Connection timed out) while connecting to upstream"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			n := Start(t, Options{HTTP: proxyTo(tc.target(t))})
			status, _, err := n.Get("/")
			if err != nil || status != tc.status {
				t.Fatalf("Get = %d %v, want %d; error log:\n%s", status, err, tc.status, n.ErrorLogText())
			}
			waitLog(t, n, tc.log)
		})
	}
}
