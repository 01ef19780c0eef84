package steps

// CauseID is a stable identifier of a 502 cause; the JSON report uses it.
// IDs are never renamed, only added.
type CauseID string

// Cause IDs (ARCHITECTURE.md lists how the verdict uses them).
const (
	CauseRefused        CauseID = "upstream-refused"
	CauseTimeout        CauseID = "upstream-timeout"
	CauseClosed         CauseID = "upstream-closed"
	CauseReset          CauseID = "upstream-reset"
	CauseHeaderTooBig   CauseID = "header-too-big"
	CauseInvalid        CauseID = "invalid-response"
	CauseNoLive         CauseID = "no-live-upstreams"
	CauseSocketMissing  CauseID = "socket-missing"
	CauseSocketPerm     CauseID = "socket-permission"
	CauseSELinux        CauseID = "selinux-denied"
	CauseResolver       CauseID = "resolver-failed"
	CauseTLS            CauseID = "tls-handshake"
	CauseFastCGI        CauseID = "fastcgi-error"
	CauseLocalhostIPv6  CauseID = "localhost-ipv6"
	CauseKeepalive      CauseID = "keepalive-misconfig"
	CauseConfigInvalid  CauseID = "config-invalid"
	CauseTooManyFiles   CauseID = "too-many-open-files"
	CausePortExhaustion CauseID = "port-exhaustion"
	CauseNginxDown      CauseID = "nginx-down"
	CauseHealthy        CauseID = "healthy"
	// Added beyond the first list.
	CauseUnreachable    CauseID = "upstream-unreachable"
	CauseBodyTruncated  CauseID = "body-truncated"
	CauseUpstreamStatus CauseID = "upstream-status"
	CauseBusy           CauseID = "upstream-busy"
	CauseConfigStale    CauseID = "config-not-loaded"
	CauseOther          CauseID = "other-upstream"
	CauseUnknown        CauseID = "unknown"
	CauseIncomplete     CauseID = "incomplete"
	CauseNginx5xx       CauseID = "nginx-5xx"
)

// Cause explains one cause ID to a person.
type Cause struct {
	ID      CauseID
	Title   string
	Explain string
	Fix     string // generic fix; findings carry a concrete one
}

