package errlog

import (
	"strings"
	"unsafe"
)

// mayMatter reports whether an entry needs a full parse for Summarize: it
// may be one of ngx502's own requests, or Classify may give it a Kind.
// False is a proof: every rule of Classify (kind.go, rules.go) that
// returns a Kind needs one of these texts in the message or action, which
// are substrings of the entry, or an [emerg] level. Keep the two in step:
// a new rule that fires without "upstream" in the entry adds its marker
// here (TestPrefilterAgreesWithClassify and FuzzPrefilter check).
func mayMatter(raw []byte, h *header) bool {
	if h.level == "emerg" || messageMayMatter(raw[min(h.msg, len(raw)):]) {
		return true // config errors at load; the rules anchored on the message start
	}
	// a string view, no copy ([]byte(m) of a marker longer than 32 bytes
	// would be allocated on every line that reaches the loop), from the
	// byte before the message: no text sought can be in the header
	s := unsafe.String(unsafe.SliceData(raw), len(raw))[max(0, min(h.msg, len(raw))-1):]
	if strings.Contains(s, "upstream") {
		return true // every upstream phase and message
	}
	for _, m := range [...]string{
		"resolv",                            // resolverRule: "resolving", "... could not be resolved", "no resolver"
		"worker_connections are not enough", // resourceRule
		" protocol requires SSL support",    // configRule
		"proxying upgraded connection",      // actUpgrade, Classify's bodyKind
		"ngx502-probe=",                     // logfile.ProbeMarker: Summarize drops the entry
	} {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

// messageMayMatter checks the rules anchored at the start of the message
// that need no "upstream": connectRule, resourceRule, resolverRule,
// tlsRule, sentRule, fastcgiRule and configRule; and, first, the usual
// "upstream ..." messages, which spares them the search of the line.
// The usual prefixes are compared with constants (word compares); has
// (a memequal call) is left to the rare ones.
func messageMayMatter(msg []byte) bool {
	if len(msg) == 0 {
		return false
	}
	switch msg[0] {
	case 'u':
		return len(msg) >= len("upstream") && string(msg[:len("upstream")]) == "upstream" ||
			has(msg, "unexpected DNS response")
	case 'c':
		return len(msg) >= len("connect() to ") && string(msg[:len("connect() to ")]) == "connect() to " ||
			len(msg) >= len("connect() failed") && string(msg[:len("connect() failed")]) == "connect() failed"
	case 'k':
		return has(msg, "kevent() reported that connect() failed")
	case 's':
		return has(msg, "socket() failed")
	case 'a':
		return has(msg, "accept4() failed") || has(msg, "accept() failed")
	case 'n':
		return has(msg, "no live upstreams")
	case 'D':
		return has(msg, "DNS error (")
	case 'w':
		return has(msg, "wrong ident ")
	case 'S':
		return has(msg, "SSL_set_tlsext_host_name(")
	case 'm':
		return has(msg, "memcached sent invalid")
	case 'F':
		return has(msg, "FastCGI sent in stderr")
	case 'i':
		return has(msg, "invalid URL prefix in")
	}
	return false
}

// has is bytes.HasPrefix(b, []byte(p)) without the conversion.
func has(b []byte, p string) bool {
	return len(b) >= len(p) && string(b[:len(p)]) == p
}
