package postmortem

import (
	"testing"
	"time"
)

func TestReason(t *testing.T) {
	// Times in local time, the zone Reason writes them in.
	at := func(s string) time.Time {
		v, err := time.ParseInLocation(time.DateTime, "2026-12-02 "+s, time.Local)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	day := at("23:00:00")
	oom := OOMKill{Time: at("05:12:03"), PID: 1234, Name: "php-fpm8.2", RSS: "524288kB", Cgroup: "/system.slice/php8.2-fpm.service"}
	fpm := func(kind, detail string, count int, first, last string) FPMEvent {
		return FPMEvent{Time: at(first), Last: at(last), Kind: kind, Detail: detail, Count: count, PID: 4321}
	}
	cases := []struct {
		rule string
		d    Death
		want string
	}{
		{"nothing", Death{At: day}, ""},
		{"kernel-oom-kill", Death{At: day, OOM: []OOMKill{oom}},
			"killed by the kernel's OOM killer at 05:12:03 (php-fpm8.2, pid 1234, anon-rss 512 MiB, cgroup /system.slice/php8.2-fpm.service)"},
		{"kernel-oom-kill, many", Death{At: day, OOM: []OOMKill{{Time: at("04:00:00"), PID: 1, Name: "php-fpm8.2"}, oom}},
			"killed by the kernel's OOM killer 2 times since 04:00:00, the last at 05:12:03 (php-fpm8.2, pid 1234, anon-rss 512 MiB, cgroup /system.slice/php8.2-fpm.service)"},
		{"kernel-oom-kill, other day", Death{At: day.AddDate(0, 0, 1), OOM: []OOMKill{{Time: at("05:12:03"), PID: 9, Name: "x", RSS: "2097152kB"}}},
			"killed by the kernel's OOM killer at 2026-12-02 05:12:03 (x, pid 9, anon-rss 2.0 GiB)"},
		{"kernel-oom-kill, undated", Death{At: day, OOM: []OOMKill{{PID: 9, Name: "x"}}}, "killed by the kernel's OOM killer (x, pid 9)"},
		// A worker killed long before the unit ended did not end it.
		{"kernel-oom-kill, long before", Death{At: day, OOM: []OOMKill{oom}, Unit: &UnitEnd{Time: at("06:31:45"), Code: "exited", Status: "255/EXCEPTION", Result: "exit-code"}},
			"exited with status 255/EXCEPTION at 06:31:45"},
		{"unit-oom-kill", Death{At: day, Unit: &UnitEnd{Time: at("05:12:03"), Code: "killed", Status: "9/KILL", Result: "oom-kill", OOMKilled: true}},
			"killed by the OOM killer at 05:12:03 (systemd says so; the kernel's lines were not found)"},
		{"fpm-bind-failed", Death{At: day, FPM: []FPMEvent{fpm(FPMMaxChildren, "5", 3, "04:00:00", "04:30:00"), fpm(FPMBindFailed, "127.0.0.1:9000: Address already in use", 1, "05:20:11", "05:20:11"), fpm(FPMOther, "FPM initialization failed", 1, "05:20:11", "05:20:11")}},
			"php-fpm could not listen on 127.0.0.1:9000: Address already in use at 05:20:11"},
		{"unit-start-limit", Death{At: day, Unit: &UnitEnd{Time: at("05:20:11"), Code: "exited", Status: "78/CONFIG", Result: "start-limit-hit"}},
			"exited with status 78/CONFIG, and systemd stopped restarting it (start request repeated too quickly) at 05:20:11"},
		{"unit-start-limit, no exit", Death{At: day, Unit: &UnitEnd{Time: at("05:20:11"), Result: "start-limit-hit"}},
			"systemd stopped restarting it: start request repeated too quickly at 05:20:11"},
		{"unit-signal", Death{At: day, Unit: &UnitEnd{Time: at("02:00:00"), Code: "killed", Status: "9/KILL", Result: "timeout"}}, "killed by signal 9/KILL at 02:00:00"},
		{"unit-signal, core", Death{At: day, Unit: &UnitEnd{Time: at("03:10:00"), Code: "dumped", Status: "11/SEGV", Result: "core-dump"}}, "crashed with signal 11/SEGV (core dumped) at 03:10:00"},
		{"unit-exit-status", Death{At: day, Unit: &UnitEnd{Time: at("06:31:45"), Code: "exited", Status: "255/EXCEPTION", Result: "exit-code"}}, "exited with status 255/EXCEPTION at 06:31:45"},
		{"unit-failed", Death{At: day, Unit: &UnitEnd{Time: at("06:00:00"), Result: "resources"}}, "systemd marked it failed with result 'resources' at 06:00:00"},
		{"fpm-terminated", Death{At: day, FPM: []FPMEvent{fpm(FPMMaxChildren, "5", 37, "04:03:12", "06:12:24"), fpm(FPMTerminated, "", 1, "06:13:44", "06:13:44")}},
			"php-fpm was told to stop at 06:13:44 (its log says \"Terminating ...\" or \"Finishing ...\")"},
		// A stop followed by more life was not the end.
		{"fpm-terminated, then restarted", Death{At: day, FPM: []FPMEvent{fpm(FPMMaxChildren, "5", 37, "04:03:12", "06:12:24"), fpm(FPMTerminated, "", 1, "05:00:00", "05:00:00")}},
			"php-fpm reached pm.max_children (5) 37 times since 04:03"},
		{"unit-stopped", Death{At: day, Unit: &UnitEnd{Time: at("07:00:00"), Result: "success"}}, "stopped cleanly at 07:00:00 (systemd: deactivated successfully)"},
		{"fpm-child-signal", Death{At: day, FPM: []FPMEvent{fpm(FPMChildSignal, "9 (SIGKILL)", 1, "05:00:00", "05:00:00")}}, "a php-fpm child was killed by signal 9 (SIGKILL) (pid 4321) at 05:00:00"},
		{"fpm-child-signal, many", Death{At: day, FPM: []FPMEvent{fpm(FPMChildSignal, "15 (SIGTERM)", 1, "04:00:00", "04:00:00"), fpm(FPMChildSignal, "9 (SIGKILL)", 2, "05:00:00", "05:10:00")}},
			"php-fpm children were killed by signals 3 times since 04:00:00, the last by 9 (SIGKILL) (pid 4321) at 05:10:00"},
		{"fpm-max-children", Death{At: day, FPM: []FPMEvent{fpm(FPMMaxChildren, "5", 37, "04:00:00", "06:00:00"), fpm(FPMBusy, "", 40, "03:59:00", "06:00:00")}},
			"php-fpm reached pm.max_children (5) 37 times since 04:00"},
		{"fpm-max-children, once", Death{At: day, FPM: []FPMEvent{fpm(FPMMaxChildren, "10", 1, "04:00:00", "04:00:00")}}, "php-fpm reached pm.max_children (10) once since 04:00"},
	}
	for _, c := range cases {
		if got := c.d.Reason(); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.rule, got, c.want)
		}
	}
}

// Every rule is named once, so a row of TestReason can say which it tests.
func TestReasonRulesNamed(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range reasonRules() {
		if r.name == "" || seen[r.name] || r.say == nil {
			t.Errorf("rule %q: unnamed, repeated or empty", r.name)
		}
		seen[r.name] = true
	}
}

func TestHumanKB(t *testing.T) {
	for in, want := range map[string]string{
		"512kB": "512 KiB", "524288kB": "512 MiB", "1572864kB": "1.5 GiB", "20971520kB": "20 GiB", "12MB": "12MB", "kB": "kB",
	} {
		if got := humanKB(in); got != want {
			t.Errorf("humanKB(%q) = %q, want %q", in, got, want)
		}
	}
}
