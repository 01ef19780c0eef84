package steps

// networkExplanations: how nginx's connections to backends are made and
// reused (names with two address families, keepalive, ports, descriptors).
func networkExplanations() []Explanation {
	return []Explanation{
		{
			Cause: CauseLocalhostIPv6,
			Meaning: "The backend's name, usually localhost, resolves to both 127.0.0.1 and ::1, and nginx, which resolves a name once when it loads its config, uses every address as a server of its own. " +
				"The backend listens on only one of them (Node 17 and later often binds ::1 only for \"localhost\"), so every try of the other address fails. " +
				"Most requests still succeed because nginx retries the other address, which makes it look random; they get 502 when retries are off (proxy_next_upstream off, proxy_next_upstream_tries 1) or both tries fail.",
			LogLines: []string{
				`[error] 1234#1234: *25 connect() failed (111: Connection refused) while connecting to upstream` + logCtx("GET / HTTP/1.1", "http://[::1]:3000/"),
				`[warn] 1234#1234: *25 upstream server temporarily disabled while connecting to upstream` + logCtx("GET / HTTP/1.1", "http://[::1]:3000/"),
				"# the same request then succeeds on 127.0.0.1:3000, and access.log says 200",
			},
			Decides: "The network step resolves the name as nginx does and connects to each address: two families of which only one accepts is measured evidence, " +
				"and it explains nginx's refused (and unreachable) connects to the other address, so the verdict folds those log lines into this claim: " +
				"with current lines that is rule \"observed and confirmed\" (high), the measurement alone rule \"measured\" (low). " +
				"The config step also flags localhost in a *_pass as a smell (predicted): rule \"a smell only\", a warning, never the verdict.",
			Fix: []string{
				"getent ahosts localhost   # the addresses nginx gets",
				"sudo ss -ltnp 'sport = :3000'   # which address the backend listens on",
				"proxy_pass http://127.0.0.1:3000;   # or http://[::1]:3000 — the address that answers",
				"sudo nginx -t && sudo systemctl reload nginx",
				"or make the backend listen on both (Node: server.listen(3000, '::') accepts IPv4 too on Linux)",
			},
			Learn: "nginx resolves the names in proxy_pass and in upstream{} server lines with getaddrinfo() when it loads its config, and " +
				"\"if a domain name resolves to several addresses, all of them will be used in a round-robin fashion\" (proxy_pass docs). " +
				"curl -g http://[::1]:3000/ and curl http://127.0.0.1:3000/ show which family answers; /etc/hosts decides what localhost means. " +
				"Read: https://nginx.org/r/proxy_pass.",
		},
		{
			Cause: CauseKeepalive,
			Meaning: "Two mistakes with the connections nginx keeps open to an upstream{} group. Before nginx 1.29.7, keepalive in upstream{} works only with proxy_http_version 1.1 and an empty Connection header; " +
				"without them every request opens a new connection and closed ones pile up in TIME_WAIT. " +
				"And when the backend closes idle connections sooner than nginx's keepalive_timeout (60s), nginx now and then sends a request on a connection the backend is closing: " +
				"it fails with a premature close or a reset, and a POST that was already sent is not retried.",
			LogLines: []string{
				`[error] 1234#1234: *33 upstream prematurely closed connection while reading response header from upstream` + logCtx("POST /api/orders HTTP/1.1", "http://127.0.0.1:3000/api/orders"),
				`[error] 1234#1234: *35 recv() failed (104: Connection reset by peer) while reading response header from upstream` + logCtx("POST /api/orders HTTP/1.1", "http://127.0.0.1:3000/api/orders"),
				"# no line at all for a missing proxy_http_version 1.1: the connections are simply never reused",
			},
			Decides: "Two kinds of evidence. On nginx older than 1.29.7 the config step flags an upstream{} with keepalive whose location lacks proxy_http_version 1.1 and Connection \"\" (predicted): " +
				"rule \"a smell only\", a warning. " +
				"The network step sends one request to each kept-alive group as nginx would and waits to see when the backend closes the idle connection: sooner than keepalive_timeout is measured evidence, " +
				"and it explains nginx's premature closes and resets on that backend, so the verdict folds those log lines into this claim: " +
				"with current lines rule \"observed and confirmed\" (high), the measurement alone rule \"measured\" (low).",
			Fix: []string{
				"in every location that uses the group: proxy_http_version 1.1; and proxy_set_header Connection \"\";",
				"in upstream{}: keepalive_timeout 4s;   # below the backend's idle timeout (Node's default keepAliveTimeout is 5s)",
				"or keep the backend's idle connections longer than nginx's 60s: Node server.keepAliveTimeout = 65000; gunicorn --keep-alive 75",
				"sudo nginx -t && sudo systemctl reload nginx",
			},
			Learn: "An idle kept-alive connection can be closed by either side at any moment; if the backend closes it just as nginx writes the next request, that request fails. " +
				"The side that gives up first must be nginx, so its keepalive_timeout must be the shorter one. " +
				"proxy_set_header is inherited from the server or http level only when the location sets none itself: adding any proxy_set_header to a location silently drops a Connection \"\" set above. " +
				"By hand: run time nc 127.0.0.1 3000, type GET / HTTP/1.1, Host: example.com and an empty line; the time until nc exits is the backend's idle timeout. " +
				"Read: https://nginx.org/en/docs/http/ngx_http_upstream_module.html (keepalive, keepalive_timeout).",
		},
		{
			Cause: CausePortExhaustion,
			Meaning: "nginx could not pick a free local port for a new connection to the backend. Every connection to one backend address and port needs a local port of its own, and a closed one waits 60 seconds in TIME_WAIT; " +
				"without upstream keepalive each request opens a new connection, so a few hundred requests per second to one backend use up the default range (32768-60999, about 28,000 ports).",
			LogLines: []string{
				`[crit] 1234#1234: *27 connect() to 127.0.0.1:8080 failed (99: Cannot assign requested address) while connecting to upstream` + logCtx(reqAPI, peerHTTP),
			},
			Decides: "Error-log [crit] lines with errno 99 on connect() (observed); a probe that hits the same errno is reproduced evidence. The config step warns when an upstream{} has keepalive that a location does not use (keepalive-misconfig), the usual reason for the pile-up.\n" + ladder,
			Fix: []string{
				"ss -s   # the timewait count",
				"ss -tan state time-wait '( dport = :8080 )' | wc -l",
				"sysctl net.ipv4.ip_local_port_range",
				"reuse connections: upstream app { server 127.0.0.1:8080; keepalive 32; } with proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection \"\"; in the location",
				"sudo sysctl -w net.ipv4.ip_local_port_range=\"15000 65000\"   # and a file in /etc/sysctl.d/ to keep it",
			},
			Learn: "A TCP connection is named by source address, source port, destination address and destination port; towards one backend only the source port can change, so the port range bounds how many connections may exist at once, " +
				"TIME_WAIT ones included. " +
				"A local backend can also listen on a unix socket, which uses no ports at all. " +
				"Read: https://nginx.org/r/keepalive and ip_local_port_range in the kernel's ip-sysctl documentation.",
		},
		{
			Cause: CauseTooManyFiles,
			Meaning: "An nginx worker hit its limit of open file descriptors, or its worker_connections table is full. " +
				"Every proxied request holds two descriptors (the client's and the upstream's connection) plus any temp file, so a busy box reaches a default limit of 1024 quickly. " +
				"nginx answers these requests with 500, not 502, and may stop accepting new clients.",
			LogLines: []string{
				`[alert] 1234#1234: *29 socket() failed (24: Too many open files) while connecting to upstream` + logCtx(reqAPI, peerHTTP),
				`[crit] 1234#1234: accept4() failed (24: Too many open files)`,
				`[alert] 1234#1234: *31 1024 worker_connections are not enough while connecting to upstream` + logCtx(reqAPI, peerHTTP),
			},
			Decides: "Only nginx's error log shows it (observed): socket() or accept4() failing with errno 24 or 23, or \"worker_connections are not enough\". " +
				"ngx502 does not measure a worker's descriptors from outside, so the claim rests on the log: " + logOnly,
			Fix: []string{
				"sudo grep 'open files' /proc/$(cat /run/nginx.pid)/limits",
				"in nginx.conf's main context: worker_rlimit_nofile 65535; and events { worker_connections 16384; }   # keep the first at least twice the second",
				"sudo nginx -t && sudo systemctl reload nginx   # new workers set their own limit",
				"for the master too: sudo systemctl edit nginx, add [Service] LimitNOFILE=65535, then sudo systemctl restart nginx",
			},
			Learn: "Every socket and open file is a descriptor, and the kernel caps each process (RLIMIT_NOFILE, what ulimit -n shows). " +
				"worker_connections counts connections of both sides per worker. sudo ls /proc/PID/fd | wc -l shows how many a worker holds now. " +
				"At start-up nginx warns \"worker_connections exceed open file resource limit\" when the two disagree. " +
				"Read: https://nginx.org/r/worker_rlimit_nofile and https://nginx.org/r/worker_connections.",
		},
	}
}
