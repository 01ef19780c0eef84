package postmortem

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// kill is the part of an OOMKill a table row checks; Line by prefix.
type kill struct {
	time       string // RFC 3339, "" for a zero time
	pid        int
	name       string
	rss        string
	cgroup     string
	linePrefix string
}

func checkKills(t *testing.T, got []OOMKill, want []kill) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d kills, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		wt := time.Time{}
		if w.time != "" {
			wt = utc(t, w.time)
		}
		if !g.Time.Equal(wt) || g.PID != w.pid || g.Name != w.name || g.RSS != w.rss || g.Cgroup != w.cgroup || !strings.HasPrefix(g.Line, w.linePrefix) {
			t.Errorf("kill %d = %+v\nwant %+v", i, g, w)
		}
	}
}

func TestOOMKillsFixtures(t *testing.T) {
	// Traditional syslog stamps have no year: read as the latest year that
	// does not put them in the future of this clock.
	now := utc(t, "2026-12-02T08:00:00Z")
	cases := []struct {
		file  string
		since string
		name  string
		want  []kill
	}{
		{"kernel/journal-6.1-global.txt", "", "php-fpm8.2", []kill{
			{"2026-12-02T05:12:03Z", 1234, "php-fpm8.2", "524288kB", "/system.slice/php8.2-fpm.service",
				"2026-12-02T05:12:03+0000 web1 kernel: Out of memory: Killed process 1234"},
		}},
		{"kernel/journal-6.1-global.txt", "", "", []kill{
			{"2026-12-02T05:12:03Z", 1234, "php-fpm8.2", "524288kB", "/system.slice/php8.2-fpm.service", "2026-12-02T05:12:03+0000"},
			{"2026-12-02T05:40:17Z", 977, "mysqld", "1310720kB", "/system.slice/mariadb.service", "2026-12-02T05:40:17+0000 web1 kernel: Out of memory: Killed process 977"},
		}},
		{"kernel/journal-6.1-global.txt", "2026-12-02T05:30:00Z", "", []kill{
			{"2026-12-02T05:40:17Z", 977, "mysqld", "1310720kB", "/system.slice/mariadb.service", "2026-12-02T05:40:17+0000"},
		}},
		{"kernel/journal-6.1-global.txt", "", "nginx", nil},
		{"kernel/kern.log-6.1-memcg-rfc3339", "", "php-fpm8.2", []kill{
			{"2026-12-01T23:58:01.10469Z", 40122, "php-fpm8.2", "201728kB", "/system.slice/php8.2-fpm.service",
				"2026-12-01T23:58:01.104699+00:00 web1 kernel: [1209601.004877] Memory cgroup out of memory: Killed process 40122"},
		}},
		{"kernel/kern.log-4.19-traditional", "", "php-fpm7.3", []kill{
			{"2026-11-30T03:14:07Z", 19021, "php-fpm7.3", "1631224kB", "", "Nov 30 03:14:07 web2 kernel: [8812234.119344] Killed process 19021"},
		}},
		// Only the kernel's lines count: another program may write anything.
		{"kernel/messages-spoofed", "", "php-fpm8.2", []kill{
			{"2026-12-02T05:03:00Z", 2222, "php-fpm8.2", "", "/", "Dec  2 05:03:00 web1 kernel: [  992.000001] oom-kill:"},
		}},
		{"kernel/dmesg-iso-long-comm.txt", "", "php-fpm-custom-build", []kill{
			{"2026-12-02T04:10:02.882512Z", 3310, "php-fpm-custom-", "497664kB", "/docker/4f1c2b", "2026-12-02T04:10:02,882530+00:00 Memory cgroup out of memory: Killed process 3310"},
		}},
		{"kernel/dmesg-iso-long-comm.txt", "", "php-fpm-custom", nil},
		{"kernel/journal-255-comm-tricks.txt", "", "x,pid=9) total", []kill{
			{"2026-12-02T06:00:00Z", 4321, "x,pid=9) total", "1024kB", "/user.slice/user-1000.slice", "2026-12-02T06:00:00+00:00 web1 kernel: Out of memory: Killed process 4321"},
		}},
		{"kernel/journal-255-comm-tricks.txt", "", "php-fpm8.2", nil},
	}
	for _, c := range cases {
		t.Run(c.file+"/"+c.name+"/"+c.since, func(t *testing.T) {
			since := time.Time{}
			if c.since != "" {
				since = utc(t, c.since)
			}
			got := parseOOM(fixture(t, c.file), kernelOpts{now: now, loc: time.UTC}, since, c.name)
			checkKills(t, got, c.want)
		})
	}
}

