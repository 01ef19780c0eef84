package errlog

import "bytes"

// mayMatter reports whether an entry needs a full parse for Summarize: it
// may be one of ngx502's own requests, or Classify may give it a Kind.
// False is a proof: every rule of Classify (kind.go, rules.go) that
// returns a Kind needs one of these texts in the message or action, which
// are substrings of the entry, or an [emerg] level. Keep the two in step:
// a new rule that fires without "upstream" in the entry adds its marker
// here (TestPrefilterAgreesWithClassify and FuzzPrefilter check).
func mayMatter(raw []byte, h header) bool {
	if h.level == "emerg" || messageMayMatter(raw[min(h.msg, len(raw)):]) {
		return true // config errors at load; the rules anchored on the message start
	}
	if bytes.Contains(raw, []byte("upstream")) {
		return true // every upstream phase and message
	}
	for _, m := range [...]string{
		"resolv",                            // resolverRule: "resolving", "... could not be resolved", "no resolver"
		"worker_connections are not enough", // resourceRule
		" protocol requires SSL support",    // configRule
		"proxying upgraded connection",      // actUpgrade, Classify's bodyKind
		"ngx502-probe=",                     // logfile.ProbeMarker: Summarize drops the entry
	} {
		if bytes.Contains(raw, []byte(m)) {
			return true
		}
	}
	return false
}

// messageMayMatter checks the rules anchored at the start of the message
// that need no "upstream": connectRule, resourceRule, resolverRule,
// tlsRule, sentRule, fastcgiRule and configRule; and, first, the usual
// "upstream ..." messages, which spares them the search of the line.
func messageMayMatter(msg []byte) bool {
	if len(msg) == 0 {
		return false
	}
	var prefixes []string
	switch msg[0] {
	case 'c':
		prefixes = []string{"connect() failed", "connect() to "}
	case 'k':
		prefixes = []string{"kevent() reported that connect() failed"}
	case 's':
		prefixes = []string{"socket() failed"}
	case 'a':
		prefixes = []string{"accept4() failed", "accept() failed"}
	case 'u':
		prefixes = []string{"upstream", "unexpected DNS response"}
	case 'n':
		prefixes = []string{"no live upstreams"}
	case 'D':
		prefixes = []string{"DNS error ("}
	case 'w':
		prefixes = []string{"wrong ident "}
	case 'S':
		prefixes = []string{"SSL_set_tlsext_host_name("}
	case 'm':
		prefixes = []string{"memcached sent invalid"}
	case 'F':
		prefixes = []string{"FastCGI sent in stderr"}
	case 'i':
		prefixes = []string{"invalid URL prefix in"}
	}
	for _, p := range prefixes {
		if bytes.HasPrefix(msg, []byte(p)) {
			return true
		}
	}
	return false
}
