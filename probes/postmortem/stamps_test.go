package postmortem

import (
	"testing"
	"time"
)

func TestKernelLine(t *testing.T) {
	boot := utc(t, "2026-12-02T03:00:00Z")
	newYear := utc(t, "2027-01-01T00:10:00Z")
	cases := []struct {
		name, line string
		now        time.Time
		ok         bool
		at         string // "" for a zero time
		msg        string
	}{
		{"journal", "2026-12-02T05:12:03+0000 web1 kernel: Out of memory: x", boot, true, "2026-12-02T05:12:03Z", "Out of memory: x"},
		{"journal 255+", "2026-12-02T05:12:03+01:00 web1 kernel: x", boot, true, "2026-12-02T04:12:03Z", "x"},
		{"journal, another program", "2026-12-02T05:12:03+0000 web1 sudo[1]: Out of memory: x", boot, false, "", ""},
		{"journal, no ident", "2026-12-02T05:12:03+0000 web1", boot, false, "", ""},
		{"rsyslog rfc3339 + imklog", "2026-12-02T05:12:03.250000+00:00 web1 kernel: [ 7383.123] x y", boot, true, "2026-12-02T05:12:03.25Z", "x y"},
		{"traditional", "Dec  2 05:12:03 web1 kernel: [ 7383.123] x", boot, true, "2026-12-02T05:12:03Z", "x"},
		{"traditional, last year", "Dec 31 23:59:00 web1 kernel: x", newYear, true, "2026-12-31T23:59:00Z", "x"},
		{"traditional, another program", "Dec  2 05:12:03 web1 cron[2]: x", boot, false, "", ""},
		{"dmesg iso", "2026-12-02T05:12:03,000100+00:00 pci 0000:00:01.0: x", boot, true, "2026-12-02T05:12:03.0001Z", "pci 0000:00:01.0: x"},
		{"dmesg raw", "[ 3600.500000] x", boot, true, "2026-12-02T04:00:00.5Z", "x"},
		{"dmesg raw, no boot", "[ 3600.500000] x", time.Time{}, true, "", "x"},
		{"dmesg raw, not seconds", "[ab] x", boot, false, "", ""},
		{"nothing", "Out of memory: Killed process 1 (x)", boot, false, "", ""},
	}
	for _, c := range cases {
		o := kernelOpts{now: c.now, loc: time.UTC}
		if c.name == "dmesg raw" {
			o.boot = boot
		}
		at, msg, ok := kernelLine(c.line, o)
		want := time.Time{}
		if c.at != "" {
			want = utc(t, c.at)
		}
		if ok != c.ok || !at.Equal(want) || msg != c.msg {
			t.Errorf("%s: %v %q %v, want %v %q %v", c.name, at, msg, ok, want, c.msg, c.ok)
		}
	}
}

func TestParseBootTime(t *testing.T) {
	got, err := parseBootTime([]byte("cpu  1 2 3\nbtime 1796180148\nprocesses 9\n"))
	if err != nil || got.Unix() != 1796180148 {
		t.Errorf("%v, %v", got, err)
	}
	if _, err := parseBootTime([]byte("cpu 1\n")); err == nil {
		t.Error("no btime accepted")
	}
	if b, err := BootTime(); err != nil || b.After(time.Now()) || b.Before(time.Now().AddDate(-10, 0, 0)) {
		t.Errorf("BootTime of this box: %v, %v", b, err)
	}
}

func TestRing(t *testing.T) {
	r := ring{max: 3}
	for _, s := range []string{"a", "b", "c", "d", "e"} {
		r.add(s)
	}
	if got := r.lines(); len(got) != 3 || got[0] != "c" || got[2] != "e" {
		t.Errorf("lines %q", got)
	}
}
