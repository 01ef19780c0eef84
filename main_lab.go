package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"ngx502/lab"
	"ngx502/probes/filetrust"
	"ngx502/steps"
	"ngx502/ui"
)

// demoScenario is the lab `ngx502 demo` opens: the classic 502.
const demoScenario = "upstream-down"

const labUsage = `ngx502 lab: real broken nginx setups to practise on (127.0.0.1 only)

  ngx502 lab list           the scenarios
  ngx502 lab start NAME     start one: a real nginx + the broken backend, then the command to investigate
  ngx502 lab start NAME --quiz   …and open the wizard with the verdict hidden until you name the cause
  ngx502 lab status         the labs running, their ports and processes
  ngx502 lab check NAME     after you fixed it by hand: is the 502 gone?
  ngx502 lab stop [NAME]    stop the labs (all, or NAME's) and remove their directories
  ngx502 demo               start a lab, open the wizard on it, stop it on exit
`

// labCommand runs `ngx502 lab …`.
func labCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, labUsage)
		return exitOK
	}
	ctx, stop := interruptible(context.Background(), stderr)
	defer stop()
	sub, rest := args[0], args[1:]
	quiz := false
	if sub == "start" {
		rest = slices.DeleteFunc(rest, func(a string) bool {
			if a == "--quiz" {
				quiz = true
			}
			return a == "--quiz"
		})
	}
	want := map[string]int{"list": 0, "status": 0, "start": 1, "check": 1, "stop": -1}
	n, ok := want[sub]
	switch {
	case !ok:
		fmt.Fprintf(stderr, "ngx502 lab: unknown command %q\n\n%s", sub, labUsage)
		return exitUsage
	case n >= 0 && len(rest) != n, n < 0 && len(rest) > 1:
		fmt.Fprintf(stderr, "ngx502 lab %s: wrong arguments %q\n\n%s", sub, rest, labUsage)
		return exitUsage
	}
	switch sub {
	case "list":
		return labList(stdout)
	case "status":
		return labStatus(stdout, stderr)
	case "stop":
		return labStop(rest, stdout, stderr)
	case "check":
		return labCheck(ctx, rest[0], stdout, stderr)
	}
	if quiz && !ui.Interactive() {
		fmt.Fprintln(stderr, "ngx502 lab: --quiz needs a terminal")
		return exitUsage
	}
	l, code := labStart(ctx, rest[0], stderr)
	if l == nil {
		return code
	}
	printLab(stdout, l)
	if quiz {
		return labQuiz(ctx, l, stderr)
	}
	return code
}

// labQuiz opens the wizard on lab l with the verdict hidden until the
// learner picks a cause; the lab keeps running afterwards.
func labQuiz(ctx context.Context, l *lab.Lab, stderr io.Writer) int {
	s, _ := lab.Find(l.Scenario)
	kase, err := steps.Discover(ctx, labOptions(l, 5*time.Second))
	if err != nil {
		fmt.Fprintln(stderr, "ngx502 lab:", err)
		return exitUsage
	}
	if _, err := ui.Run(ctx, kase, ui.Options{NoColor: os.Getenv("NO_COLOR") != "", Quiz: true, QuizAnswer: s.Cause}); err != nil {
		fmt.Fprintln(stderr, "ngx502 lab:", err)
		return exitUsage
	}
	return exitOK
}

