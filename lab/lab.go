package lab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/template"
	"time"
)

// Lab is one started scenario, as its state file records it.
type Lab struct {
	Scenario string    `json:"scenario"`
	Dir      string    `json:"dir"`
	Port     int       `json:"port"`
	Conf     string    `json:"conf"`
	Nginx    string    `json:"nginx"` // the binary
	Procs    []Proc    `json:"procs"`
	Started  time.Time `json:"started"`
}

// Prefix is the lab nginx's -p.
func (l *Lab) Prefix() string { return l.Dir + "/" }

// Investigate is the command that diagnoses the lab.
func (l *Lab) Investigate() string {
	return "sudo ngx502 --conf " + l.Conf + " --prefix " + l.Prefix()
}

// Proc is a process the lab started; Start (its start time in clock
// ticks since boot) tells it from a later process with the same pid.
type Proc struct {
	What  string `json:"what"`
	PID   int    `json:"pid"`
	Start uint64 `json:"start"`
}

// Options say how to start a lab.
type Options struct {
	Nginx string // the nginx binary (the installed one)
	Self  string // this program, run again for the backends
}

const (
	stateFile = "lab.json"
	dirPrefix = "ngx502-lab-"
)

// Start starts scenario s: its backends, then nginx, then the requests
// that make nginx log the failure. On any error what was started is
// stopped and the directory removed.
func Start(ctx context.Context, s Scenario, o Options) (l *Lab, err error) {
	if s.Root || s.Hosts != "" {
		if os.Geteuid() != 0 {
			return nil, fmt.Errorf("lab %s needs root (%s): run it with sudo", s.Name, rootWhy(s))
		}
	}
	dir, err := os.MkdirTemp("", dirPrefix+s.Name+"-")
	if err != nil {
		return nil, fmt.Errorf("lab dir: %w", err)
	}
	l = &Lab{Scenario: s.Name, Dir: dir, Conf: filepath.Join(dir, "nginx.conf"), Nginx: o.Nginx, Started: time.Now()}
	defer func() {
		if err != nil {
			_ = l.Stop()
		}
	}()
	// nginx's workers (nobody, when root) must enter the directory.
	if err := os.Chmod(dir, 0o755); err != nil {
		return l, err
	}
	for _, d := range []string{"logs", "temp"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			return l, err
		}
	}
	data, held, err := l.allocate(s)
	if err != nil {
		return l, err
	}
	err = l.hold(o.Self, held)
	closeAll(held) // the holder has its own copies
	if err != nil {
		return l, err
	}
	for i, b := range s.Backends {
		if err := l.startBackend(ctx, o.Self, b, data, i); err != nil {
			return l, err
		}
	}
	if err := l.writeConf(s.HTTP, data); err != nil {
		return l, err
	}
	if err := l.startNginx(ctx, s, o.Self); err != nil {
		return l, err
	}
	l.request(ctx, s)
	if s.Edited != "" {
		time.Sleep(1100 * time.Millisecond) // after the load, by the clock nginx's files are compared with
		if err := l.writeConf(s.Edited, data); err != nil {
			return l, err
		}
	}
	return l, l.save()
}

func rootWhy(s Scenario) string {
	if s.Hosts != "" {
		return "nginx gets its own /etc/hosts in a mount namespace"
	}
	return "nginx's workers must run as another user than the socket's owner"
}

