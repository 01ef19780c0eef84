package errlog

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func scanAll(t *testing.T, data []byte, since time.Time) []Entry {
	t.Helper()
	var got []Entry
	if err := Scan(context.Background(), bytes.NewReader(data), time.UTC, since, func(e Entry) { got = append(got, e) }); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestScanSamples(t *testing.T) {
	got := scanAll(t, errorSections(t), time.Time{})
	// 105 timestamped lines minus the 3 outside error.log sections (nginx -t output)
	// is 104; the section filter keeps only the real error.log text.
	if len(got) != 104 {
		t.Fatalf("entries = %d, want 104", len(got))
	}
	var ml []Entry
	for _, e := range got {
		if strings.Contains(e.Request, "/fcgiml") {
			ml = append(ml, e)
		}
		if strings.Contains(e.Raw, "127.0.0.1 - - [") {
			t.Errorf("access-log line joined an entry: %q", e.Raw)
		}
	}
	if len(ml) != 2 {
		t.Fatalf("fcgiml entries = %d, want 2", len(ml))
	}
	e := ml[0]
	wantMsg := "FastCGI sent in stderr: \"PHP message: PHP Warning:  Undefined variable $x in /var/www/a.php on line 3\nPHP message: PHP Fatal error:  Uncaught Error in /var/www/a.php:4\""
	eq(t, e.Message, wantMsg)
	eq(t, e.Action, "reading response header from upstream")
	eq(t, e.Upstream, "fastcgi://127.0.0.1:18022")
	eq(t, strings.Count(e.Raw, "\n"), 1)
	eq(t, Classify(e), KindFastCGI)
	eq(t, Status(e), 500)
	eq(t, Peer(e), "127.0.0.1:18022")
}

func TestScanSinceAndStrayLines(t *testing.T) {
	log := strings.Join([]string{
		"stray line before any entry",
		"2026/11/25 12:00:00 [error] 1#1: *1 FastCGI sent in stderr: \"old",
		"continuation of an old entry\" while reading response header from upstream, client: 1.1.1.1, server: a",
		"2026/11/25 12:00:10 [error] 1#1: *2 FastCGI sent in stderr: \"new",
		"",
		"second line\" while reading response header from upstream, client: 1.1.1.1, server: a",
		"not a continuation: the entry above already has its context",
		"2026/11/25 12:00:20 [crit] 1#1: accept4() failed (24: Too many open files)",
		"2026/11/25 12:00:30 [error] 1#1: *3 no live upstreams while connecting to upstream, client: 1.1.1.1, server: a, upstream: \"http://g/\"",
	}, "\n") // no final newline: the last entry still counts
	since := time.Date(2026, 11, 25, 12, 0, 10, 0, time.UTC)
	got := scanAll(t, []byte(log), since)
	if len(got) != 3 {
		t.Fatalf("entries = %d, want 3: %+v", len(got), got)
	}
	eq(t, got[0].Message, "FastCGI sent in stderr: \"new\nsecond line\"")
	eq(t, got[0].Client, "1.1.1.1")
	eq(t, got[1].Message, "accept4() failed")
	eq(t, got[2].Upstream, "http://g/")
	eq(t, len(scanAll(t, []byte(log), time.Time{})), 4)
}

func TestScanLongLinesAndCap(t *testing.T) {
	huge := "2026/11/25 12:00:00 [error] 1#1: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 1.1.1.1, server: a, request: \"GET /" + strings.Repeat("a", 3<<20)
	var b bytes.Buffer
	b.WriteString(huge + "\n")
	b.WriteString("2026/11/25 12:00:01 [error] 1#1: *2 FastCGI sent in stderr: \"x\n")
	for i := 0; i < 100; i++ {
		b.WriteString(strings.Repeat("y", 100) + "\n") // more than nginx's 2047-byte entry
	}
	got := scanAll(t, b.Bytes(), time.Time{})
	if len(got) != 2 {
		t.Fatalf("entries = %d, want 2", len(got))
	}
	if len(got[0].Raw) > 2*maxEntry || !got[0].Truncated || Classify(got[0]) != KindRefused {
		t.Errorf("huge line: len %d truncated %v kind %q", len(got[0].Raw), got[0].Truncated, Classify(got[0]))
	}
	if len(got[1].Raw) > maxEntry {
		t.Errorf("continuations exceeded nginx's cap: %d bytes", len(got[1].Raw))
	}
}

func TestScanContextAndReadError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := Scan(ctx, strings.NewReader("2026/11/25 12:00:00 [error] 1#1: x\n"), time.UTC, time.Time{}, func(Entry) {
		t.Error("fn called after cancel")
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	n := 0
	r := iotest.TimeoutReader(strings.NewReader("2026/11/25 12:00:00 [error] 1#1: *1 no live upstreams\n"))
	err = Scan(context.Background(), r, time.UTC, time.Time{}, func(Entry) { n++ })
	if err == nil || !errors.Is(err, iotest.ErrTimeout) {
		t.Errorf("err = %v, want a wrapped read error", err)
	}
	eq(t, n, 1)
}
