package service

import (
	"strings"
	"testing"
)

func TestWorkersFromArgv(t *testing.T) {
	cases := []struct {
		argv    string
		n       int
		setting string // "" means ok false
	}{
		{"gunicorn -w 4 app:app", 4, "-w 4"},
		{"/usr/bin/gunicorn --workers 3 -b 127.0.0.1:8000 app:app", 3, "--workers 3"},
		{"/venv/bin/python3 /venv/bin/gunicorn --workers=5 app:app", 5, "--workers=5"},
		{"python3 -m gunicorn -w8 app:app", 8, "-w8"},
		{"gunicorn -w 2 --workers 6 app:app", 6, "--workers 6"}, // last wins
		{"gunicorn3 -w 2 app:app", 2, "-w 2"},
		{"gunicorn -b 0.0.0.0:8000 app:app", 0, ""},
		{"gunicorn -w many app:app", 0, ""},
		{"gunicorn -w", 0, ""},
		{"gunicorn -w app:app", 0, ""},
		{"python3 run.py -c gunicorn_conf.py -w 3", 0, ""}, // a config file, not the server
		{"uwsgi --processes 4 --socket /run/app.sock", 4, "--processes 4"},
		{"/usr/bin/uwsgi -p 2 --ini app.ini", 2, "-p 2"},
		{"uwsgi --workers=7", 7, "--workers=7"},
		{"uwsgi_python3 -p4", 4, "-p4"},
		{"puma -w 3 -b tcp://0.0.0.0:3000", 3, "-w 3"},
		{"ruby /usr/local/bin/bundle exec puma --workers 2", 2, "--workers 2"},
		{"puma --workers=4", 4, "--workers=4"},
		{"pumactl -w 3 restart", 0, ""},
		{"unicorn -c config/unicorn.rb -E production", 0, ""},
		{"unicorn_rails -l 0.0.0.0:8080", 0, ""},
		{"uvicorn app:app --workers 4 --backlog 64", 4, "--workers 4"},
		{"hypercorn -w 2 app:app", 2, "-w 2"},
		{"node server.js --workers 4", 0, ""},
		{"", 0, ""},
	}
	for _, tc := range cases {
		n, setting, ok := WorkersFromArgv(strings.Fields(tc.argv))
		if n != tc.n || setting != tc.setting || ok != (tc.setting != "") {
			t.Errorf("WorkersFromArgv(%q) = %d %q %v, want %d %q", tc.argv, n, setting, ok, tc.n, tc.setting)
		}
	}
}

func TestBacklogFromArgv(t *testing.T) {
	cases := []struct {
		argv    string
		n       int
		setting string
	}{
		{"gunicorn --backlog 64 -w 2 app:app", 64, "--backlog 64"},
		{"gunicorn --backlog=128 app:app", 128, "--backlog=128"},
		{"gunicorn -w 2 app:app", 0, ""},
		{"uwsgi --listen 1024 --socket :3031", 1024, "--listen 1024"},
		{"uwsgi -l 50 -p 4", 50, "-l 50"},
		{"uwsgi -l50", 50, "-l50"},
		{"unicorn -l 0.0.0.0:8080", 0, ""}, // unicorn's -l is an address
		{"uvicorn app:app --backlog 256", 256, "--backlog 256"},
		{"puma -b tcp://0.0.0.0:3000?backlog=1024 -w 2", 1024, "-b tcp://0.0.0.0:3000?backlog=1024"},
		{"puma --bind=unix:///run/puma.sock?backlog=16", 16, "--bind=unix:///run/puma.sock?backlog=16"},
		{"puma -b tcp://0.0.0.0:3000", 0, ""},
		{"node server.js --backlog 5", 0, ""},
	}
	for _, tc := range cases {
		n, setting, ok := BacklogFromArgv(strings.Fields(tc.argv))
		if n != tc.n || setting != tc.setting || ok != (tc.setting != "") {
			t.Errorf("BacklogFromArgv(%q) = %d %q %v, want %d %q", tc.argv, n, setting, ok, tc.n, tc.setting)
		}
	}
}
