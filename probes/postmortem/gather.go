package postmortem

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"sort"
	"strings"
	"time"
)

// Request says whose death to look into, and where.
type Request struct {
	Since      time.Time // only what was logged at or after it; zero reads all each source keeps
	Process    string    // the comm of the process that died ("php-fpm8.2"); "" counts any OOM kill
	Unit       string    // its systemd unit, whose journal is read; "" when none
	FPMConfig  string    // the php-fpm.conf of a php-fpm that died, whose error_log is read; "" when not php-fpm
	FPMPrefix  string    // that php-fpm's -p prefix, "" when none
	DmesgFile  string    // a file holding DmesgArgv's output, saved by the caller; "" when none
	InitLogs   []string  // logs an init script keeps (/var/log/NAME.log…), tailed when the unit's journal says nothing
	KernelLogs []string  // syslog files with kernel lines; nil means /var/log/kern.log, kern.log.1, messages; empty, none
	NoJournal  bool      // do not run journalctl
}

// Bounds of Gather's reading.
const (
	kernelLogBytes = 8 << 20  // the end of kern.log / messages, and of a saved dmesg
	journalBytes   = 16 << 20 // journalctl's output
	fpmLogBytes    = 1 << 20  // the end of php-fpm's log
	initLogBytes   = 64 << 10 // the end of an init script's log
	tailLines      = 50       // lines kept in Death.Tail
)

// defaultKernelLogs are the syslog files that hold kernel lines on Debian
// (kern.log) and others (messages), with the last rotation.
func defaultKernelLogs() []string {
	return []string{"/var/log/kern.log", "/var/log/kern.log.1", "/var/log/messages"}
}

// Gather reads every source req names that this box has: the kernel's
// journal (journalctl -k), the kernel's syslog files, a saved dmesg, the
// unit's journal, php-fpm's error_log, the init script's logs. Each source
// read is listed in Sources, each that failed in Missing with why (a
// default file that does not exist is not missing: most boxes have only
// some of them).
func Gather(ctx context.Context, req Request) Death {
	g := &gatherer{req: req, d: Death{At: time.Now()}}
	if !req.NoJournal {
		g.kernelJournal(ctx)
	}
	g.kernelFiles()
	g.dmesg()
	if req.Unit != "" && !req.NoJournal {
		g.unitJournal(ctx)
	}
	if req.FPMConfig != "" {
		g.fpmLog()
	}
	if len(g.d.Tail) == 0 {
		g.initLogs()
	}
	g.finishOOM()
	return g.d
}

// gatherer collects one Death.
type gatherer struct {
	req Request
	d   Death
}

// missing notes that what could not be read, and why.
func (g *gatherer) missing(what string, err error) {
	g.d.Missing = append(g.d.Missing, what+": "+err.Error())
}

// kernelJournal runs journalctl -k.
func (g *gatherer) kernelJournal(ctx context.Context) {
	argv := KernelJournalArgv(g.req.Since)
	if argv == nil {
		_, err := Journalctl()
		g.missing("the kernel's journal", err)
		return
	}
	out, err := Run(ctx, argv, journalBytes)
	if err != nil && !errors.Is(err, ErrOutputLimit) {
		g.missing(strings.Join(argv, " "), err)
		return
	}
	if err != nil {
		g.missing(strings.Join(argv, " "), err) // partial: what came is still read
	}
	g.d.Sources = append(g.d.Sources, strings.Join(argv, " "))
	g.d.OOM = append(g.d.OOM, OOMKills(bytes.NewReader(out), g.req.Since, g.req.Process)...)
}

// kernelFiles reads the end of each kernel syslog file.
func (g *gatherer) kernelFiles() {
	files, explicit := g.req.KernelLogs, true
	if files == nil {
		files, explicit = defaultKernelLogs(), false
	}
	for _, f := range files {
		b, err := tailBytes(f, kernelLogBytes)
		if err != nil {
			if explicit || !errors.Is(err, fs.ErrNotExist) {
				g.missing(f, err)
			}
			continue
		}
		g.d.Sources = append(g.d.Sources, f)
		g.d.OOM = append(g.d.OOM, OOMKills(bytes.NewReader(b), g.req.Since, g.req.Process)...)
	}
}

// dmesg parses the caller's saved dmesg output.
func (g *gatherer) dmesg() {
	if g.req.DmesgFile == "" {
		return
	}
	b, err := tailBytes(g.req.DmesgFile, kernelLogBytes)
	if err != nil {
		g.missing(g.req.DmesgFile, err)
		return
	}
	boot, _ := BootTime()
	g.d.Sources = append(g.d.Sources, g.req.DmesgFile)
	g.d.OOM = append(g.d.OOM, DmesgOOMKills(bytes.NewReader(b), boot, g.req.Since, g.req.Process)...)
}

// unitJournal runs journalctl -u UNIT.
func (g *gatherer) unitJournal(ctx context.Context) {
	argv := UnitJournalArgv(g.req.Unit, g.req.Since, defaultUnitLines)
	if argv == nil {
		why := "not a plain unit name"
		if _, err := Journalctl(); err != nil && plainUnitName(g.req.Unit) {
			why = err.Error()
		}
		g.d.Missing = append(g.d.Missing, "the journal of "+g.req.Unit+": "+why)
		return
	}
	out, err := Run(ctx, argv, journalBytes)
	if err != nil {
		g.missing(strings.Join(argv, " "), err)
		if !errors.Is(err, ErrOutputLimit) {
			return
		}
	}
	g.d.Sources = append(g.d.Sources, strings.Join(argv, " "))
	g.d.Unit, g.d.Tail = ReadUnitJournal(bytes.NewReader(out), g.req.Unit, tailLines)
}

// fpmLog reads the end of php-fpm's error_log.
func (g *gatherer) fpmLog() {
	l, err := FPMLogOf(g.req.FPMConfig, g.req.FPMPrefix)
	if err != nil {
		g.missing("php-fpm's log", err)
		return
	}
	if l.Syslog {
		g.d.Missing = append(g.d.Missing, "php-fpm's log: "+l.From+" sends it to syslog as "+l.Ident+" (read the journal or syslog for it)")
		return
	}
	b, err := tailBytes(l.Path, fpmLogBytes)
	if err != nil {
		g.missing("php-fpm's log "+l.Path+" (error_log from "+l.From+")", err)
		return
	}
	g.d.Sources = append(g.d.Sources, l.Path)
	g.d.FPM = FPMEvents(bytes.NewReader(b), g.req.Since, nil)
}

// initLogs tails the init script's logs, the last lines of the first that has any.
func (g *gatherer) initLogs() {
	for _, f := range g.req.InitLogs {
		lines, err := Tail(f, initLogBytes)
		if err != nil {
			g.missing(f, err)
			continue
		}
		g.d.Sources = append(g.d.Sources, f)
		if len(g.d.Tail) == 0 && len(lines) > 0 {
			g.d.Tail = lines[max(0, len(lines)-tailLines):]
		}
	}
}

// finishOOM merges the kills that several sources told of, sorts them by
// time (undated ones first) and keeps the last maxKept.
func (g *gatherer) finishOOM() {
	kills := g.d.OOM
	sort.SliceStable(kills, func(i, j int) bool { return kills[i].Time.Before(kills[j].Time) })
	var merged []OOMKill
	for _, k := range kills {
		dup := false
		for i := range merged {
			if sameKill(merged[i], k) {
				merged[i], dup = mergeKill(merged[i], k), true
				break
			}
		}
		if !dup {
			merged = append(merged, k)
		}
	}
	g.d.OOM = merged[max(0, len(merged)-maxKept):]
}
