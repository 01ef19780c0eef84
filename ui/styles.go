package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// styles holds every style of the screen under a semantic name, so colour
// decisions live in one place and follow the terminal's background.
type styles struct {
	brand    lipgloss.Style // "ngx502" in the header
	header   lipgloss.Style // the rest of the header line
	verdict  lipgloss.Style // the "VERDICT" label
	cause    lipgloss.Style // the verdict's cause ID and title
	evidence lipgloss.Style
	fix      lipgloss.Style
	rule     lipgloss.Style
	pass     lipgloss.Style
	warn     lipgloss.Style
	fail     lipgloss.Style
	pending  lipgloss.Style
	selected lipgloss.Style // the selected row of the step list
	summary  lipgloss.Style // first line of the detail pane
	muted    lipgloss.Style
	command  lipgloss.Style // "$ …" lines
	spinner  lipgloss.Style
	notice   lipgloss.Style // one-line status such as "probes cancelled"
	dialog   lipgloss.Style // the confirm box
	title    lipgloss.Style // dialog and section titles
	help     help.Styles
}

// newStyles builds the styles for a dark or light background.
func newStyles(isDark bool) styles {
	ld := lipgloss.LightDark(isDark)
	red := ld(lipgloss.Color("#C0262D"), lipgloss.Color("#FF5F5F"))
	green := ld(lipgloss.Color("#1A7F37"), lipgloss.Color("#5FD787"))
	yellow := ld(lipgloss.Color("#9A6700"), lipgloss.Color("#FFD75F"))
	grey := ld(lipgloss.Color("#6E7781"), lipgloss.Color("#8A8A8A"))
	blue := ld(lipgloss.Color("#0550AE"), lipgloss.Color("#87AFFF"))
	accent := ld(lipgloss.Color("#8250DF"), lipgloss.Color("#D7AFFF"))
	selBg := ld(lipgloss.Color("#DDF4FF"), lipgloss.Color("#303A4A"))

	s := styles{
		brand:    lipgloss.NewStyle().Bold(true).Foreground(accent),
		header:   lipgloss.NewStyle().Foreground(grey),
		verdict:  lipgloss.NewStyle().Bold(true).Reverse(true),
		cause:    lipgloss.NewStyle().Bold(true),
		evidence: lipgloss.NewStyle(),
		fix:      lipgloss.NewStyle().Foreground(green),
		rule:     lipgloss.NewStyle().Foreground(grey),
		pass:     lipgloss.NewStyle().Foreground(green),
		warn:     lipgloss.NewStyle().Foreground(yellow),
		fail:     lipgloss.NewStyle().Foreground(red).Bold(true),
		pending:  lipgloss.NewStyle().Foreground(grey),
		selected: lipgloss.NewStyle().Bold(true).Background(selBg),
		summary:  lipgloss.NewStyle().Bold(true),
		muted:    lipgloss.NewStyle().Foreground(grey),
		command:  lipgloss.NewStyle().Foreground(blue),
		spinner:  lipgloss.NewStyle().Foreground(accent),
		notice:   lipgloss.NewStyle().Foreground(yellow),
		dialog: lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).
			BorderForeground(accent).Padding(0, 1),
		title: lipgloss.NewStyle().Bold(true).Foreground(accent),
		help:  help.DefaultStyles(isDark),
	}
	return s
}
