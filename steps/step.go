// Package steps holds what the 502 triage asks, in the classic order, and
// what the answers mean. Probes measure; steps interpret; ui only draws.
package steps

import (
	"time"

	"ngx502/probes/logfile"
)

// ID names one of the five triage steps.
type ID string

// The five steps, in the order an admin walks them.
const (
	Logs     ID = "logs"
	Upstream ID = "upstream"
	Config   ID = "config"
	Network  ID = "network"
	Restart  ID = "restart"
)

// Status is how a step (or a check) came out.
type Status string

// Statuses shared by outcomes and checks; the JSON report uses these strings.
const (
	Pass    Status = "pass"
	Warn    Status = "warn"
	Fail    Status = "fail"
	Skipped Status = "skipped"
)

// rank orders statuses from best to worst so a step takes its worst check.
func (s Status) rank() int {
	switch s {
	case Fail:
		return 3
	case Warn:
		return 2
	case Pass:
		return 1
	}
	return 0
}

// Worse returns the worse of two statuses.
func Worse(a, b Status) Status {
	if b.rank() > a.rank() {
		return b
	}
	return a
}

// Check is one thing a step looked at, with the shell command a person
// would type to see the same fact.
type Check struct {
	Name    string `json:"name"`
	Command string `json:"command"`
	Result  string `json:"result"`
	Status  Status `json:"status"`
}

// Finding is a cause the evidence points to. Subject ties findings of
// different steps about the same upstream together ("127.0.0.1:8080",
// "unix:/run/app.sock", an upstream group name, or "" for nginx itself).
type Finding struct {
	Cause    CauseID  `json:"cause"`
	Title    string   `json:"title"`
	Where    string   `json:"where,omitempty"`
	Evidence []string `json:"evidence"`
	Fix      string   `json:"fix,omitempty"`
	Subject  string   `json:"subject,omitempty"`
	// Kind is the evidence the finding rests on (see Evidence).
	Kind Evidence `json:"kind"`
	// Current: observed after nginx's last (re)load and within
	// recentWindow of now — the failure is still happening.
	Current bool `json:"current,omitempty"`
	// Count and Last: how often and when nginx last reported it (observed).
	Count int       `json:"count,omitempty"`
	Last  time.Time `json:"last,omitzero"`
	// Not502: nginx reported it only in answers that were not 5xx (a 404
	// for a missing PHP script), or it is no 502 by itself: a note, never
	// a 502 verdict.
	Not502 bool `json:"not_502,omitempty"`
	// Gone: the config on disk no longer names the subject nginx reported.
	Gone bool `json:"gone,omitempty"`
	// Rest > 0 marks a summary of that many findings a capped step left
	// out ("4,995 more upstreams, same cause"): a count, not evidence.
	Rest int `json:"rest,omitempty"`
	// Explains names the causes this fact accounts for on the same subject
	// (a backend on ::1 only explains nginx's refused connects to
	// 127.0.0.1): the verdict folds their claims into this one.
	Explains []CauseID `json:"explains,omitempty"`
	// Live counts the reports that came in while following the log.
	Live int `json:"-"`
}

// Timeline counts, per minute over the window, the upstream errors of the
// error log and the 5xx answers of the access log: when it began.
type Timeline struct {
	Upstream, Status5xx logfile.Minutes
}

// Outcome is what one step found.
type Outcome struct {
	Step     ID        `json:"id"`
	Status   Status    `json:"status"`
	Summary  string    `json:"summary"`
	Checks   []Check   `json:"checks"`
	Findings []Finding `json:"findings"`
	Actions  []Action  `json:"actions,omitempty"`
	// Answering lists the subjects a live probe found healthy: evidence
	// against log-only findings about them.
	Answering []string `json:"-"`
	// Backups lists the subjects that are `backup` servers: nginx asks them
	// only when the others fail, so their failure alone is no 502.
	Backups []string `json:"-"`
	// Seen maps a subject to a URI nginx really requested from it (error
	// log): what a probe of a regex or named location sends.
	Seen map[string]string `json:"-"`
	// Timeline is when nginx logged its failures, per minute (step 1).
	Timeline Timeline `json:"-"`
	// Unfinished says why the step stopped before it had looked at
	// everything (cancelled, out of time); "" when it finished. What it
	// shows is partial, so the verdict never calls such a run healthy.
	Unfinished string        `json:"unfinished,omitempty"`
	Took       time.Duration `json:"-"`
}

// add appends a check and folds its status into the outcome.
func (o *Outcome) add(c Check) {
	o.Checks = append(o.Checks, c)
	o.Status = Worse(o.Status, c.Status)
}

// Info describes a step for people: its title, why it matters and the
// command an admin would type to do it by hand.
type Info struct {
	ID      ID
	Number  int
	Title   string
	Why     string
	Command string
}

// All lists the steps in triage order.
func All() []Info {
	return []Info{
		{Logs, 1, "Error log",
			"nginx writes one line for every failed attempt to reach an upstream; the message and errno say which phase failed and why.",
			"sudo tail -n 200 /var/log/nginx/error.log | grep upstream"},
		{Upstream, 2, "Upstream",
			"A 502 means nginx could not get a valid answer from the backend; asking the backend directly shows whether it is down, slow or broken.",
			"curl -sv -o /dev/null http://127.0.0.1:8080/"},
		{Config, 3, "Config",
			"A wrong address, socket path, buffer or timeout in the config produces 502s that no restart fixes; nginx -t proves the config loads.",
			"sudo nginx -t && sudo nginx -T | grep -n _pass"},
		{Network, 4, "Network",
			"Even a healthy backend is useless if its name does not resolve, nothing listens on the port, or SELinux/AppArmor blocks nginx.",
			"sudo ss -ltnp; getent hosts backend; getenforce"},
		{Restart, 5, "Restart",
			"Only after the cause is known: reload nginx or restart the backend, then ask again to prove the 502 is gone.",
			"sudo nginx -t && sudo systemctl reload nginx"},
	}
}

// InfoOf returns the description of one step.
func InfoOf(id ID) Info {
	for _, s := range All() {
		if s.ID == id {
			return s
		}
	}
	return Info{ID: id, Title: string(id)}
}
