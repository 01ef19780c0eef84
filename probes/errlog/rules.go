package errlog

import "strings"

// byRules runs the rules in order after the phase checks of Classify; the
// first that recognises the entry decides. Most specific patterns come
// first (§7).
func byRules(e *Entry) (Kind, bool) {
	for i := range nRules {
		if k, ok := rule(i, e); ok {
			return k, true
		}
	}
	return "", false
}

// nRules is the number of rules of byRules.
const nRules = 10

// rule runs rule i of the ordered list. Static calls, not a slice of
// funcs: calling through a func value makes e escape, and the scanners
// would allocate an Entry per line.
func rule(i int, e *Entry) (Kind, bool) {
	switch i {
	case 0:
		return connectRule(e)
	case 1:
		return resourceRule(e)
	case 2:
		return noLiveRule(e)
	case 3:
		return closedRule(e)
	case 4:
		return resolverRule(e)
	case 5:
		return tlsRule(e)
	case 6:
		return ioRule(e)
	case 7:
		return sentRule(e)
	case 8:
		return fastcgiRule(e)
	case 9:
		return configRule(e)
	}
	return "", false
}

// isUnix reports whether the failing peer is a unix-domain socket.
func isUnix(e *Entry) bool {
	return strings.HasPrefix(e.Message, "connect() to unix:") || strings.Contains(e.Upstream, "://unix:")
}

// connectRule: "connect() failed", "connect() to <peer> failed" and the BSD
// "kevent() reported that connect() failed", all decided by errno.
func connectRule(e *Entry) (Kind, bool) {
	m := e.Message
	if !strings.HasPrefix(m, "connect() failed") && !strings.HasPrefix(m, "connect() to ") &&
		!strings.HasPrefix(m, "kevent() reported that connect() failed") {
		return "", false
	}
	return ConnectKind(e.Errno, isUnix(e)), true
}

// ConnectKind is the cause of a connect() that failed with errno (to a
// unix socket or not): the one errno → cause table, shared by this log
// reader and the probes that make the same connect. KindOther when errno
// says nothing nginx-specific.
func ConnectKind(errno int, unix bool) Kind {
	switch errno {
	case eCONNREFUSED:
		return KindRefused
	case eNOENT:
		if unix {
			return KindSocketMissing
		}
	case eACCES, ePERM:
		if unix {
			return KindSocketPermission
		}
		return KindPermission
	case eAGAIN:
		if unix {
			return KindBusy
		}
	case eADDRNOTAVAIL, eADDRINUSE:
		return KindPortExhaustion
	case eNETDOWN, eNETUNREACH, eHOSTDOWN, eHOSTUNREACH:
		return KindUnreachable
	case eTIMEDOUT:
		return KindTimeout // the kernel gave up on the SYN: 502, see Status
	case eCONNRESET:
		return KindReset
	case eMFILE, eNFILE:
		return KindTooManyFiles
	}
	return KindOther
}

// resourceRule: descriptor and connection-table exhaustion, proxy_bind.
func resourceRule(e *Entry) (Kind, bool) {
	m := e.Message
	switch {
	case strings.Contains(m, "worker_connections are not enough"):
		return KindTooManyFiles, true
	case strings.HasPrefix(m, "socket() failed"):
		if e.Errno == eMFILE || e.Errno == eNFILE {
			return KindTooManyFiles, true
		}
		return KindOther, true
	case strings.HasPrefix(m, "accept4() failed"), strings.HasPrefix(m, "accept() failed"):
		if e.Errno == eMFILE || e.Errno == eNFILE {
			return KindTooManyFiles, true
		}
		return KindNone, true // other accept errors concern clients
	case strings.HasPrefix(m, "bind(") && e.Action == actConnect:
		if e.Errno == eADDRINUSE {
			return KindPortExhaustion, true // every local port of the proxy_bind address in use
		}
		return KindConfig, true // proxy_bind address not local or invalid
	}
	return "", false
}

// noLiveRule: every server of the group is failed, down or at max_conns.
func noLiveRule(e *Entry) (Kind, bool) {
	if strings.HasPrefix(e.Message, "no live upstreams") {
		return KindNoLive, true
	}
	return "", false
}

