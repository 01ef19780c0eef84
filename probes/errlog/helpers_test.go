package errlog

import (
	"bufio"
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

const samples = "testdata/nginx-error-samples.log"

// sampleLine returns the one line of the samples file containing needle.
func sampleLine(t testing.TB, needle string) string {
	t.Helper()
	data, err := os.ReadFile(samples)
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, needle) && !strings.HasPrefix(l, "#") {
			found = append(found, l)
		}
	}
	if len(found) != 1 {
		t.Fatalf("needle %q matches %d lines, want 1", needle, len(found))
	}
	return found[0]
}

// mustParse parses line in UTC or fails the test.
func mustParse(t testing.TB, line string) Entry {
	t.Helper()
	e, ok := ParseLine([]byte(line), time.UTC)
	if !ok {
		t.Fatalf("ParseLine rejected %q", line)
	}
	return e
}

// errorSections returns the error.log parts of the samples file: the lines
// between a "# ---- ... error.log ----" header (or the truncation and
// EMFILE sections) and the next "# ----" header, without access-log lines.
func errorSections(t testing.TB) []byte {
	t.Helper()
	f, err := os.Open(samples)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out bytes.Buffer
	in := false
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, "# ----") {
			in = strings.Contains(l, "error.log") || strings.Contains(l, "truncation") || strings.Contains(l, "worker_rlimit")
			continue
		}
		if in && !strings.HasPrefix(l, "#") && !isAccessLine(l) {
			out.WriteString(l)
			out.WriteByte('\n')
		}
	}
	return out.Bytes()
}

// isAccessLine recognises the combined-format access log lines of the samples.
func isAccessLine(l string) bool {
	return strings.HasPrefix(l, "127.0.0.1 - - [")
}
