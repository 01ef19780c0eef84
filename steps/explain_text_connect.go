package steps

// connectExplanations: nginx could not open a connection to the backend
// (the phase "while connecting to upstream").
func connectExplanations() []Explanation {
	return []Explanation{
		{
			Cause: CauseRefused,
			Meaning: "nginx reached the backend's host, but nothing accepted the connection on that port: the application is stopped, crashed, still starting, or listens on another address or port. " +
				"The kernel answered with a reset at once, so nginx gave up and the client got 502. " +
				"For a unix socket it means the socket file is there but no process accepts on it, usually one left behind by a backend that died.",
			LogLines: []string{
				`[error] 1234#1234: *1 connect() failed (111: Connection refused) while connecting to upstream` + logCtx(reqAPI, peerHTTP),
				"# a unix socket file left behind by a backend that died:",
				`[error] 1234#1234: *3 connect() to unix:/run/gunicorn.sock failed (111: Connection refused) while connecting to upstream` + logCtx("GET / HTTP/1.1", "http://unix:/run/gunicorn.sock:/"),
			},
			Decides: "Error-log lines with errno 111 on connect() (observed). The network step connects to every address nginx uses and reads the kernel's table of listening sockets: " +
				"nothing listening there is measured evidence; the upstream probe's refused connect is reproduced evidence. Step 5 then proposes restarting the service that owns the address, or whose unit file says it should.\n" + ladder,
			Fix: []string{
				"sudo ss -ltnp 'sport = :8080'   # what listens on the port, if anything",
				"sudo systemctl status myapp; sudo journalctl -u myapp -n 50 --no-pager   # myapp: your backend's unit; why it stopped",
				"sudo systemctl start myapp   # without systemd: sudo service myapp start",
				"if it listens elsewhere, point nginx there (proxy_pass http://127.0.0.1:8081;), then: sudo nginx -t && sudo systemctl reload nginx",
			},
			Learn: "A TCP connect is a handshake: nginx sends SYN, a listening socket answers SYN-ACK, a port without a listener answers RST, which connect() reports as ECONNREFUSED (111). " +
				"Try it by hand: curl -v http://127.0.0.1:8080/ fails with \"Connection refused\" the same way, and sudo ss -ltnp lists every listening socket with its process. " +
				"An application bound to 127.0.0.1 refuses connections to the host's other addresses, one on ::1 refuses 127.0.0.1 (see localhost-ipv6). " +
				"With several servers nginx tries the next one (proxy_next_upstream error timeout is the default), so a client sees 502 only when every try failed. " +
				"Read: https://nginx.org/r/proxy_next_upstream and man 8 ss.",
		},
		{
			Cause: CauseSocketMissing,
			Meaning: "nginx connects to a unix socket path that does not exist: the backend (php-fpm, gunicorn, uWSGI) is not running, or it creates its socket under another name, " +
				"as after a PHP upgrade when php8.1-fpm.sock becomes php8.2-fpm.sock. " +
				"nginx -t does not check socket paths, so the config loads and every request to that location answers 502.",
			LogLines: []string{
				`[crit] 1234#1234: *5 connect() to unix:/run/php/php8.2-fpm.sock failed (2: No such file or directory) while connecting to upstream` + logCtx(reqPHP, peerFPM),
			},
			Decides: "Error-log [crit] lines with errno 2 on connect() to unix: (observed). The config step looks at every socket path in the *_pass directives (measured: missing, or there but not a socket), " +
				"the network step connects to it (measured) and the probe's connect fails the same way (reproduced). Step 5 proposes starting the service whose unit or php-fpm pool (listen =) names that path.\n" + ladder,
			Fix: []string{
				"ls -l /run/php/   # which sockets exist: a version mismatch shows here",
				"grep -rn '^listen' /etc/php/8.2/fpm/pool.d/   # RHEL: grep -rn '^listen' /etc/php-fpm.d/",
				"sudo systemctl start php8.2-fpm   # RHEL: sudo systemctl start php-fpm",
				"fastcgi_pass unix:/run/php/php8.2-fpm.sock;   # the same path as the pool's listen =",
				"sudo nginx -t && sudo systemctl reload nginx",
			},
			Learn: "A unix socket is a file the backend creates when it starts listening and usually removes when it stops; connect() to a path that is not there fails with ENOENT (2). " +
				"By hand: ls -l the path, and sudo ss -lxp | grep php shows which process listens on which socket. " +
				"The nginx unit of the RHEL and Fedora packages has PrivateTmp=true, so a socket under /tmp is invisible to nginx: check systemctl show nginx -p PrivateTmp and keep sockets under /run. " +
				"Read: https://nginx.org/r/fastcgi_pass and the comments on listen in the pool's www.conf.",
		},
		{
			Cause: CauseSocketPerm,
			Meaning: "The socket exists, but nginx's worker user (www-data on Debian and Ubuntu, nginx on RHEL) may not use it: connecting to a unix socket needs write permission on the socket file " +
				"and search (x) permission on every directory above it. " +
				"php-fpm sets the socket's owner and mode from listen.owner, listen.group and listen.mode, and a pool copied from another distribution often names the wrong user.",
			LogLines: []string{
				`[crit] 1234#1234: *7 connect() to unix:/run/php/php8.2-fpm.sock failed (13: Permission denied) while connecting to upstream` + logCtx(reqPHP, peerFPM),
			},
			Decides: "Error-log [crit] lines with errno 13 on connect() to unix: (observed). The config step checks, as nginx's worker user (the user directive, else the build's --user), " +
				"search permission on every parent directory and write permission on the socket (measured). " +
				"ngx502's own probe runs as root and gets through, so it cannot reproduce this; a request through nginx that answers 502 can.\n" + ladder,
			Fix: []string{
				"ps -o user= -C nginx | sort -u   # the worker user (the master runs as root)",
				"namei -l /run/php/php8.2-fpm.sock   # owner and mode of every directory on the way",
				"in the pool (/etc/php/8.2/fpm/pool.d/www.conf; RHEL: /etc/php-fpm.d/www.conf): listen.owner = www-data, listen.group = www-data, listen.mode = 0660 (RHEL: nginx)",
				"sudo systemctl restart php8.2-fpm   # the socket is created again with the new owner and mode",
			},
			Learn: "The kernel checks a unix socket like a file: the path must be searchable and the socket writable by the connecting user, else connect() fails with EACCES (13). " +
				"RHEL's default www.conf sets listen.acl_users = apache,nginx, a POSIX ACL instead of the owner: getfacl /run/php-fpm/www.sock shows it. " +
				"Never chmod 0777 the socket: any local user could then run code as the pool's user. " +
				"If owner and mode are right and it still fails on an SELinux host, look at sudo ausearch -m avc -c nginx (see selinux-denied). " +
				"Read: https://www.php.net/manual/en/install.fpm.configuration.php (listen.owner, listen.mode).",
		},
		{
			Cause: CauseSELinux,
			Meaning: "On RHEL, CentOS, Rocky, Alma and Fedora, SELinux confines nginx (the httpd_t domain) and by default forbids it to connect to most network ports. " +
				"connect() then fails with EACCES (13) although the backend is up and curl from a shell gets an answer. " +
				"The errno is the same as for a socket permission problem; the difference is that the peer is a TCP address.",
			LogLines: []string{
				`[crit] 1234#1234: *9 connect() to 127.0.0.1:8080 failed (13: Permission denied) while connecting to upstream` + logCtx(reqAPI, peerHTTP),
			},
			Decides: "Error-log [crit] lines with errno 13 on connect() to a TCP address (observed): only a security module denies a TCP connect that way. " +
				"Those lines make a claim about the backend: rule \"observed\" (medium) while current, and often rule \"intermittent\" (medium), because ngx502's own probe is not confined by SELinux and gets through. " +
				"The network step reads getenforce and the httpd_can_network_connect boolean: enforcing with the boolean off while the config has TCP upstreams is measured evidence, " +
				"a claim of its own without a backend, rule \"measured\" (low), listed beside it with the audit log's denials.",
			Fix: []string{
				"getenforce; getsebool httpd_can_network_connect",
				"sudo ausearch -m avc -c nginx -ts recent   # the denials: name_connect on a tcp_socket",
				"sudo setsebool -P httpd_can_network_connect 1   # -P keeps it across reboots",
				"or allow one port only: sudo semanage port -a -t http_port_t -p tcp 8080   # -m instead of -a when the port already has a type",
			},
			Learn: "SELinux labels every process, file and port, and its policy says which label may do what to which; httpd_can_network_connect is a switch in that policy for web servers. " +
				"sudo semanage port -l | grep http_port_t lists the ports nginx may always use. " +
				"Never run setenforce 0 as a fix: it turns the protection off for everything. " +
				"Debian and Ubuntu use AppArmor instead: sudo aa-status lists an nginx profile if there is one, and its denials appear in journalctl -k as apparmor=\"DENIED\". " +
				"Read: man 8 httpd_selinux (package selinux-policy-doc) and man 8 setsebool.",
		},
		{
			Cause: CauseBusy,
			Meaning: "The backend is alive but accepts no more connections: all its workers are busy and its listen queue is full. " +
				"For a unix socket Linux fails nginx's connect() at once with EAGAIN (11), php-fpm at pm.max_children being the classic; for TCP the kernel drops new connection attempts, so nginx waits and logs a connect timeout (504). " +
				"A restart helps only until the queue fills again: something keeps the workers busy (slow scripts, a blocked database).",
			LogLines: []string{
				`[error] 1234#1234: *11 connect() to unix:/run/php/php8.2-fpm.sock failed (11: Resource temporarily unavailable) while connecting to upstream` + logCtx(reqPHP, peerFPM),
				"# a TCP backend with a full queue: nginx's connect timer runs out (504)",
				`[error] 1234#1234: *13 upstream timed out (110: Connection timed out) while connecting to upstream` + logCtx(reqAPI, peerHTTP),
				"# php-fpm's own log says why: WARNING: [pool www] server reached pm.max_children setting (5), consider raising it",
			},
			Decides: "Error-log lines with errno 11 on connect() to a unix socket (observed). The network step reads every listener's accept queue from the kernel (what ss shows as Recv-Q and Send-Q): " +
				"a full queue is measured evidence, named with the php-fpm pool's pm.max_children and listen.backlog (file:line) or the worker flag on the backend's command line. " +
				"That measurement also explains nginx's connect timeouts to the same backend, so the verdict folds the upstream-timeout claim into this one. Step 5 proposes restarting the backend, which empties the queue for now.\n" + ladder,
			Fix: []string{
				"ss -lx | grep php8.2-fpm.sock   # TCP: ss -ltn 'sport = :8080'; Recv-Q is waiting connections, Send-Q the backlog",
				"sudo grep max_children /var/log/php8.2-fpm.log   # RHEL: /var/log/php-fpm/error.log",
				"in the pool: pm.max_children = 20 (about free RAM / one child's RSS) and listen.backlog = 511, then: sudo systemctl restart php8.2-fpm",
				"find the slow requests: request_slowlog_timeout = 5s and slowlog = /var/log/php8.2-fpm.slow.log in the pool",
			},
			Learn: "A listening socket holds the connections the kernel has completed but the application has not accept()ed yet; the backlog the application asked for, capped by net.core.somaxconn, bounds that queue. " +
				"When every worker is busy the queue fills, and new connections wait there or are refused. " +
				"ps -o rss= -C php-fpm8.2 shows each child's memory (RHEL: -C php-fpm): raising pm.max_children beyond RAM trades 502s for OOM kills. " +
				"Read: https://www.php.net/manual/en/install.fpm.configuration.php (pm.max_children, listen.backlog) and man 2 listen.",
		},
		{
			Cause: CauseUnreachable,
			Meaning: "The kernel found no way to the backend host: no route, the network is down, or the host does not answer on its network (ICMP host unreachable, " +
				"often a firewall's reject rule or the old IP of a re-created container). " +
				"nginx fails at once with 502. Unlike a refused connection, nothing on the backend port was reached at all.",
			LogLines: []string{
				`[error] 1234#1234: *15 connect() failed (113: No route to host) while connecting to upstream` + logCtx(reqAPI, "http://10.0.0.5:8080/api/"),
				`[error] 1234#1234: *17 connect() failed (101: Network is unreachable) while connecting to upstream` + logCtx(reqAPI, "http://[2001:db8::5]:8080/api/"),
			},
			Decides: "Error-log lines with errno 113, 101, 100 or 112 on connect() (observed). The network step connects to each address (measured) and pings the host; " +
				"the probe's connect fails the same way (reproduced). When the backend's name has IPv4 and IPv6 addresses and only one family answers, the verdict folds these lines into localhost-ipv6.\n" + ladder,
			Fix: []string{
				"ip route get 10.0.0.5   # the route and interface the kernel would use",
				"ping -c 3 10.0.0.5; nc -zv -w 5 10.0.0.5 8080",
				"on the backend host: sudo firewall-cmd --list-all (RHEL) or sudo nft list ruleset / sudo iptables -S (Debian, Ubuntu): a reject rule answers \"No route to host\"",
				"a container re-created with a new IP: sudo nginx -t && sudo systemctl reload nginx   # nginx resolves names again on reload",
			},
			Learn: "Routers and hosts report undeliverable packets with ICMP messages, and the kernel turns them into errno: no route to host (113), network unreachable (101). " +
				"firewalld's default reject sends icmp-host-prohibited, which reads as \"No route to host\" although the host is up. " +
				"A name in proxy_pass is resolved once when nginx loads its config, so after a backend moves nginx keeps the old IP until a reload. " +
				"Read: man 8 ip-route and https://nginx.org/r/resolver for names that change.",
		},
		{
			Cause: CauseNoLive,
			Meaning: "Every server of the upstream{} group is marked unavailable, so nginx does not even try and answers 502 at once. " +
				"A server is marked failed for fail_timeout (10s by default) after max_fails (1 by default) failed attempts within that time, or is written with down; " +
				"the real cause is in the error lines just before. A group with a single server is never marked failed this way.",
			LogLines: []string{
				"# first the real failures, one per server (connect() failed (111: Connection refused) here), each followed by:",
				`[warn] 1234#1234: *19 upstream server temporarily disabled while connecting to upstream` + logCtx(reqAPI, "http://127.0.0.1:8081/api/"),
				`[error] 1234#1234: *22 no live upstreams while connecting to upstream` + logCtx(reqAPI, "http://backend/api/"),
				"# upstream: names the group (backend), not a server",
			},
			Decides: "Error-log no live upstreams lines (observed). No probe can reproduce it, it is nginx's own bookkeeping, so the claim rests on the log: " + logOnly +
				" The servers' own failures are claims of their own, usually ranked beside it. Step 5 proposes restarting the backend service.",
			Fix: []string{
				"sudo grep -B3 'no live upstreams' /var/log/nginx/error.log | tail -n 20   # the failures before it name the cause",
				"fix those servers; nginx tries them again after fail_timeout",
				"server 127.0.0.1:8081 max_fails=3 fail_timeout=10s;   # tolerate a short blip",
				"server 127.0.0.1:8082 backup;   # a spare nginx asks only when the others fail",
				"remove placeholder servers marked down from generated configs",
			},
			Learn: "nginx counts failures per server (by proxy_next_upstream's definition: errors and timeouts by default) and stops sending to a server for fail_timeout after max_fails of them; " +
				"when every server is out, nothing is left to try. " +
				"The [warn] \"upstream server temporarily disabled\" lines appear only with error_log … warn; the default level is error. " +
				"Read: https://nginx.org/en/docs/http/ngx_http_upstream_module.html#server (max_fails, fail_timeout, backup, down).",
		},
	}
}
