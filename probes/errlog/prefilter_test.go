package errlog

import (
	"strings"
	"testing"
	"time"

	"ngx502/probes/logfile"
)

// checkPrefilter fails when mayMatter clears an entry that Classify gives
// a Kind or that Summarize would count as ngx502's own.
func checkPrefilter(t *testing.T, line string) {
	t.Helper()
	p := parser{loc: time.UTC}
	h, ok := readHeader(&p, line)
	if !ok {
		return
	}
	e, _ := ParseLine([]byte(line), time.UTC)
	if mayMatter([]byte(line), &h) {
		return
	}
	if k := Classify(e); k != KindNone {
		t.Fatalf("pre-filter cleared a %s entry: %q", k, line)
	}
	if strings.Contains(e.Request, logfile.ProbeMarker) {
		t.Fatalf("pre-filter cleared an own request: %q", line)
	}
}

// TestPrefilterAgreesWithClassify: for every lab line, every line of the
// mixed logs, and the messages each rule matches on their own (with no
// "upstream" to give them away), a cleared entry has no Kind; and the
// filter does clear what a busy log is mostly made of.
func TestPrefilterAgreesWithClassify(t *testing.T) {
	var lines []string
	for _, l := range strings.Split(string(errorSections(t)), "\n") {
		lines = append(lines, l)
	}
	for _, l := range strings.Split(string(genMixedLog(t, 7, 3000)), "\n") {
		lines = append(lines, l)
	}
	const ts = "2026/11/25 12:00:00 "
	for _, m := range []string{
		"[error] 1#1: *1 connect() failed (111: Connection refused)",
		"[error] 1#1: *1 connect() to unix:/x failed (2: No such file or directory)",
		"[error] 1#1: kevent() reported that connect() failed (61: Connection refused)",
		"[alert] 1#1: 6 worker_connections are not enough",
		"[alert] 1#1: *1 socket() failed (24: Too many open files)",
		"[crit] 1#1: accept4() failed (24: Too many open files)",
		"[crit] 1#1: accept() failed (23: Too many open files in system)",
		"[error] 1#1: *1 no resolver defined to resolve backend, client: 1.1.1.1",
		"[error] 1#1: *1 backend could not be resolved (3: Host not found)",
		"[error] 1#1: unexpected DNS response for backend",
		"[error] 1#1: DNS error (3: Host not found)",
		"[error] 1#1: wrong ident 123 in DNS response for x, expect 456",
		"[error] 1#1: send() failed (111: Connection refused) while resolving, resolver: 127.0.0.1:53",
		"[error] 1#1: *1 SSL_set_tlsext_host_name(\"x\") failed",
		"[error] 1#1: *1 memcached sent invalid trailer",
		"[error] 1#1: *1 FastCGI sent in stderr: \"x\"",
		"[error] 1#1: *1 invalid URL prefix in \"\"",
		"[emerg] 1#1: https protocol requires SSL support in /etc/nginx/nginx.conf:12",
		"[error] 1#1: *1 https protocol requires SSL support",
		"[error] 1#1: *1 recv() failed (104: Connection reset by peer) while proxying upgraded connection, client: 1.1.1.1",
		"[emerg] 1#1: unknown directive \"x\" in /etc/nginx/nginx.conf:3",
		"[error] 1#1: *1 open() \"/x\" failed (2: No such file or directory), client: 1.1.1.1, server: a, request: \"GET /?" + logfile.ProbeMarker + "1 HTTP/1.0\", host: \"h\"",
	} {
		lines = append(lines, ts+m)
		p := parser{loc: time.UTC}
		h, _ := readHeader(&p, ts+m)
		if !mayMatter([]byte(ts+m), &h) {
			t.Errorf("pre-filter clears %q", m)
		}
	}
	cleared := 0
	for _, l := range lines {
		checkPrefilter(t, l)
		p := parser{loc: time.UTC}
		if h, ok := readHeader(&p, l); ok && !mayMatter([]byte(l), &h) {
			cleared++
		}
	}
	if cleared < 500 {
		t.Errorf("pre-filter cleared only %d of %d lines", cleared, len(lines))
	}
}

// FuzzPrefilter: no line is cleared that Classify or the own-request
// check would keep.
func FuzzPrefilter(f *testing.F) {
	addSamples(f)
	f.Add("2026/11/25 12:00:00 [error] 1#1: *1 x while proxying upgraded connection")
	f.Fuzz(func(t *testing.T, line string) {
		checkPrefilter(t, line)
	})
}
