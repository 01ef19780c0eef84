// Package ui draws the ngx502 wizard (Bubble Tea v2) and renders the same
// outcomes as a plain text, JSON or Markdown report. It only draws and
// routes keys: what to ask and what the answers mean live in steps.
package ui

import (
	"context"
	"errors"
	"fmt"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"

	"ngx502/steps"
)

// Options tune the wizard.
type Options struct {
	NoColor bool // no colours (NO_COLOR, --no-color); bold and reverse remain
	// AltScreen runs full-window; the default is inline so the answer stays
	// in the scrollback.
	AltScreen bool
	// Quiz hides the verdict until the learner picks the cause they
	// believe (ngx502 lab start NAME --quiz), then says whether it was
	// right, the evidence that decides it and the explanation.
	Quiz bool
	// QuizAnswer is the lab scenario's real cause; "" judges against
	// ngx502's own verdict.
	QuizAnswer steps.CauseID
}

// Run runs the wizard on the terminal until the admin quits, then prints
// the verdict as plain text so it stays in the scrollback. It returns the
// report of whatever ran.
func Run(ctx context.Context, c *steps.Case, o Options) (steps.Report, error) {
	m := newModel(ctx, c, nil, nil)
	m.altScreen = o.AltScreen
	m = m.withQuiz(o)
	opts := []tea.ProgramOption{tea.WithContext(ctx)}
	if o.NoColor {
		opts = append(opts, tea.WithColorProfile(colorprofile.Ascii))
	}
	final, err := tea.NewProgram(m, opts...).Run()
	fm, ok := final.(model)
	if !ok {
		fm = m
	}
	fm.cancel() // stop anything still running in the background
	r := fm.report()
	if len(r.Outcomes) > 0 {
		fmt.Fprint(os.Stdout, fm.quizSummary()+summaryText(r))
	}
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return r, fmt.Errorf("the wizard failed: %w (use `ngx502 report` for plain output)", err)
	}
	if err != nil {
		return r, fmt.Errorf("interrupted: %w", err)
	}
	return r, nil
}

// Interactive reports whether the wizard can run here: stdin and stdout
// are terminals, TERM is not dumb, and /dev/tty opens. Otherwise the
// caller prints the plain report, which is what a pipe or `ssh host
// ngx502` without -t needs.
func Interactive() bool {
	if os.Getenv("TERM") == "dumb" {
		return false
	}
	if !term.IsTerminal(os.Stdin.Fd()) || !term.IsTerminal(os.Stdout.Fd()) {
		return false
	}
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return false
	}
	_ = tty.Close()
	return true
}
