package ui

import "charm.land/bubbles/v2/key"

// keyMap is every key the wizard answers to. Bindings that do not apply
// at the moment are disabled by syncKeys, so the help bar never offers a
// key that would do nothing.
type keyMap struct {
	Up       key.Binding
	Down     key.Binding
	Run      key.Binding
	All      key.Binding
	Learn    key.Binding
	Follow   key.Binding // stream new error-log lines into the step and the verdict
	Restart  key.Binding
	Test     key.Binding // run nginx -t once the admin agrees (config not root's own)
	PageUp   key.Binding
	PageDown key.Binding
	Help     key.Binding
	Quit     key.Binding
	Cancel   key.Binding // ctrl+c: cancel probes, then quit

	// Confirm dialog.
	Next key.Binding
	Yes  key.Binding
	No   key.Binding

	// Quiz (lab start --quiz): the cause list and the result pane.
	Answer   key.Binding
	QuizUp   key.Binding
	QuizDown key.Binding
	Pick     key.Binding
	Back     key.Binding
}

// defaultKeyMap returns the wizard's keys with their help text.
func defaultKeyMap() keyMap {
	return keyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", "step")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("k/j", "step")),
		Run:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "run")),
		All:      key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "all")),
		Learn:    key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "learn")),
		Follow:   key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "follow log")),
		Restart:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "restart…")),
		Test:     key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "nginx -t…"), key.WithDisabled()),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "scroll up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "scroll down")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:     key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		Cancel:   key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "cancel probes")),
		Next:     key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next action"), key.WithDisabled()),
		Yes:      key.NewBinding(key.WithKeys("y", "enter"), key.WithHelp("y/enter", "run it"), key.WithDisabled()),
		No:       key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "cancel"), key.WithDisabled()),
		Answer:   key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "answer"), key.WithDisabled()),
		QuizUp:   key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", "choose"), key.WithDisabled()),
		QuizDown: key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("k/j", "choose"), key.WithDisabled()),
		Pick:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "pick"), key.WithDisabled()),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back"), key.WithDisabled()),
	}
}

// ShortHelp is the one-line help bar.
func (k keyMap) ShortHelp() []key.Binding {
	if k.No.Enabled() {
		return []key.Binding{k.Yes, k.Next, k.No, k.Quit}
	}
	if k.Back.Enabled() {
		// The quiz's list or result has the focus.
		return []key.Binding{k.QuizUp, k.Pick, k.PageDown, k.Back, k.Help, k.Quit}
	}
	short := []key.Binding{k.Up, k.Run, k.All, k.Learn, k.Answer, k.Follow, k.Restart, k.Test, k.Help, k.Quit}
	if k.Cancel.Help().Desc != "quit" {
		// While probes run, say how to stop them.
		short = append(short, k.Cancel)
	}
	return short
}

// FullHelp is the expanded help shown after "?".
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.Run, k.All},
		{k.Learn, k.Follow, k.Restart, k.Test, k.PageUp, k.PageDown},
		{k.Yes, k.Next, k.No},
		{k.Answer, k.QuizUp, k.Pick, k.Back},
		{k.Help, k.Cancel, k.Quit},
	}
}
