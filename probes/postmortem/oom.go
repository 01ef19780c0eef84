package postmortem

import (
	"io"
	"strings"
	"time"
)

// OOMKill is one process the kernel's OOM killer killed, from its
// "oom-kill:" summary line, its "Killed process" line, or both merged.
type OOMKill struct {
	Time   time.Time // when the kernel logged it; zero when the source could not say
	PID    int       // the victim
	Name   string    // its comm, as the kernel wrote it (at most 15 bytes)
	RSS    string    // its anon-rss as written ("524288kB"); "" when not logged
	Cgroup string    // its memory cgroup (task_memcg, else oom_memcg); "" when not logged
	Line   string    // the "Killed process" line, else the "oom-kill:" one
}

// commLen is the most bytes of a process name the kernel keeps (TASK_COMM_LEN-1).
const commLen = 15

// mergeWindow is how far apart two lines about one victim may be logged.
const mergeWindow = 10 * time.Second

// OOMKills returns the OOM kills in r — journalctl -k -o short-iso output,
// /var/log/kern.log or /var/log/messages (RFC 3339 or traditional stamps),
// or dmesg --time-format iso output — logged at or after since (a zero since
// keeps all), of processes called name ("" for any; a name longer than the
// kernel's 15 bytes matches its cut comm). At most the last 100 are kept.
func OOMKills(r io.Reader, since time.Time, name string) []OOMKill {
	return parseOOM(r, kernelOpts{now: time.Now(), loc: time.Local}, since, name)
}

// DmesgOOMKills is OOMKills for dmesg output whose lines carry seconds
// since boot ("[12345.678901] ...", plain dmesg or busybox's): boot dates
// them; with a zero boot they keep a zero Time and pass any since.
func DmesgOOMKills(r io.Reader, boot, since time.Time, name string) []OOMKill {
	return parseOOM(r, kernelOpts{boot: boot, now: time.Now(), loc: time.Local}, since, name)
}

// parseOOM is OOMKills with its clock and zone given.
func parseOOM(r io.Reader, o kernelOpts, since time.Time, name string) []OOMKill {
	var kills []OOMKill
	eachLine(r, func(line string) bool {
		t, msg, ok := kernelLine(line, o)
		if !ok {
			return true
		}
		k, ok := parseOOMMessage(msg)
		if !ok || !commMatches(k.Name, name) || (!t.IsZero() && t.Before(since)) {
			return true
		}
		k.Time, k.Line = t, line
		kills = addKill(kills, k)
		return true
	})
	return kills
}

// commMatches reports whether the kernel's comm names the process called
// name: equal, or equal to name cut to 15 bytes.
func commMatches(comm, name string) bool {
	return name == "" || comm == name || len(name) > commLen && comm == name[:commLen]
}

// addKill appends k, or merges it into a recent record of the same victim
// (the summary and the "Killed process" line of one kill), keeping the last
// maxKept.
func addKill(kills []OOMKill, k OOMKill) []OOMKill {
	for i := len(kills) - 1; i >= max(0, len(kills)-3); i-- {
		if sameKill(kills[i], k) {
			kills[i] = mergeKill(kills[i], k)
			return kills
		}
	}
	kills = append(kills, k)
	if len(kills) > maxKept {
		kills = append(kills[:0], kills[len(kills)-maxKept:]...)
	}
	return kills
}

// sameKill reports whether a and b speak of one kill: one victim, logged
// within mergeWindow of each other (or undated).
func sameKill(a, b OOMKill) bool {
	if a.PID != b.PID || a.Name != b.Name {
		return false
	}
	if a.Time.IsZero() || b.Time.IsZero() {
		return true
	}
	d := a.Time.Sub(b.Time)
	return d < mergeWindow && d > -mergeWindow
}

