package steps

// nginxExplanations: causes in nginx's own state (its config, its names,
// whether it runs) and 5xx answers the error log does not explain.
func nginxExplanations() []Explanation {
	return []Explanation{
		{
			Cause: CauseResolver,
			Meaning: "nginx could not turn the backend's name into an address while serving the request. That happens when a *_pass uses a variable: " +
				"nginx then asks its own DNS client, which needs a resolver directive and never reads /etc/hosts. " +
				"Names in a plain proxy_pass are resolved once at start-up instead, and one that does not resolve there stops the config from loading (config-invalid).",
			LogLines: []string{
				`[error] 1234#1234: *83 no resolver defined to resolve app.internal` + logCtx("GET / HTTP/1.1", ""),
				`[error] 1234#1234: *85 app.internal could not be resolved (3: Host not found)` + logCtx("GET / HTTP/1.1", ""),
				"# a resolver nobody answers on; the request's line follows after resolver_timeout (30s):",
				`[error] 1234#1234: send() failed (111: Connection refused) while resolving, resolver: 127.0.0.53:53`,
				`[error] 1234#1234: *87 app.internal could not be resolved (110: Operation timed out)` + logCtx("GET / HTTP/1.1", ""),
			},
			Decides: "Error-log resolver lines (observed): no resolver defined, could not be resolved, and errors of the resolver's own socket. " +
				"The config step flags a *_pass with a variable and no resolver in scope (predicted): rule \"a smell only\", a warning, because the variable may name an upstream{} block. " +
				"The network step resolves every name in the config and one that does not resolve is measured evidence; a probe failing in its DNS phase is reproduced. A reload applies the fix.\n" + ladder,
			Fix: []string{
				"grep nameserver /etc/resolv.conf   # the DNS server this box uses",
				"resolver 127.0.0.53 valid=30s;   # in the server or http block: systemd-resolved's stub, else the nameserver above, 127.0.0.11 inside Docker",
				"dig @127.0.0.53 app.internal +short   # ask that server as nginx does (dig: package dnsutils or bind-utils)",
				"or no variable: upstream app { server app.internal:8080; } and proxy_pass http://app;   # resolved once, at load",
				"sudo nginx -t && sudo systemctl reload nginx",
			},
			Learn: "A name in a plain proxy_pass or upstream{} server line is resolved with the system's getaddrinfo() (so /etc/hosts counts) when nginx loads its config, and kept until the next reload. " +
				"A variable in *_pass defers that to request time and to nginx's built-in DNS client, which only talks to the servers in resolver and caches answers for their TTL or valid=. " +
				"getent ahosts app.internal answers like the system; dig @SERVER answers like nginx's resolver. " +
				"Read: https://nginx.org/r/resolver and https://nginx.org/r/proxy_pass.",
		},
		{
			Cause: CauseConfigInvalid,
			Meaning: "nginx -t fails: the configuration on disk does not load. The running nginx keeps its old configuration, a reload is refused with an [emerg] line in the error log, " +
				"and a restart or a reboot would leave the site down. Every other fix that needs a reload waits for this one.",
			LogLines: []string{
				`[emerg] 1234#1234: host not found in upstream "app.internal" in /etc/nginx/sites-enabled/default:12`,
				`[emerg] 1234#1234: unknown directive "proxy_pas" in /etc/nginx/sites-enabled/default:14`,
				"# sudo nginx -t prints the same line, then:",
				"nginx: configuration file /etc/nginx/nginx.conf test failed",
				"# at request time, a proxy_pass variable that came out empty answers 500:",
				`[error] 1234#1234: *89 invalid URL prefix in ""` + logCtx("GET / HTTP/1.1", ""),
			},
			Decides: "The config step runs nginx -t (by itself only when that is safe, else after t in the wizard or with --nginx-t): a failure is measured evidence and rule \"nginx -t fails\": " +
				"cause, high, ranked before anything a reload would fix. " +
				"[emerg] lines in the error log alone are rule \"not a 502\", a note: they say that a reload or a start failed, not what clients get. " +
				"Step 5 refuses to reload or restart until nginx -t passes.",
			Fix: []string{
				"sudo nginx -t   # the first [emerg] line names the file and line",
				"fix that line; for host not found, start the backend's DNS or container first, or write its IP",
				"sudo nginx -t && sudo systemctl reload nginx",
				"sudo nginx -T | less   # the whole config as nginx reads it, includes expanded",
			},
			Learn: "nginx -t parses every file, loads certificates, resolves every name in proxy_pass and upstream{} and checks buffer sizes, but it connects to no backend: " +
				"a config that passes can still answer 502. " +
				"On Debian and Ubuntu nginx -t prints the [emerg] line with date and time, because the package logs to stderr until the config is read. " +
				"Run it as root: as another user it also fails on the pid file and the logs. " +
				"Read: https://nginx.org/en/docs/switches.html.",
		},
		{
			Cause: CauseConfigStale,
			Meaning: "The config files on disk changed after the running nginx last loaded them, so nginx still uses the old addresses and settings. " +
				"Either nobody reloaded after the edit, or a reload failed: nginx then logs [emerg] and keeps the old config. " +
				"A 502 for a backend the files no longer name is the proof.",
			LogLines: []string{
				`[notice] 1234#1234: signal 1 (SIGHUP) received from 5678, reconfiguring`,
				`[notice] 1234#1234: reconfiguring`,
				`[emerg] 1234#1234: host not found in upstream "app.internal" in /etc/nginx/sites-enabled/default:12`,
				"# then errors for the old address, although the file now says 127.0.0.1:8081:",
				`[error] 1234#1234: *91 connect() failed (111: Connection refused) while connecting to upstream` + logCtx(reqAPI, peerHTTP),
			},
			Decides: "The config step compares each config file's modification time with the moment the running master last loaded its config (when its workers started): " +
				"files changed since are measured evidence, rule \"measured\" (low) on their own. " +
				"When nginx still logs current failures for a backend the files on disk no longer name, the verdict moves those failures into this claim as its evidence: rule \"observed and confirmed\" (high). " +
				"Without that measurement (no master to compare with) it stays rule \"no proof of a stale config\", a warning.",
			Fix: []string{
				"sudo nginx -t && sudo systemctl reload nginx   # without systemd: sudo nginx -s reload",
				"sudo tail -n 20 /var/log/nginx/error.log   # right after: an [emerg] line means the reload failed and the old config still runs",
				"ps -o pid,lstart,cmd --ppid $(cat /run/nginx.pid)   # when the workers, and so the config, started",
			},
			Learn: "On a reload (SIGHUP) the master reads the files again; only when they load does it start new workers and let the old ones finish their requests, " +
				"so a reload drops no connections and never swaps a working config for a broken one. " +
				"That is also why the workers' start time tells when the config was loaded. " +
				"Read: https://nginx.org/en/docs/control.html.",
		},
		{
			Cause: CauseNginxDown,
			Meaning: "No nginx master process runs on this box and nothing answers on nginx's listen addresses. " +
				"A 502 users see then comes from a load balancer or CDN in front, reporting the dead origin, or from before nginx stopped. " +
				"nginx often cannot start again because another process holds port 80 or 443, or the config fails nginx -t.",
			LogLines: []string{
				`[notice] 1234#1234: signal 15 (SIGTERM) received from 5678, exiting`,
				`[notice] 1234#1234: exit`,
				"# a start that fails because the port is taken:",
				`[emerg] 1234#1234: bind() to 0.0.0.0:80 failed (98: Address already in use)`,
				`[emerg] 1234#1234: still could not bind()`,
				"# killed by the kernel: nothing in nginx's log; journalctl -k says Out of memory: Killed process 1234 (nginx)",
			},
			Decides: "The upstream step finds no nginx master process (measured) and a request to each of nginx's listen addresses gets no answer (reproduced): " +
				"rule \"failing now, explained\", cause, medium. Step 5 proposes starting nginx once nginx -t passes.",
			Fix: []string{
				"sudo systemctl status nginx; sudo journalctl -u nginx -n 50 --no-pager   # why it stopped or failed to start",
				"sudo nginx -t",
				"sudo ss -ltnp 'sport = :80'   # who holds the port",
				"sudo systemctl start nginx   # without systemd: sudo service nginx start",
			},
			Learn: "nginx runs as one master (root), which reads the config and holds the listening sockets, and workers that serve requests. " +
				"If the master is gone nothing listens any more; if only a worker dies the master logs \"worker process N exited on signal 9\" and starts another. " +
				"curl -sv -o /dev/null http://127.0.0.1/ on the box tells \"refused\" (down) from an answer. " +
				"Read: https://nginx.org/en/docs/beginners_guide.html and man 1 systemctl.",
		},
		{
			Cause: CauseUpstreamStatus,
			Meaning: "The backend itself answered 502, 503 or 504, and nginx passed the answer on unchanged; nginx writes nothing to its error log for that. " +
				"The failure is behind nginx, in the application or in a proxy or API it calls. Restarting or reconfiguring nginx does not help.",
			LogLines: []string{
				"# error.log: nothing. access.log, with the upstream fields of the log_format below:",
				`127.0.0.1 - - [25/Nov/2026:12:43:26 +0000] "GET /api/ HTTP/1.1" 502 3 "-" "curl/7.88.1" upstream=127.0.0.1:8080 upstream_status=502 upstream_header_time=0.004`,
			},
			Decides: "The access log: a 5xx whose $upstream_status is the same code and whose $upstream_header_time shows that the backend's header arrived (observed), so the backend made it. " +
				"That needs $upstream_addr, $upstream_status and $upstream_header_time in log_format; without them ngx502 cannot tell who made a 502 and names nginx-5xx instead. " +
				"A direct probe of the backend answering 500 or more is reproduced evidence. " +
				"Current access-log lines are rule \"observed\" (medium), with the probe rule \"observed and confirmed\" (high); the probe alone is rule \"failing now\" (low).",
			Fix: []string{
				"curl -sv -o /dev/null http://127.0.0.1:8080/api/   # the backend's own status, without nginx",
				"read the application's log for that request; if it proxies further, the next hop's",
				`log_format upstreams '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" upstream=$upstream_addr upstream_status=$upstream_status upstream_header_time=$upstream_header_time';`,
				"access_log /var/log/nginx/access.log upstreams;",
			},
			Learn: "nginx makes a 502 or 504 of its own only together with an error-log line; an answer the backend sent is logged like any other. " +
				"$upstream_status lists every try, separated by commas (\"502, 200\" means the second server answered). " +
				"proxy_intercept_errors on lets nginx show its own error page instead of the backend's, which hides the failure but does not fix it. " +
				"Read: https://nginx.org/en/docs/http/ngx_http_upstream_module.html#variables.",
		},
		{
			Cause: CauseNginx5xx,
			Meaning: "nginx answered 502 or 504, in the access log or when ngx502 sent a request through nginx itself, but no error-log line ngx502 read says why, and nothing else explains it. " +
				"The explanation is in a log ngx502 did not read: a server block with its own error_log, an error_log level above error (crit hides [error] lines), or syslog and journald.",
			LogLines: []string{
				"# error.log: nothing ngx502 read. access.log (combined format):",
				`127.0.0.1 - - [25/Nov/2026:12:43:22 +0000] "GET /api/ HTTP/1.1" 502 157 "-" "curl/7.88.1"`,
				"# 157 bytes is nginx 1.22's own 502 page (504: 167), so nginx made this one",
			},
			Decides: "Access-log 502/504 lines that cannot be put down to the backend (observed), or a request to a location through nginx's own listen address that answers 502/504 (reproduced). " +
				"They back up any other claim about the same backend; only when nothing else explains them are they a claim of their own: " +
				"current access-log lines rule \"observed\" (medium), a failing route alone rule \"failing now\" (low).",
			Fix: []string{
				"sudo nginx -T 2>/dev/null | grep -n error_log   # every error log the config writes",
				"error_log /var/log/nginx/error.log error;   # in http and in each server block that has its own; crit or alert hide the upstream lines",
				"sudo ngx502 report --error-log /var/log/nginx/app-error.log   # read the one it missed",
				"sudo journalctl -u nginx --since \"1 hour ago\"   # when nginx logs to stderr or syslog",
			},
			Learn: "Every error_log directive in a server or location block sends that block's messages to its own file instead of the main one, and a level sets the least severe message kept: " +
				"error_log … crit drops the [error] lines that explain most 502s. " +
				"nginx's default 502 page is 157 bytes on nginx 1.22 (504: 167), which tells nginx's own answer from a backend's in an access log without upstream fields. " +
				"Read: https://nginx.org/r/error_log.",
		},
		{
			Cause: CauseOther,
			Meaning: "nginx logged upstream errors of a kind ngx502 has no specific cause for: an unusual errno or a rare protocol complaint. " +
				"They are listed with sample lines so you can read them; on their own they never become the verdict.",
			LogLines: []string{
				`[alert] 1234#1234: *93 socket() failed (97: Address family not supported by protocol) while connecting to upstream` + logCtx(reqAPI, "http://[::1]:8080/api/"),
				`[crit] 1234#1234: *95 connect() to 127.0.0.1:8080 failed (22: Invalid argument) while connecting to upstream` + logCtx(reqAPI, peerHTTP),
			},
			Decides: "Error-log lines about the upstream at [error] or worse that match none of the known patterns (observed). " +
				"They are rule \"not a 502\": a note with the sample lines, never the verdict.",
			Fix: []string{
				"sudo grep -n upstream /var/log/nginx/error.log | tail -n 20",
				"python3 -c 'import os; print(os.strerror(97))'   # what an errno number means",
				"97 on an [::1] peer: IPv6 is disabled in this kernel; write the IPv4 address in *_pass",
			},
			Learn: "nginx prints errno as a number and the C library's text, \"(97: Address family not supported by protocol)\"; the number is the reliable part, the text differs between glibc and musl. " +
				"The message before the errno says which system call failed and the part after while says in which phase of the request. " +
				"Read: man 3 errno and https://nginx.org/en/docs/debugging_log.html.",
		},
	}
}
