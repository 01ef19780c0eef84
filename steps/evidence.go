package steps

import "time"

// Evidence is the kind of fact a finding rests on. The verdict weighs
// kinds, not numbers: what nginx itself logged for real requests is the
// strongest; a probe can confirm or explain it, never cancel it; a config
// smell alone never names a cause.
type Evidence string

// The four kinds of evidence, strongest first.
const (
	// Observed: nginx itself reported it for real client requests (error-log
	// entries, access-log statuses), with a count and a time; Current when
	// it happened after nginx's last (re)load and is still happening.
	Observed Evidence = "observed"
	// Reproduced: ngx502 made the same failure happen the way nginx would
	// (a probe failing in the same phase with the same errno).
	Reproduced Evidence = "reproduced"
	// Measured: a fact that explains a failure (nothing listens, a socket's
	// mode, a header bigger than the buffer, a config that fails nginx -t).
	Measured Evidence = "measured"
	// Predicted: a config smell, no failure seen (localhost in an upstream,
	// keepalive without HTTP/1.1).
	Predicted Evidence = "predicted"
)

// strength orders kinds for tie-breaks: observed > reproduced > measured >
// predicted.
func (e Evidence) strength() int {
	switch e {
	case Observed:
		return 4
	case Reproduced:
		return 3
	case Measured:
		return 2
	case Predicted:
		return 1
	}
	return 0
}

// recentWindow is how long ago nginx's last report of a failure may be for
// the failure to count as still happening.
const recentWindow = 15 * time.Minute

// Confidence says how far the evidence behind a verdict agrees.
type Confidence string

// Confidence levels: high when nginx's own reports and a probe or
// measurement agree, medium on nginx's reports (or a probe) alone, low on
// a measurement or a prediction alone.
const (
	High   Confidence = "high"
	Medium Confidence = "medium"
	Low    Confidence = "low"
)

func (c Confidence) rank() int {
	switch c {
	case High:
		return 3
	case Medium:
		return 2
	case Low:
		return 1
	}
	return 0
}