// causeCatalogue is built per call: no package-level mutable state.
func causeCatalogue() map[CauseID]Cause {
	list := []Cause{
		{CauseRefused, "connection refused: nothing listens on the upstream address",
			"The backend host answered, but no process accepts connections on that port or socket.",
			"start the service that should listen there, or fix the address in the *_pass directive"},
		{CauseTimeout, "the upstream did not answer in time (504)",
			"nginx's own timer expired while connecting, sending or waiting for the response header.",
			"find out why the backend is slow (busy workers, blocked database) or raise proxy_read_timeout for that location"},
		{CauseClosed, "the upstream closed the connection before answering",
			"The backend accepted the request and then closed the connection: a crash, an OOM kill, a worker timeout or a stale keepalive connection.",
			"read the backend's own log at the same time; restart it if it is wedged"},
		{CauseReset, "the upstream reset the connection",
			"The backend (or something in between) sent a TCP RST while nginx was talking to it.",
			"read the backend's own log; check keepalive timeouts and crashes"},
		{CauseHeaderTooBig, "the upstream's response header is larger than nginx's buffer",
			"Status line and headers must fit in proxy_buffer_size (4k/8k by default): big cookies, JWTs or CSP headers overflow it.",
			"raise proxy_buffer_size (and proxy_buffers/proxy_busy_buffers_size) for that location, or shrink the headers"},
		{CauseInvalid, "the upstream did not send a valid HTTP response",
			"The backend answered with bytes nginx cannot parse: another protocol on that port, an invalid header, bad chunking.",
			"point *_pass at the right port and protocol, or fix the header the backend sends"},
		{CauseNoLive, "no live upstreams: every server of the group is marked down",
			"After max_fails failures nginx stops trying a server for fail_timeout; when all are out, it answers 502 at once.",
			"fix the servers the earlier errors name; nginx retries them after fail_timeout"},
		{CauseSocketMissing, "the upstream's unix socket does not exist",
			"nginx connects to a socket file that is not there: the backend is not running or listens on another path.",
			"start the backend, or point *_pass at the socket path it really creates"},
		{CauseSocketPerm, "nginx may not connect to the upstream's unix socket",
			"The nginx worker user needs write permission on the socket and search permission on every parent directory.",
			"make the socket writable by nginx's worker user (php-fpm: listen.owner/listen.group/listen.mode)"},
		{CauseSELinux, "SELinux (or another LSM) denies nginx's connection",
			"connect() failed with EACCES on a TCP address: on RHEL-family hosts SELinux blocks httpd from network connects.",
			"sudo setsebool -P httpd_can_network_connect 1"},
		{CauseResolver, "the upstream's name does not resolve",
			"nginx could not resolve the backend name (no resolver, resolver down, wrong name).",
			"fix the name, or add a working resolver directive"},
		{CauseTLS, "the TLS handshake with the upstream fails",
			"https:// to a plain port, missing SNI, or certificate verification failing.",
			"match the scheme to the backend; set proxy_ssl_server_name on and proxy_ssl_name"},
		{CauseFastCGI, "the FastCGI backend failed",
			"php-fpm (or another FastCGI server) ended the request without a valid response.",
			"read php-fpm's log; check SCRIPT_FILENAME and the pool's limits"},
		{CauseLocalhostIPv6, "the upstream's name has an address the backend does not listen on (localhost: 127.0.0.1 vs ::1)",
			"nginx resolved the name to IPv4 and IPv6 addresses at start-up and tries them in turn; the backend listens on one family only, so every try of the other fails.",
			"write the address that answers (127.0.0.1:PORT or [::1]:PORT) instead of the name in *_pass, or make the backend listen on both"},
		{CauseKeepalive, "upstream keepalive does not work as configured",
			"nginx keeps idle connections to an upstream{} with keepalive only over HTTP/1.1 with an empty Connection header; and a backend that closes idle connections sooner than nginx's keepalive_timeout races nginx, which then sends requests on connections being closed (\"upstream prematurely closed connection\", resets).",
			`add "proxy_http_version 1.1;" and "proxy_set_header Connection \"\";" to the location; keep keepalive_timeout in upstream{} below the backend's idle timeout`},
		{CauseConfigInvalid, "nginx's configuration does not load",
			"nginx -t fails: a reload would be refused and a restart would take the site down.",
			"fix the error nginx -t reports at the file:line it names, then run nginx -t again"},
		{CauseTooManyFiles, "nginx ran out of file descriptors",
			"Each proxied request uses two descriptors; the worker hit its limit (500s).",
			"raise worker_rlimit_nofile and LimitNOFILE for nginx"},
		{CausePortExhaustion, "no free local ports to reach the upstream",
			"Without upstream keepalive every request opens a new connection; TIME_WAIT sockets use up the port range.",
			"enable upstream keepalive (keepalive, proxy_http_version 1.1, Connection \"\")"},
		{CauseNginxDown, "nginx is not running",
			"No nginx master process was found on this box.",
			"start nginx after nginx -t passes"},
		{CauseHealthy, "no cause of 502 found",
			"The error log is quiet in the window, every upstream answered and the config loads.",
			"if users still see 502, it may come from a proxy or load balancer in front of or behind nginx"},
		{CauseUnreachable, "the upstream host is unreachable",
			"The kernel found no route to the backend (host down, firewall reject, stale IP).",
			"check the backend host, its IP and the firewall between"},
		{CauseBodyTruncated, "responses were cut off after the header",
			"The backend failed while sending the body: the client got a truncated response, not a 502.",
			"read the backend's log; check proxy_read_timeout for long responses"},
		{CauseUpstreamStatus, "the upstream itself answers with an error status",
			"nginx passes the backend's own 502/503/504 through unchanged and logs nothing.",
			"look behind nginx: the backend or a proxy it calls is failing"},
		{CauseBusy, "the upstream's accept queue is full",
			"connect() to a unix socket failed with EAGAIN: the backend accepts no more connections (php-fpm at pm.max_children, small listen backlog).",
			"raise pm.max_children (or the backend's worker count) and listen.backlog; find what keeps the workers busy"},
		{CauseConfigStale, "nginx runs an older config than the one on disk",
			"The config files changed after nginx last loaded them: the running nginx still uses the old addresses.",
			"reload nginx (after nginx -t passes)"},
		{CauseOther, "other upstream errors", "nginx logged upstream errors of a rarer kind.", "read the sample lines"},
		{CauseUnknown, "could not determine the cause", "Not enough evidence could be gathered.", "run with sudo so every check can run"},
		{CauseNginx5xx, "nginx answers 502/504 on a route, and no log ngx502 read says why",
			"A request through nginx itself came back 502/504, but neither nginx's error log nor a direct probe of the upstream explains it.",
			"read the error log of that server block and the backend's own log for the same moment"},
		{CauseIncomplete, "the checks did not finish, so nothing is ruled out",
			"Some steps were cancelled or ran out of time before they looked at everything; what they did see shows no cause.",
			"run ngx502 again and let every step finish (raise --timeout for slow upstreams)"},
	}
	m := make(map[CauseID]Cause, len(list))
	for _, c := range list {
		m[c.ID] = c
	}
	return m
}

// CauseOf returns the catalogue entry of a cause ID.
func CauseOf(id CauseID) Cause {
	if c, ok := causeCatalogue()[id]; ok {
		return c
	}
	return Cause{ID: id, Title: string(id)}
}
