package ui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"ngx502/steps"
)

// picker asks which of several nginx masters to inspect, before the
// wizard starts: each runs its own config, so the answer decides it all.
type picker struct {
	choices []steps.MasterChoice // trusted masters only
	sel     int
	chosen  int // pid; 0 until enter
	width   int
	keys    pickKeys
	st      styles
}

type pickKeys struct{ Up, Down, Pick, Quit key.Binding }

func newPicker(choices []steps.MasterChoice, current int) picker {
	p := picker{width: 80, st: newStyles(true), keys: pickKeys{
		Up:   key.NewBinding(key.WithKeys("up", "k")),
		Down: key.NewBinding(key.WithKeys("down", "j")),
		Pick: key.NewBinding(key.WithKeys("enter")),
		Quit: key.NewBinding(key.WithKeys("q", "esc", "ctrl+c")),
	}}
	for _, c := range choices {
		if c.Trusted {
			if c.PID == current {
				p.sel = len(p.choices)
			}
			p.choices = append(p.choices, c)
		}
	}
	return p
}

func (p picker) Init() tea.Cmd { return tea.RequestBackgroundColor }

func (p picker) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		p.width = msg.Width
	case tea.BackgroundColorMsg:
		p.st = newStyles(msg.IsDark())
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, p.keys.Up):
			p.sel = max(p.sel-1, 0)
		case key.Matches(msg, p.keys.Down):
			p.sel = min(p.sel+1, len(p.choices)-1)
		case key.Matches(msg, p.keys.Pick):
			p.chosen = p.choices[p.sel].PID
			return p, tea.Quit
		case key.Matches(msg, p.keys.Quit):
			return p, tea.Quit
		}
	}
	return p, nil
}

func (p picker) View() tea.View {
	if p.chosen != 0 {
		return tea.NewView("")
	}
	var b strings.Builder
	b.WriteString(p.st.title.Render(fmt.Sprintf(" %d nginx masters run. Which one serves the 502s?", len(p.choices))) + "\n\n")
	for i, c := range p.choices {
		line := fit(" "+clean(c.String()), p.width-3)
		if i == p.sel {
			b.WriteString(p.st.selected.Render("> "+line) + "\n")
		} else {
			b.WriteString("  " + line + "\n")
		}
	}
	b.WriteString("\n" + p.st.muted.Render(" ↑/↓ choose · enter inspect it · q quit  (or pass --pid N / --conf FILE)"))
	return tea.NewView(b.String())
}

// PickMaster asks which trusted master to inspect; current is the one
// discovery chose. It returns 0 when the admin quit without choosing.
func PickMaster(ctx context.Context, choices []steps.MasterChoice, current int, o Options) (int, error) {
	p := newPicker(choices, current)
	if len(p.choices) < 2 {
		return current, nil
	}
	opts := []tea.ProgramOption{tea.WithContext(ctx)}
	if o.NoColor {
		opts = append(opts, tea.WithColorProfile(colorprofile.Ascii))
	}
	final, err := tea.NewProgram(p, opts...).Run()
	if err != nil {
		return 0, fmt.Errorf("choose an nginx master: %w", err)
	}
	if fp, ok := final.(picker); ok {
		return fp.chosen, nil
	}
	return 0, nil
}
