package steps

// Shared pieces of the explanations: the context nginx appends to a
// request's error-log line, and how the verdict table weighs a cause that
// nginx's log reports.

// logCtx is the tail ngx_http_log_error appends to an entry about a
// request, with the placeholders every explanation uses; upstream "" for
// messages logged before a peer was chosen (resolver errors).
func logCtx(request, upstream string) string {
	s := `, client: 127.0.0.1, server: example.com, request: "` + request + `"`
	if upstream != "" {
		s += `, upstream: "` + upstream + `"`
	}
	return s + `, host: "example.com"`
}

// Placeholder peers, as nginx writes them in upstream: "…".
const (
	peerHTTP = "http://127.0.0.1:8080/api/"
	peerFPM  = "fastcgi://unix:/run/php/php8.2-fpm.sock:"
	reqAPI   = "GET /api/ HTTP/1.1"
	reqPHP   = "GET /index.php HTTP/1.1"
)

// ladder is how the verdict table (rules.go) weighs a cause nginx's error
// log can report, from the strongest evidence to the weakest.
const ladder = `Current log lines (logged after nginx's last reload and within 15 minutes) ` +
	`plus a probe or measurement that agrees are rule "observed and confirmed" (high); ` +
	`the log alone is rule "observed" (medium), or rule "intermittent" (medium) while a probe of the same backend passes; ` +
	`older lines plus a failing probe are rule "logged and failing now" (high), older lines alone rule "recovered" (history, not the verdict). ` +
	`Without log lines a failing probe is rule "failing now" (low), with a measurement rule "failing now, explained" (medium), ` +
	`and a measurement alone rule "measured" (low).`

// logOnly is the ladder of a cause no probe can reproduce.
const logOnly = `Current lines are rule "observed" (medium); older ones rule "recovered" (history, not the verdict).`
