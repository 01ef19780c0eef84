package service

import (
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// appServer is an application server whose command line may say how many worker
// processes it runs and how long its listen backlog is.
type appServer string

const (
	gunicorn  appServer = "gunicorn"
	uwsgi     appServer = "uwsgi"
	puma      appServer = "puma"
	unicorn   appServer = "unicorn"
	uvicorn   appServer = "uvicorn"
	hypercorn appServer = "hypercorn"
)

// flagSpec is how one server spells one setting: long flags take "--f N" and
// "--f=N", short ones "-f N" and "-fN".
type flagSpec struct {
	long, short []string
}

// workerFlags are the worker-count flags per server. unicorn has none: its
// worker_processes lives in the config file.
var workerFlags = map[appServer]flagSpec{
	gunicorn:  {long: []string{"--workers"}, short: []string{"-w"}},
	uwsgi:     {long: []string{"--processes", "--workers"}, short: []string{"-p"}},
	puma:      {long: []string{"--workers"}, short: []string{"-w"}},
	uvicorn:   {long: []string{"--workers"}},
	hypercorn: {long: []string{"--workers"}, short: []string{"-w"}},
}

// backlogFlags are the listen-backlog flags per server; uwsgi's -l/--listen is its
// backlog (default 100), while unicorn's -l is an address and so is not here.
var backlogFlags = map[appServer]flagSpec{
	gunicorn:  {long: []string{"--backlog"}},
	uwsgi:     {long: []string{"--listen"}, short: []string{"-l"}},
	uvicorn:   {long: []string{"--backlog"}},
	hypercorn: {long: []string{"--backlog"}},
}

// WorkersFromArgv returns the worker count a gunicorn, uwsgi, puma, uvicorn or
// hypercorn command line sets, and the flag as written ("--workers 4"); the last one
// wins, as in their option parsers. ok is false when argv is not such a server or
// sets no count (the defaults: gunicorn 1, uwsgi 1, puma 0 = single mode; unicorn
// reads worker_processes from its config). Nothing is executed.
func WorkersFromArgv(argv []string) (n int, setting string, ok bool) {
	kind, args := findAppServer(argv)
	spec, known := workerFlags[kind]
	if !known {
		return 0, "", false
	}
	return lastIntFlag(args, spec)
}

// BacklogFromArgv returns the listen backlog a server's command line sets:
// --backlog N (gunicorn, uvicorn, hypercorn), -l/--listen N (uwsgi), or a puma bind
// URL's backlog= parameter ("-b tcp://0.0.0.0:3000?backlog=1024"), with the flag as
// written. ok is false when argv sets none. Nothing is executed.
func BacklogFromArgv(argv []string) (n int, setting string, ok bool) {
	kind, args := findAppServer(argv)
	if kind == puma {
		return pumaBacklog(args)
	}
	spec, known := backlogFlags[kind]
	if !known {
		return 0, "", false
	}
	return lastIntFlag(args, spec)
}

// findAppServer finds the server in argv, also behind an interpreter or launcher
// ("python3 -m gunicorn", "/venv/bin/python /venv/bin/gunicorn", "bundle exec
// puma"), and returns the arguments after it.
func findAppServer(argv []string) (appServer, []string) {
	for i, a := range argv {
		base := filepath.Base(a)
		for _, k := range []appServer{gunicorn, uwsgi, puma, unicorn, uvicorn, hypercorn} {
			rest, found := strings.CutPrefix(base, string(k))
			// "gunicorn3", "uwsgi_python3", "unicorn_rails"; not "pumactl" nor
			// a file such as "gunicorn_conf.py".
			variant := strings.HasPrefix(rest, "_") && !strings.Contains(rest, ".")
			if found && (strings.Trim(rest, "0123456789.") == "" || variant) {
				return k, argv[i+1:]
			}
		}
	}
	return "", nil
}

// flagHit is one occurrence of a flag: its value and the flag as written.
type flagHit struct{ value, written string }

// flagHits returns every occurrence of spec's flags in args, in order. A flag
// taking the next argument as its value skips it, so a value is never read as a flag.
func flagHits(args []string, spec flagSpec) []flagHit {
	var hits []flagHit
	for i := 0; i < len(args); i++ {
		a := args[i]
		if slices.Contains(spec.long, a) || slices.Contains(spec.short, a) {
			if i+1 < len(args) {
				hits = append(hits, flagHit{args[i+1], a + " " + args[i+1]})
				i++
			}
			continue
		}
		for _, f := range spec.long {
			if v, found := strings.CutPrefix(a, f+"="); found {
				hits = append(hits, flagHit{v, a})
			}
		}
		for _, f := range spec.short {
			if v, found := strings.CutPrefix(a, f); found && v != "" {
				hits = append(hits, flagHit{v, a}) // "-w4"
			}
		}
	}
	return hits
}

// lastIntFlag returns the last non-negative integer given to one of spec's flags.
func lastIntFlag(args []string, spec flagSpec) (n int, setting string, ok bool) {
	for _, h := range flagHits(args, spec) {
		if v, err := strconv.Atoi(h.value); err == nil && v >= 0 {
			n, setting, ok = v, h.written, true
		}
	}
	return n, setting, ok
}

// pumaBacklog reads backlog= from puma's -b/--bind URLs; the last one that sets it wins.
func pumaBacklog(args []string) (n int, setting string, ok bool) {
	for _, h := range flagHits(args, flagSpec{long: []string{"--bind"}, short: []string{"-b"}}) {
		u, err := url.Parse(h.value)
		if err != nil {
			continue
		}
		if v, err := strconv.Atoi(u.Query().Get("backlog")); err == nil && v >= 0 {
			n, setting, ok = v, h.written, true
		}
	}
	return n, setting, ok
}
