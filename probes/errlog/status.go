package errlog

import "strings"

// Status returns the client status nginx gave for this failure: 502, 504, 500, 404 (403), 0 unknown (see §1).
// It is the status when this attempt was the last one: with several peers
// or a reused keepalive connection nginx may retry and the client gets
// whatever the next attempt gives.
func Status(e Entry) int { return statusOf(&e, classify(&e)) }

// statusOf is Status for an entry already classified as k.
func statusOf(e *Entry, k Kind) int {
	m := e.Message
	switch k {
	case KindTimeout:
		if !strings.HasPrefix(m, "upstream timed out") {
			return 502 // errno 110 from the kernel is FT_ERROR, not nginx's timer
		}
		switch e.Action {
		case actConnect, actSSL, actSend, actHeader:
			return 504
		}
		return 0
	case KindRefused, KindClosed, KindReset, KindHeaderTooBig, KindNoLive, KindSocketMissing,
		KindSocketPermission, KindPermission, KindTLS, KindUnreachable, KindBusy:
		return 502
	case KindPortExhaustion:
		if strings.HasPrefix(m, "bind(") {
			return 500 // ngx_event_connect_peer returned NGX_ERROR
		}
		return 502
	case KindInvalidResponse:
		if strings.HasPrefix(m, "upstream sent no valid HTTP/1.0 header") {
			return 0 // relayed as HTTP/0.9: access log says 009, the client sees garbage
		}
		return 502
	case KindResolver:
		if e.CID != 0 {
			return 502
		}
		return 0 // resolver socket messages precede the request's own line
	case KindTooManyFiles, KindConfig:
		if e.Level == "emerg" || e.CID == 0 && e.Action != actConnect {
			return 0 // start-up, reload or accept time: no request got an answer
		}
		return 500
	case KindFastCGI:
		return fastcgiStatus(m)
	}
	return 0
}

// fastcgiStatus: stderr output is not itself a failure; the client gets
// what the application (php-fpm) answered for these well-known cases.
func fastcgiStatus(m string) int {
	switch {
	case strings.Contains(m, "Primary script unknown"), strings.Contains(m, "Unable to open primary script"):
		return 404
	case strings.Contains(m, "Access to the script"):
		return 403
	case strings.Contains(m, "PHP Fatal error"):
		return 500
	}
	return 0
}