// mergeKill fills what a lacks from b; b's "Killed process" line wins.
func mergeKill(a, b OOMKill) OOMKill {
	if a.Time.IsZero() {
		a.Time = b.Time
	}
	if a.RSS == "" {
		a.RSS = b.RSS
	}
	if a.Cgroup == "" {
		a.Cgroup = b.Cgroup
	}
	if b.RSS != "" || a.Line == "" {
		a.Line = b.Line
	}
	return a
}

// parseOOMMessage reads a kernel message that names an OOM victim:
//
//	oom-kill:constraint=CONSTRAINT_MEMCG,…,task_memcg=/system.slice/x.service,task=php-fpm8.2,pid=1234,uid=33
//	Out of memory: Killed process 1234 (php-fpm8.2) total-vm:…kB, anon-rss:…kB, …   (5.x, 6.x)
//	Memory cgroup out of memory: Killed process 1234 (php-fpm8.2) total-vm:…        (memcg)
//	Out of memory: Kill process 1234 (php-fpm7.0) score 901 or sacrifice child     (4.x)
//	Killed process 1234 (php-fpm7.0) total-vm:…kB, anon-rss:…kB, …                 (4.x)
func parseOOMMessage(msg string) (OOMKill, bool) {
	if rest, ok := strings.CutPrefix(msg, "oom-kill:"); ok {
		return parseOOMSummary(rest)
	}
	for _, marker := range [...]string{"Killed process ", "Kill process "} {
		// "Out of memory: ", "Memory cgroup out of memory: ", "Out of memory
		// (oom_kill_allocating_task): ", or nothing (4.x's second line).
		if i := strings.Index(msg, marker); i >= 0 && (i == 0 || strings.Contains(strings.ToLower(msg[:i]), "out of memory")) {
			return parseKilledProcess(msg[i+len(marker):])
		}
	}
	return OOMKill{}, false
}

// parseKilledProcess reads "1234 (comm) total-vm:…, anon-rss:524288kB, …"
// or "1234 (comm) score …". comm may hold any byte, ")" and spaces too, so
// it ends at the last ") " before the known fields.
func parseKilledProcess(s string) (OOMKill, bool) {
	pid, rest, ok := cutInt(s)
	if !ok || pid <= 0 || !strings.HasPrefix(rest, " (") {
		return OOMKill{}, false
	}
	rest = rest[2:]
	end := -1
	for _, tail := range [...]string{") total-vm:", ") score "} {
		if i := strings.LastIndex(rest, tail); i >= 0 {
			end = i
			break
		}
	}
	if end < 0 && strings.HasSuffix(rest, ")") {
		end = len(rest) - 1
	}
	if end < 0 || end > 4*commLen {
		return OOMKill{}, false
	}
	k := OOMKill{PID: pid, Name: rest[:end]}
	if _, after, ok := strings.Cut(rest[end:], "anon-rss:"); ok {
		v, _, _ := strings.Cut(after, ",")
		k.RSS = strings.TrimSpace(v)
	}
	return k, true
}

// parseOOMSummary reads the fields of "oom-kill:constraint=…,task=comm,pid=N,uid=N".
// task is the victim's comm, which may hold commas, so it is what lies
// between the last ",task=" and the ",pid=" after it.
func parseOOMSummary(s string) (OOMKill, bool) {
	ti := strings.LastIndex(s, ",task=")
	if ti < 0 {
		return OOMKill{}, false
	}
	tail := s[ti+len(",task="):]
	pi := strings.LastIndex(tail, ",pid=")
	if pi < 0 {
		return OOMKill{}, false
	}
	pid, _, ok := cutInt(tail[pi+len(",pid="):])
	if !ok || pid <= 0 || pi > 4*commLen {
		return OOMKill{}, false
	}
	k := OOMKill{PID: pid, Name: tail[:pi]}
	for _, f := range strings.Split(s[:ti], ",") {
		if v, ok := strings.CutPrefix(f, "task_memcg="); ok {
			k.Cgroup = v
		} else if v, ok := strings.CutPrefix(f, "oom_memcg="); ok && k.Cgroup == "" {
			k.Cgroup = v
		}
	}
	return k, true
}
