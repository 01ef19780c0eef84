package ui

import (
	"encoding/json"
	"fmt"
	"io"

	"ngx502/steps"
)

// WriteEvent prints one live event of `report --follow`: a JSON object on
// its own line for --format json (JSON lines, for jq and log shippers),
// else one sanitised text line.
func WriteEvent(w io.Writer, ev steps.Event, format string) error {
	if format == "json" {
		b, err := json.Marshal(ev)
		if err != nil {
			return fmt.Errorf("encode event: %w", err)
		}
		_, err = fmt.Fprintf(w, "%s\n", escapeTerminalRunes(b))
		return err
	}
	_, err := fmt.Fprintln(w, clean(ev.String()))
	return err
}
