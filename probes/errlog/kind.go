package errlog

import "strings"

// Kind is the classification of an entry. Its string values ARE the project's cause IDs where one applies.
type Kind string

// Kinds, named after the cause IDs in DESIGN.md.
const (
	KindRefused          Kind = "upstream-refused"     // nothing accepts on the peer (TCP or stale unix socket)
	KindTimeout          Kind = "upstream-timeout"     // nginx's timer (504) or the kernel's (errno 110, 502)
	KindClosed           Kind = "upstream-closed"      // EOF before a complete header, broken pipe
	KindReset            Kind = "upstream-reset"       // RST from the peer, HTTP/2 RST_STREAM/GOAWAY
	KindHeaderTooBig     Kind = "header-too-big"       // response header larger than *_buffer_size
	KindInvalidResponse  Kind = "invalid-response"     // bad header/framing, not HTTP, wrong protocol
	KindNoLive           Kind = "no-live-upstreams"    // every peer of the group is marked failed or down
	KindSocketMissing    Kind = "socket-missing"       // unix socket path does not exist (ENOENT)
	KindSocketPermission Kind = "socket-permission"    // unix socket not writable by the worker (EACCES/EPERM)
	KindPermission       Kind = "selinux-denied"       // TCP connect EACCES/EPERM: an LSM vetoed it
	KindResolver         Kind = "resolver-failed"      // nginx's run-time resolver failed or is missing
	KindTLS              Kind = "tls-handshake"        // TLS to the backend failed or did not verify
	KindFastCGI          Kind = "fastcgi-error"        // the FastCGI app wrote to stderr
	KindTooManyFiles     Kind = "too-many-open-files"  // EMFILE/ENFILE or worker_connections exhausted
	KindPortExhaustion   Kind = "port-exhaustion"      // EADDRNOTAVAIL/EADDRINUSE on connect or bind
	KindUnreachable      Kind = "upstream-unreachable" // no route, network or host down
	KindBusy             Kind = "upstream-busy"        // unix socket accept backlog full (EAGAIN)
	KindConfig           Kind = "config-invalid"       // [emerg] ... in file:line, invalid URL prefix, no port
	KindTruncated        Kind = "body-truncated"       // errors while reading upstream after headers were sent
	KindBackendStatus    Kind = "upstream-status"      // the backend itself answered 5xx (access log only)
	KindOther            Kind = "other-upstream"       // upstream-related but not recognised
	KindNone             Kind = ""                     // not an upstream problem (client-side, notices)
)

// Linux errno numbers nginx prints; matched by number because the text
// differs between glibc, musl and old nginx builds ("Unknown error").
const (
	ePERM         = 1
	eNOENT        = 2
	eAGAIN        = 11
	eACCES        = 13
	eNFILE        = 23
	eMFILE        = 24
	ePIPE         = 32
	eADDRINUSE    = 98
	eADDRNOTAVAIL = 99
	eNETDOWN      = 100
	eNETUNREACH   = 101
	eCONNRESET    = 104
	eNOTCONN      = 107
	eTIMEDOUT     = 110
	eCONNREFUSED  = 111
	eHOSTDOWN     = 112
	eHOSTUNREACH  = 113
)

// Phases of log->action that belong to the upstream before the response
// header reached the client: a failure here is what the client sees.
const (
	actConnect = "connecting to upstream"
	actSSL     = "SSL handshaking to upstream"
	actSend    = "sending request to upstream"
	actHeader  = "reading response header from upstream"
	actBody    = "reading upstream"
	actUpgrade = "proxying upgraded connection"
	actResolve = "resolving"
)

// Classify returns the cause ID for e (ordered patterns per nginx-errors.md §7, keyed on errno number, not text).
// Two fast paths depend on what it reads, so keep them in step with any
// new rule: prefilter.go clears entries no rule can match without parsing
// them (a rule firing without "upstream" in the entry adds its marker
// there), and msgcache.go memoizes Classify and Status on the level,
// message, errno, action, a unix-socket upstream and CID != 0 (a rule
// reading another field adds it to that key).
func Classify(e Entry) Kind { return classify(&e) }

// classify is Classify without copying the entry into every rule.
func classify(e *Entry) Kind {
	m := e.Message
	switch {
	case isClientSide(e):
		return KindNone
	case strings.HasPrefix(m, "upstream server temporarily disabled"):
		return KindNone // companion of the failure logged just before it
	case e.Level == "emerg" && hasConfLocation(m):
		return KindConfig
	case strings.HasPrefix(m, "upstream timed out"):
		return timeoutKind(e)
	case e.Action == actBody || e.Action == actUpgrade:
		return bodyKind(e)
	}
	if k, ok := byRules(e); ok {
		return k
	}
	if isSevere(e.Level) && (strings.Contains(m, "upstream") || strings.Contains(e.Action, "upstream")) {
		return KindOther
	}
	return KindNone
}

// isSevere is true for [error] and worse: nginx's default error_log level.
func isSevere(level string) bool {
	switch level {
	case "emerg", "alert", "crit", "error":
		return true
	}
	return false
}

// isClientSide recognises failures on the client connection, which share
// the file (and often the errno) with upstream ones.
func isClientSide(e *Entry) bool {
	m := e.Message
	if strings.HasPrefix(m, "client ") || strings.Contains(m, "reported that client") {
		return true
	}
	if e.Action == "" || strings.Contains(e.Action, "upstream") || strings.HasPrefix(e.Action, actResolve) {
		return false
	}
	// "SSL handshaking", "reading client request line", "sending to client", ...
	return e.Action != actUpgrade
}

// hasConfLocation reports the " in <file>:<line>" suffix of configuration errors.
func hasConfLocation(m string) bool {
	i := strings.LastIndex(m, " in ")
	if i < 0 {
		return false
	}
	loc := m[i+len(" in "):]
	c := strings.LastIndexByte(loc, ':')
	if c < 1 {
		return false
	}
	_, n, ok := digits(loc, c+1)
	return ok && n == len(loc)
}

// timeoutKind: nginx's own timer. Only before the header was sent is it a 504.
func timeoutKind(e *Entry) Kind {
	switch e.Action {
	case actBody:
		return KindTruncated
	case actUpgrade:
		return KindNone // idle WebSocket closed after proxy_read_timeout ([info])
	}
	return KindTimeout
}

// bodyKind: after the header was sent nothing becomes 502/504, the body is
// cut. Warnings in this phase (buffered to temp file, extra data) are benign.
func bodyKind(e *Entry) Kind {
	if !isSevere(e.Level) {
		return KindNone
	}
	return KindTruncated
}