// Raw "[secs]" stamps are dated from the boot time, or left undated.
func TestDmesgOOMKillsRaw(t *testing.T) {
	boot := utc(t, "2026-12-02T03:00:00Z")
	checkKills(t, DmesgOOMKills(fixture(t, "kernel/dmesg-raw.txt"), boot, time.Time{}, "php-fpm8.2"), []kill{
		{"2026-12-02T04:00:00.25Z", 1500, "php-fpm8.2", "2097152kB", "/system.slice/php8.2-fpm.service", "[ 3600.250020] Out of memory: Killed process 1500"},
	})
	// An undated kill passes any since: it cannot be placed before it.
	checkKills(t, DmesgOOMKills(fixture(t, "kernel/dmesg-raw.txt"), time.Time{}, boot.Add(24*time.Hour), ""), []kill{
		{"", 1500, "php-fpm8.2", "2097152kB", "/system.slice/php8.2-fpm.service", "[ 3600.250020] Out of memory"},
	})
	// A since after the dated kill drops it.
	if got := DmesgOOMKills(fixture(t, "kernel/dmesg-raw.txt"), boot, boot.Add(2*time.Hour), ""); len(got) != 0 {
		t.Errorf("kills before since kept: %+v", got)
	}
}

func TestParseOOMMessage(t *testing.T) {
	cases := []struct {
		msg  string
		ok   bool
		want OOMKill
	}{
		{"Out of memory: Killed process 5 (a b) total-vm:1kB, anon-rss:2kB, file-rss:0kB", true, OOMKill{PID: 5, Name: "a b", RSS: "2kB"}},
		{"Out of memory: Kill process 77 (php-fpm7.0) score 901 or sacrifice child", true, OOMKill{PID: 77, Name: "php-fpm7.0"}},
		{"Killed process 77 (php-fpm7.0) total-vm:10kB, anon-rss:8kB, file-rss:0kB, shmem-rss:0kB", true, OOMKill{PID: 77, Name: "php-fpm7.0", RSS: "8kB"}},
		{"oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=sh,pid=12,uid=0", true, OOMKill{PID: 12, Name: "sh", Cgroup: "/"}},
		{"oom-kill:constraint=CONSTRAINT_MEMCG,oom_memcg=/a,task_memcg=/a/b,task=sh,pid=12,uid=0", true, OOMKill{PID: 12, Name: "sh", Cgroup: "/a/b"}},
		{"oom-kill:constraint=CONSTRAINT_MEMCG,oom_memcg=/a,task=sh,pid=12,uid=0", true, OOMKill{PID: 12, Name: "sh", Cgroup: "/a"}},
		{"oom_reaper: reaped process 1234 (php-fpm8.2), now anon-rss:0kB", false, OOMKill{}},
		{"systemd[1]: Killed process 1 (x) total-vm:1kB", false, OOMKill{}},
		{"Out of memory (oom_kill_allocating_task): Killed process 9 (x) total-vm:1kB, anon-rss:3kB", true, OOMKill{PID: 9, Name: "x", RSS: "3kB"}},
		{"Out of memory: Killed process 0 (x) total-vm:1kB", false, OOMKill{}},
		{"Out of memory: Killed process 12 x", false, OOMKill{}},
		{"oom-kill:task=x,uid=0", false, OOMKill{}},
		{"Out of memory: Killed process 12 (" + strings.Repeat("x", 70) + ") total-vm:1kB", false, OOMKill{}},
	}
	for _, c := range cases {
		got, ok := parseOOMMessage(c.msg)
		if ok != c.ok || got != c.want {
			t.Errorf("parseOOMMessage(%q) = %+v, %v; want %+v, %v", c.msg, got, ok, c.want, c.ok)
		}
	}
}

func TestCommMatches(t *testing.T) {
	cases := []struct {
		comm, name string
		want       bool
	}{
		{"php-fpm8.2", "php-fpm8.2", true},
		{"php-fpm8.2", "", true},
		{"php-fpm-custom-", "php-fpm-custom-build", true},
		{"php-fpm-custom-", "php-fpm-custom", false},
		{"php-fpm8.2", "php-fpm", false},
		{"php-fpm", "php-fpm8.2", false},
	}
	for _, c := range cases {
		if got := commMatches(c.comm, c.name); got != c.want {
			t.Errorf("commMatches(%q, %q) = %v", c.comm, c.name, got)
		}
	}
}

// The kept kills are the last 100.
func TestOOMKillsBounded(t *testing.T) {
	var b strings.Builder
	for pid := 1; pid <= 250; pid++ {
		b.WriteString("2026-12-02T05:00:00+0000 web1 kernel: Out of memory: Killed process ")
		b.WriteString(strconv.Itoa(pid) + " (w) total-vm:1kB, anon-rss:1kB, file-rss:0kB\n")
	}
	got := OOMKills(strings.NewReader(b.String()), time.Time{}, "w")
	if len(got) != maxKept || got[0].PID != 151 || got[len(got)-1].PID != 250 {
		t.Errorf("%d kills, first %d last %d", len(got), got[0].PID, got[len(got)-1].PID)
	}
}