func labList(w io.Writer) int {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, s := range lab.Scenarios() {
		root := ""
		if s.Root || s.Hosts != "" {
			root = " (root)"
		}
		fmt.Fprintf(tw, "%s\t%s%s\n", s.Name, s.Summary, root)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nngx502 lab start NAME starts one.")
	return exitOK
}

// labStart starts scenario name with the installed nginx.
func labStart(ctx context.Context, name string, stderr io.Writer) (*lab.Lab, int) {
	s, err := lab.Find(name)
	if err != nil {
		fmt.Fprintln(stderr, "ngx502 lab:", err)
		return nil, exitUsage
	}
	bin, err := labNginx()
	if err != nil {
		fmt.Fprintln(stderr, "ngx502 lab:", err)
		return nil, exitUsage
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(stderr, "ngx502 lab: cannot find this program to run the backends:", err)
		return nil, exitUsage
	}
	l, err := lab.Start(ctx, s, lab.Options{Nginx: bin, Self: self})
	if err != nil {
		fmt.Fprintln(stderr, "ngx502 lab:", err)
		return nil, exitUsage
	}
	return l, exitOK
}

// labNginx is the installed nginx; a binary that root would run must be
// root's own.
func labNginx() (string, error) {
	bin, err := exec.LookPath("nginx")
	if err != nil {
		bin = "/usr/sbin/nginx"
	}
	if _, err := os.Stat(bin); err != nil {
		return "", errors.New("nginx is not installed: sudo apt-get install -y nginx-light")
	}
	if os.Geteuid() == 0 {
		if ok, why := filetrust.Binary(bin); !ok {
			return "", fmt.Errorf("not running %s as root: %s", bin, why)
		}
	}
	return bin, nil
}

func printLab(w io.Writer, l *lab.Lab) {
	s, _ := lab.Find(l.Scenario)
	fmt.Fprintf(w, "lab %s is running: %s\n", l.Scenario, s.Summary)
	fmt.Fprintf(w, "  nginx on 127.0.0.1:%d, files in %s\n", l.Port, l.Dir)
	fmt.Fprintf(w, "  investigate:  %s\n", l.Investigate())
	fmt.Fprintf(w, "  as a user:    curl -sv -H 'Host: lab.test' http://127.0.0.1:%d/\n", l.Port)
	if s.Hint != "" {
		fmt.Fprintf(w, "  hint:         %s\n", s.Hint)
	}
	fmt.Fprintf(w, "  when fixed:   ngx502 lab check %s · done: ngx502 lab stop %s\n", l.Scenario, l.Scenario)
}

func labStatus(stdout, stderr io.Writer) int {
	labs, err := lab.Running()
	if err != nil {
		fmt.Fprintln(stderr, "ngx502 lab:", err)
		return exitUsage
	}
	if len(labs) == 0 {
		fmt.Fprintln(stdout, "no lab is running (ngx502 lab list shows them)")
		return exitOK
	}
	for _, l := range labs {
		fmt.Fprintf(stdout, "%s  127.0.0.1:%d  %s  since %s\n", l.Scenario, l.Port, l.Dir, l.Started.Format("15:04:05"))
		for _, p := range l.Procs {
			state := "running"
			if !p.Alive() {
				state = "gone"
			}
			fmt.Fprintf(stdout, "  pid %-7d %-8s %s\n", p.PID, state, p.What)
		}
	}
	return exitOK
}

func labStop(args []string, stdout, stderr io.Writer) int {
	labs, err := labsNamed(strings.Join(args, ""))
	if err != nil {
		fmt.Fprintln(stderr, "ngx502 lab:", err)
		return exitUsage
	}
	code := exitOK
	for _, l := range labs {
		if err := l.Stop(); err != nil {
			fmt.Fprintf(stderr, "ngx502 lab: stop %s: %v\n", l.Scenario, err)
			code = exitProblem
			continue
		}
		fmt.Fprintf(stdout, "stopped lab %s (%s removed)\n", l.Scenario, l.Dir)
	}
	if len(labs) == 0 {
		fmt.Fprintln(stdout, "no lab to stop")
	}
	return code
}

// labCheck proves a learner's fix the way step 5 proves one: the whole
// triage again, then requests through nginx with both logs followed.
func labCheck(ctx context.Context, name string, stdout, stderr io.Writer) int {
	labs, err := labsNamed(name)
	if err != nil {
		fmt.Fprintln(stderr, "ngx502 lab:", err)
		return exitUsage
	}
	if len(labs) == 0 {
		fmt.Fprintf(stderr, "ngx502 lab: lab %s is not running (ngx502 lab status)\n", name)
		return exitUsage
	}
	l := labs[0]
	kase, err := steps.Discover(ctx, labOptions(l, 3*time.Second))
	if err != nil {
		fmt.Fprintln(stderr, "ngx502 lab check:", err)
		return exitUsage
	}
	rep := steps.RunAll(ctx, kase)
	proof := steps.Verify(ctx, kase, "", 3*time.Second)
	fmt.Fprintf(stdout, "verdict: %s — %s\n%s\n", rep.Verdict.Cause, rep.Verdict.Title, proof.Summary)
	if rep.Verdict.Cause == steps.CauseHealthy && proof.Fixed {
		fmt.Fprintf(stdout, "well done: lab %s is fixed (ngx502 lab stop %s removes it)\n", name, name)
		return exitOK
	}
	fmt.Fprintln(stdout, "not fixed yet: "+l.Investigate()+" shows what is still wrong")
	return exitProblem
}

// labsNamed lists the running labs of scenario name ("" for all).
func labsNamed(name string) ([]*lab.Lab, error) {
	labs, err := lab.Running()
	if err != nil || name == "" {
		return labs, err
	}
	var out []*lab.Lab
	for _, l := range labs {
		if l.Scenario == name {
			out = append(out, l)
		}
	}
	return out, nil
}

// labOptions are the options that inspect lab l, as its investigate
// line says; timeout bounds each probe.
func labOptions(l *lab.Lab, timeout time.Duration) steps.Options {
	return steps.Options{Binary: l.Nginx, Conf: l.Conf, Prefix: l.Prefix(), Timeout: timeout}
}

// demoCommand starts the demo lab, runs the wizard (or the report without
// a terminal) on it and stops the lab whatever happens.
func demoCommand(args []string, stdout, stderr io.Writer) int {
	name := demoScenario
	if len(args) == 1 && !strings.HasPrefix(args[0], "-") {
		name = args[0]
	} else if len(args) > 0 {
		fmt.Fprintln(stderr, "ngx502 demo: takes at most a lab name (ngx502 lab list)")
		return exitUsage
	}
	ctx, stop := interruptible(context.Background(), stderr)
	defer stop()
	fmt.Fprintf(stderr, "ngx502 demo: starting lab %s (a real nginx on 127.0.0.1)…\n", name)
	l, code := labStart(ctx, name, stderr)
	if l == nil {
		return code
	}
	defer func() {
		if err := l.Stop(); err != nil {
			fmt.Fprintln(stderr, "ngx502 demo: stop:", err)
		}
	}()
	o := labOptions(l, 5*time.Second)
	o.AuditLog, o.Verify = steps.DefaultAuditLog(), 5*time.Second
	kase, err := steps.Discover(ctx, o)
	if err != nil {
		fmt.Fprintln(stderr, "ngx502 demo:", err)
		return exitUsage
	}
	if !ui.Interactive() {
		rep := steps.RunAll(ctx, kase)
		if err := ui.Write(stdout, rep, "text"); err != nil {
			fmt.Fprintln(stderr, "ngx502 demo:", err)
			return exitUsage
		}
		return ui.ExitCode(rep)
	}
	rep, err := ui.Run(ctx, kase, ui.Options{NoColor: os.Getenv("NO_COLOR") != ""})
	if err != nil {
		fmt.Fprintln(stderr, "ngx502 demo:", err)
		return exitUsage
	}
	return ui.ExitCode(rep)
}
