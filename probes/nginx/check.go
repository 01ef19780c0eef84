package nginx

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// TestResult is what `nginx -t` said.
type TestResult struct {
	Argv     []string
	Output   string
	OK       bool
	ExitCode int    // -1 when it did not exit (crashed, killed, never ran)
	Signal   string // "SIGSEGV (segmentation fault)" when nginx -t crashed, else ""
	Problems []Problem
	Err      error // nginx could not be run at all, or was stopped (timeout, cancel)
}

// maxReasonOutput bounds the output quoted by Reason.
const maxReasonOutput = 300

// Reason says in one plain line why the test failed ("" when it passed):
// the crash, else the first emerg/alert/crit problem with its file:line,
// else the first problem, else the trimmed output.
func (r TestResult) Reason() string {
	switch {
	case r.OK:
		return ""
	case r.Err != nil:
		return "nginx -t could not run: " + r.Err.Error()
	case r.Signal != "":
		return "nginx -t crashed with " + r.Signal
	}
	for _, p := range r.Problems {
		if p.Level == "emerg" || p.Level == "alert" || p.Level == "crit" {
			return p.text()
		}
	}
	if len(r.Problems) > 0 {
		return r.Problems[0].text()
	}
	var lines []string
	for line := range strings.Lines(r.Output) {
		if line = strings.TrimSpace(line); line != "" {
			lines = append(lines, line)
		}
	}
	if len(lines) == 0 {
		return fmt.Sprintf("nginx -t exited %d and printed nothing", r.ExitCode)
	}
	out := strings.Join(lines, "; ")
	if len(out) > maxReasonOutput {
		out = strings.ToValidUTF8(out[:maxReasonOutput], "") + "…"
	}
	return out
}

// Problem is one [level] line of `nginx -t` output.
type Problem struct {
	Level   string // emerg, alert, crit, error, warn, notice, info, debug
	Message string // without the trailing " in file:line"
	Where   Where  // zero when the message names no file
}

// text renders the problem as nginx wrote it: "message in file:line".
func (p Problem) text() string {
	if p.Where.IsZero() {
		return p.Message
	}
	return p.Message + " in " + p.Where.String()
}

// TestArgv is the `nginx -t` command line for in, with the master's own
// -c/-p/-g so the test reads what the running nginx would read on reload.
func TestArgv(in Install) []string { return argv(in, "-t") }

// DumpArgv is TestArgv with -T: test, then print every configuration file.
func DumpArgv(in Install) []string { return argv(in, "-T") }

func argv(in Install, flag string) []string {
	a := []string{in.Binary, flag, "-c", in.Conf}
	if in.Prefix != "" {
		a = append(a, "-p", in.Prefix)
	}
	if in.Globals != "" {
		a = append(a, "-g", in.Globals)
	}
	return a
}

// Test runs `nginx -t` (15 s timeout). Beware: it is not read-only — nginx
// opens the pid and log files and may chown temp dirs to the worker user.
func Test(ctx context.Context, in Install) TestResult {
	r := TestResult{Argv: TestArgv(in), ExitCode: -1}
	res, err := run(ctx, 15*time.Second, r.Argv)
	r.Output = string(res.Stderr) + string(res.Stdout)
	r.ExitCode = res.ExitCode
	r.Err = err
	if res.Signal != 0 {
		r.Signal = signalText(res.Signal)
	}
	r.OK = err == nil && res.ExitCode == 0 && r.Signal == ""
	r.Problems = ParseTestOutput(r.Output)
	return r
}

// Dump runs `nginx -T` (15 s timeout) and returns its stdout. nginx prints
// nothing there when the test fails, so that is an error carrying stderr.
func Dump(ctx context.Context, in Install) (string, error) {
	a := DumpArgv(in)
	res, err := run(ctx, 15*time.Second, a)
	if err != nil {
		return "", fmt.Errorf("nginx -T: %w", err)
	}
	if res.Signal != 0 {
		return string(res.Stdout), fmt.Errorf("%s crashed with %s: %s", strings.Join(a, " "), signalText(res.Signal), strings.TrimSpace(string(res.Stderr)))
	}
	if res.ExitCode != 0 {
		return string(res.Stdout), fmt.Errorf("%s exited %d: %s", strings.Join(a, " "), res.ExitCode, strings.TrimSpace(string(res.Stderr)))
	}
	return string(res.Stdout), nil
}

// Both shapes nginx -t uses (src/core/ngx_log.c): the console form and the
// error.log form written when the build's startup log is stderr (Debian).
var (
	consoleLine = regexp.MustCompile(`^nginx: \[(debug|info|notice|warn|error|crit|alert|emerg)\] (.*)$`)
	stampedLine = regexp.MustCompile(`^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} \[(debug|info|notice|warn|error|crit|alert|emerg)\] \d+#\d+: (?:\*\d+ )?(.*)$`)
	inFileLine  = regexp.MustCompile(`^(.*) in (\S.*):(\d+)$`) // greedy: the last " in "
)

// ParseTestOutput extracts the [level] lines of `nginx -t`/`-T` output; the
// "syntax is ok" / "test failed" summary lines are not problems.
func ParseTestOutput(out string) []Problem {
	var ps []Problem
	for line := range strings.Lines(out) {
		line = strings.TrimRight(line, "\r\n")
		m := consoleLine.FindStringSubmatch(line)
		if m == nil {
			m = stampedLine.FindStringSubmatch(line)
		}
		if m == nil {
			continue
		}
		p := Problem{Level: m[1], Message: m[2]}
		if loc := inFileLine.FindStringSubmatchIndex(p.Message); loc != nil {
			n, err := strconv.Atoi(p.Message[loc[6]:loc[7]])
			if err == nil {
				p.Where = Where{File: p.Message[loc[4]:loc[5]], Line: n}
				p.Message = p.Message[:loc[3]]
			}
		} else if msg, ok := strings.CutSuffix(p.Message, " in command line"); ok {
			p.Message, p.Where = msg, Where{File: "command line"}
		}
		ps = append(ps, p)
	}
	return ps
}

// DumpFiles splits `nginx -T` stdout into file path → contents, on the
// "# configuration file PATH:" headers nginx writes before each file (it
// appends one newline after each file, which is removed again).
func DumpFiles(tdump string) map[string]string {
	files := map[string]string{}
	var name string
	var body strings.Builder
	flush := func() {
		if name != "" {
			files[name] = strings.TrimSuffix(body.String(), "\n")
		}
		body.Reset()
	}
	for line := range strings.Lines(tdump) {
		if p, ok := strings.CutPrefix(line, "# configuration file "); ok {
			p = strings.TrimRight(p, "\r\n")
			if strings.HasSuffix(p, ":") && len(p) > 1 {
				flush()
				name = strings.TrimSuffix(p, ":")
				continue
			}
		}
		if name != "" {
			body.WriteString(line)
		}
	}
	flush()
	return files
}
