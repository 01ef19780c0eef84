package nginxtest

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Get requests path from nginx with Host "test.local" on a fresh connection, within 10s,
// and returns the status and up to 1 MiB of the body.
func (n *Nginx) Get(path string) (status int, body string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+n.Addr+path, nil)
	if err != nil {
		return 0, "", err
	}
	req.Host = "test.local"
	tr := &http.Transport{DisableKeepAlives: true, Proxy: nil}
	defer tr.CloseIdleConnections()
	client := &http.Client{
		Transport: tr,
		// nginx's redirects are answers to assert on, not to follow.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", fmt.Errorf("GET %s via nginx: %w", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return resp.StatusCode, string(b), fmt.Errorf("GET %s via nginx: body: %w", path, err)
	}
	return resp.StatusCode, string(b), nil
}

// Reload checks the config with `nginx -t`, then runs `nginx -s reload` (both with the
// prefix flags), and waits until a new worker generation answers. `-s reload` alone
// exits 0 even when the master rejects the new config, hence the test first.
func (n *Nginx) Reload() error {
	if _, err := n.run("-t", "-q"); err != nil {
		return fmt.Errorf("config test before reload: %w", err)
	}
	old := Workers(n.PID)
	if _, err := n.run("-s", "reload"); err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	// The master forks the new workers, sleeps 100 ms, and only then tells the old ones
	// to stop accepting: wait until the old generation is gone, or (when one lingers on
	// an open request) a little past that sleep.
	deadline := time.Now().Add(startTimeout)
	var fresh time.Time
	for time.Now().Before(deadline) {
		now := Workers(n.PID)
		if fresh.IsZero() && slices.ContainsFunc(now, func(p int) bool { return !slices.Contains(old, p) }) {
			fresh = time.Now()
		}
		oldLeft := slices.ContainsFunc(now, func(p int) bool { return slices.Contains(old, p) })
		if !fresh.IsZero() && (!oldLeft || time.Since(fresh) > 300*time.Millisecond) {
			return n.waitReady(time.Until(deadline))
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("no new worker within %s after reload; error log:\n%s", startTimeout, n.ErrorLogText())
}

// Workers returns the PIDs of master's child processes (its workers), read from
// /proc/*/stat; an empty list when master is gone.
func Workers(master int) []int {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var kids []int
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // the process exited between Glob and read
		}
		// The command name in parentheses may contain spaces; fields start after the last ')'.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(s[i+1:])
		if len(fields) < 2 {
			continue
		}
		ppid, err := strconv.Atoi(fields[1])
		if err != nil || ppid != master {
			continue
		}
		pid, err := strconv.Atoi(filepath.Base(filepath.Dir(f)))
		if err == nil {
			kids = append(kids, pid)
		}
	}
	slices.Sort(kids)
	return kids
}

// dialable reports whether addr accepts a TCP connection within d.
func dialable(addr string, d time.Duration) bool {
	c, err := net.DialTimeout("tcp", addr, d)
	if err != nil {
		return false
	}
	c.Close()
	return true
}