// startBackend runs ngx502 again as backend i and waits until it listens.
func (l *Lab) startBackend(ctx context.Context, self string, b Backend, d Data, i int) error {
	network, addr := "tcp", strings.TrimPrefix(d.B[i], "unix:")
	if b.Net == "unix" {
		network = "unix"
	}
	args := []string{BackendArg, b.Kind, network, addr}
	if b.Mode != 0 {
		args = append(args, strconv.FormatUint(uint64(b.Mode), 8))
	}
	logf, err := os.Create(filepath.Join(l.Dir, "logs", fmt.Sprintf("backend%d.log", i)))
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(self, args...)
	cmd.Stdout, cmd.Stderr, cmd.Dir = logf, logf, l.Dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} // outlives this command, apart from its terminal
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("backend %s: %w", b.Kind, err)
	}
	pid := cmd.Process.Pid
	go cmd.Wait() // reaped if it dies while this process lives
	l.Procs = append(l.Procs, Proc{What: "backend " + b.Kind + " on " + d.B[i], PID: pid, Start: startTime(pid)})
	if !waitDial(ctx, network, addr, 5*time.Second) {
		out, _ := os.ReadFile(logf.Name())
		return fmt.Errorf("backend %s did not listen on %s: %s", b.Kind, d.B[i], strings.TrimSpace(string(out)))
	}
	return nil
}

func waitDial(ctx context.Context, network, addr string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if c, err := net.DialTimeout(network, addr, 200*time.Millisecond); err == nil {
			c.Close()
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// writeConf writes nginx.conf: every file nginx writes inside the lab
// directory, the scenario's http{} content.
func (l *Lab) writeConf(httpText string, d Data) error {
	tpl, err := template.New("http").Option("missingkey=error").Parse(httpText)
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# ngx502 lab %s: a practice setup; ngx502 lab stop removes it\n", l.Scenario)
	fmt.Fprintf(&b, "worker_processes 1;\npid %s/nginx.pid;\nerror_log %s/logs/error.log error;\n", l.Dir, l.Dir)
	fmt.Fprintf(&b, "events {\n    worker_connections 64;\n}\nhttp {\n    access_log %s/logs/access.log;\n", l.Dir)
	for _, kind := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		fmt.Fprintf(&b, "    %s_temp_path %s/temp/%s;\n", kind, l.Dir, kind)
	}
	if err := tpl.Execute(&b, d); err != nil {
		return err
	}
	b.WriteString("\n}\n")
	return os.WriteFile(l.Conf, []byte(b.String()), 0o644)
}

// request sends the scenario's requests through nginx (bounded), so that
// nginx logs the failure as a user's request would make it.
func (l *Lab) request(ctx context.Context, s Scenario) {
	paths := s.Paths
	if len(paths) == 0 {
		paths = []string{"/", "/", "/"}
	}
	for _, p := range paths {
		_, _ = Get(ctx, l.Port, p)
	}
}

// save writes the state file `lab status` and `lab stop` read.
func (l *Lab) save() error {
	b, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(l.Dir, stateFile), b, 0o644)
}

// errNotLab: a directory that looks like a lab's but is not this user's.
var errNotLab = errors.New("not a lab directory of this user")

// Running lists the labs this user started that are still recorded,
// oldest first: directories named like a lab's in the temp directory,
// owned by this user and writable by no one else, with a state file.
func Running() ([]*Lab, error) {
	dirs, err := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
	if err != nil {
		return nil, err
	}
	var out []*Lab
	for _, d := range dirs {
		l, err := Load(d)
		if err != nil {
			continue // another user's, half-made or not a lab: leave it alone
		}
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b *Lab) int { return a.Started.Compare(b.Started) })
	return out, nil
}

// Load reads the lab in dir, refusing one this user does not own: its
// pids must not be trusted from a file someone else could write.
func Load(dir string) (*Lab, error) {
	for _, p := range []string{dir, filepath.Join(dir, stateFile)} {
		st, err := os.Lstat(p)
		if err != nil {
			return nil, err
		}
		sys, ok := st.Sys().(*syscall.Stat_t)
		if !ok || int(sys.Uid) != os.Geteuid() || st.Mode().Perm()&0o022 != 0 || st.Mode()&os.ModeSymlink != 0 {
			return nil, fmt.Errorf("%s: %w", p, errNotLab)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil {
		return nil, err
	}
	var l Lab
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if l.Dir != dir {
		return nil, fmt.Errorf("%s: the state file names %s: %w", dir, l.Dir, errNotLab)
	}
	return &l, nil
}