// closedRule: EOF from the backend. A FastCGI END_REQUEST mid-body only
// truncates; "prematurely sent response" means bytes before the request.
func closedRule(e *Entry) (Kind, bool) {
	m := e.Message
	switch {
	case strings.HasPrefix(m, "upstream prematurely closed FastCGI request"):
		return KindTruncated, true
	case strings.HasPrefix(m, "upstream prematurely closed"):
		return KindClosed, true
	case strings.HasPrefix(m, "upstream prematurely sent response"):
		return KindInvalidResponse, true
	}
	return "", false
}

// resolverRule: nginx's own DNS client (ngx_resolver.c), run-time only.
func resolverRule(e *Entry) (Kind, bool) {
	m := e.Message
	switch {
	case strings.HasPrefix(e.Action, actResolve),
		strings.HasPrefix(m, "no resolver defined to resolve"),
		strings.Contains(m, " could not be resolved"),
		strings.HasPrefix(m, "unexpected DNS response"),
		strings.HasPrefix(m, "DNS error ("),
		strings.HasPrefix(m, "wrong ident "):
		return KindResolver, true
	}
	return "", false
}

// tlsRule: TLS towards the backend (client-side handshakes were excluded).
func tlsRule(e *Entry) (Kind, bool) {
	m := e.Message
	if e.Action == actSSL || strings.HasPrefix(m, "upstream SSL certificate") ||
		strings.HasPrefix(m, "SSL_set_tlsext_host_name(") {
		return KindTLS, true
	}
	return "", false
}

// ioRule: read/write failures on an established upstream connection.
func ioRule(e *Entry) (Kind, bool) {
	m := e.Message
	if !strings.Contains(e.Action, "upstream") {
		return "", false
	}
	io := false
	// the syscall/OpenSSL wrappers of ngx_recv.c, ngx_readv_chain.c, ngx_send.c, ...
	for _, p := range [...]string{"recv()", "readv()", "recvmsg()", "writev()", "send()",
		"sendmsg()", "sendfile()", "SSL_read()", "SSL_write()", "SSL_shutdown()"} {
		if strings.HasPrefix(m, p) {
			io = true
			break
		}
	}
	if !io {
		return "", false
	}
	switch e.Errno {
	case eCONNRESET:
		return KindReset, true
	case ePIPE, eNOTCONN:
		return KindClosed, true
	case eTIMEDOUT:
		return KindTimeout, true
	case eNETDOWN, eNETUNREACH, eHOSTDOWN, eHOSTUNREACH:
		return KindUnreachable, true
	case 0:
		if strings.Contains(m, "unexpected eof") {
			return KindClosed, true // OpenSSL 3 without close_notify, nginx < 1.21.2
		}
		if strings.HasPrefix(m, "SSL_") {
			return KindTLS, true
		}
	}
	return KindOther, true
}

// sentRule: "upstream sent ..." and other protocol complaints about the
// response header; warnings about extra data are benign.
func sentRule(e *Entry) (Kind, bool) {
	m := e.Message
	switch {
	case strings.HasPrefix(m, "upstream sent too big header"),
		strings.HasPrefix(m, "upstream sent too large http2 header"):
		return KindHeaderTooBig, true
	case strings.HasPrefix(m, "upstream rejected request with error"),
		strings.HasPrefix(m, "upstream sent goaway"):
		return KindReset, true
	case strings.HasPrefix(m, "upstream sent response body larger"):
		return KindTruncated, true
	case strings.HasPrefix(m, "upstream sent invalid header"):
		return KindInvalidResponse, true // [info] in 1.21.1-1.21.3 by mistake, still a 502
	case strings.HasPrefix(m, "upstream sent "), strings.HasPrefix(m, "memcached sent invalid"):
		if isSevere(e.Level) && !strings.HasSuffix(m, ", ignored") {
			return KindInvalidResponse, true
		}
		return KindNone, true
	}
	return "", false
}

// fastcgiRule: the FastCGI application wrote to stderr.
func fastcgiRule(e *Entry) (Kind, bool) {
	if strings.HasPrefix(e.Message, "FastCGI sent in stderr") {
		return KindFastCGI, true
	}
	return "", false
}

// configRule: proxy_pass values that cannot work, at load or run time.
func configRule(e *Entry) (Kind, bool) {
	m := e.Message
	switch {
	case strings.HasPrefix(m, "invalid URL prefix in"),
		strings.HasPrefix(m, "no port in upstream"),
		strings.HasPrefix(m, "host not found in upstream"),
		strings.HasPrefix(m, "no upstream configuration"),
		strings.HasSuffix(m, " protocol requires SSL support"),
		strings.Contains(m, ` in upstream "`):
		return KindConfig, true
	}
	return "", false
}
