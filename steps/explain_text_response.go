package steps

// responseExplanations: the connection was made, then the request or the
// response went wrong (sending, reading the header, the body).
func responseExplanations() []Explanation {
	return []Explanation{
		{
			Cause: CauseTimeout,
			Meaning: "nginx gave up waiting for the backend: no connection within proxy_connect_timeout, or no response header within proxy_read_timeout (60s by default; fastcgi_read_timeout and the like for the other modules). " +
				"The client gets 504 Gateway Timeout. The backend is usually slow or all its workers are busy; a longer timeout only makes clients wait longer, unless the work really takes that long.",
			LogLines: []string{
				`[error] 1234#1234: *39 upstream timed out (110: Connection timed out) while reading response header from upstream` + logCtx("GET /report HTTP/1.1", "http://127.0.0.1:8080/report"),
				`[error] 1234#1234: *41 upstream timed out (110: Connection timed out) while connecting to upstream` + logCtx(reqAPI, peerHTTP),
				"# the kernel's own connect timeout, not nginx's timer, is a 502:",
				`[error] 1234#1234: *43 connect() failed (110: Connection timed out) while connecting to upstream` + logCtx(reqAPI, peerHTTP),
			},
			Decides: "Error-log upstream timed out lines (observed); the phase after while says which timer ran out. " +
				"The upstream probe sends the request nginx sends and holds it to that location's own timers (proxy_connect_timeout, proxy_read_timeout, with file:line): " +
				"a backend slower than nginx waits is reproduced evidence, and the fix says how long it really needed, up to --timeout. " +
				"A full accept queue measured by the network step explains connect timeouts and takes them over (upstream-busy).\n" + ladder,
			Fix: []string{
				"curl -o /dev/null -s -w 'connect %{time_connect}s, first byte %{time_starttransfer}s\\n' http://127.0.0.1:8080/report   # time it without nginx",
				"php-fpm: request_slowlog_timeout = 5s and slowlog = /var/log/php8.2-fpm.slow.log in the pool, then read the slow log",
				"only for endpoints that really run long: location /report { proxy_read_timeout 300s; proxy_pass http://127.0.0.1:8080; }   # fastcgi: fastcgi_read_timeout 300s;",
				"keep the backend's own limit in line (php-fpm request_terminate_timeout, gunicorn --timeout): shorter than nginx's turns a slow request into a 502, longer into a 504",
			},
			Learn: "proxy_read_timeout is not a total: the timer starts again after every successful read, so it is the longest silence nginx accepts. " +
				"proxy_connect_timeout \"cannot usually exceed 75 seconds\" (proxy docs); a connect timeout means the SYN got no answer at all: a firewall that drops packets, a host that is down, or a full listen queue. " +
				"During the slowness sudo ss -tnp 'dport = :8080' shows connections stuck in SYN-SENT (connect) or established with nothing coming back. " +
				"Read: https://nginx.org/r/proxy_read_timeout and https://nginx.org/r/proxy_connect_timeout.",
		},
		{
			Cause: CauseClosed,
			Meaning: "The backend accepted the request and then closed the connection before sending a complete response header. " +
				"Usually the worker handling it died or was killed: a crash, the kernel's OOM killer, its own request timeout (php-fpm's request_terminate_timeout, gunicorn's WORKER TIMEOUT), " +
				"or nginx reused a kept-alive connection the backend had just closed. The client gets 502.",
			LogLines: []string{
				`[error] 1234#1234: *45 upstream prematurely closed connection while reading response header from upstream` + logCtx(reqAPI, peerHTTP),
				`[error] 1234#1234: *47 writev() failed (32: Broken pipe) while sending request to upstream` + logCtx("POST /upload HTTP/1.1", "http://127.0.0.1:8080/upload"),
				"# php-fpm logs the reason: WARNING: [pool www] child 4242 exited on signal 9 (SIGKILL) after 12.345678 seconds from start",
			},
			Decides: "Error-log upstream prematurely closed connection lines, and broken pipes while sending the request (observed). " +
				"The probe sends nginx's request and sees the backend close without an answer (reproduced). " +
				"When the network step measures that the backend closes idle connections sooner than nginx's keepalive_timeout, the verdict folds these lines into keepalive-misconfig instead. Step 5 proposes restarting the backend.\n" + ladder,
			Fix: []string{
				"sudo journalctl -u myapp --since \"15 min ago\" --no-pager   # myapp: your backend's unit",
				"sudo journalctl -k --since \"1 hour ago\" | grep -i 'out of memory'   # OOM kills",
				"sudo grep -E 'exited on signal|execution timed out' /var/log/php8.2-fpm.log   # RHEL: /var/log/php-fpm/error.log",
				"align the limits: php-fpm request_terminate_timeout at least fastcgi_read_timeout; gunicorn --timeout above proxy_read_timeout when long requests are legitimate",
			},
			Learn: "A closed connection reaches nginx as end-of-file: recv() returns 0 before the header is complete, and nginx logs \"prematurely closed\". " +
				"Asked directly, the backend does the same to curl -v, which prints \"Empty reply from server\". " +
				"The backend's own log at the same second nearly always names the reason; sudo dmesg -T | grep -i 'killed process' lists OOM kills. " +
				"nginx retries a GET on the next server, but not a POST it already sent. " +
				"Read: https://nginx.org/r/proxy_next_upstream (non_idempotent).",
		},
		{
			Cause: CauseReset,
			Meaning: "The backend, or something between (a firewall, a load balancer), sent a TCP reset while nginx was sending the request or waiting for the header. " +
				"A process that exits with unread data, a crashing worker, a connection-tracking timeout or a stale kept-alive connection all do that. The client gets 502.",
			LogLines: []string{
				`[error] 1234#1234: *49 recv() failed (104: Connection reset by peer) while reading response header from upstream` + logCtx(reqAPI, peerHTTP),
				`[error] 1234#1234: *51 writev() failed (104: Connection reset by peer) while sending request to upstream` + logCtx("POST /upload HTTP/1.1", "http://127.0.0.1:8080/upload"),
				"# uWSGI rejecting request headers bigger than its buffer-size logs: invalid request block size: 4313 (max 4096)...skip",
			},
			Decides: "Error-log lines with errno 104 on recv(), writev() or send() towards the upstream (observed); the probe reproduces it when the backend resets nginx's request the same way. " +
				"A backend measured to close idle connections before nginx's keepalive_timeout explains resets too: the verdict folds them into keepalive-misconfig.\n" + ladder,
			Fix: []string{
				"sudo journalctl -u myapp -n 100 --no-pager   # a crash or a rejected request at the same second",
				"sudo tcpdump -ni lo 'tcp port 8080 and tcp[tcpflags] & tcp-rst != 0'   # who sends the reset (the backend's interface for a remote host)",
				"uWSGI: buffer-size = 32768 in its ini when it logs invalid request block size",
				"kept-alive connections: keepalive_timeout in upstream{} below the backend's idle timeout (see keepalive-misconfig)",
			},
			Learn: "A reset (RST) ends a connection at once, unlike an orderly close (FIN). Linux sends one when a process closes a socket that still has unread data, " +
				"or when a packet arrives for a connection it does not know, for example after a firewall forgot it. " +
				"tcpdump shows which side sends it; the backend's log at that second says why. " +
				"Read: man 7 tcp and https://nginx.org/r/proxy_next_upstream.",
		},
		{
			Cause: CauseHeaderTooBig,
			Meaning: "The backend's status line and headers did not fit in nginx's header buffer, proxy_buffer_size (one memory page, 4k on x86-64, by default; fastcgi_buffer_size for PHP). " +
				"nginx cannot pass on a header it could not read whole, so it answers 502. " +
				"Big Set-Cookie headers, JWTs, long Content-Security-Policy or debug headers do it, often only for logged-in users.",
			LogLines: []string{
				`[error] 1234#1234: *53 upstream sent too big header while reading response header from upstream` + logCtx("GET /account HTTP/1.1", "http://127.0.0.1:8080/account"),
			},
			Decides: "Error-log upstream sent too big header lines (observed). The upstream probe asks the backend what nginx asks and compares its header with the buffer of every location that uses it " +
				"(with file:line, or \"(default)\"): too big is reproduced evidence, and the fix gives sizes from the measured header. A reload applies the fix; step 5 offers it after you edit.\n" + ladder,
			Fix: []string{
				"curl -s -D - -o /dev/null http://127.0.0.1:8080/account | wc -c   # the header's size; add -H 'Cookie: ...' of a logged-in user",
				"in that location: proxy_buffer_size 16k; proxy_buffers 8 16k; proxy_busy_buffers_size 32k;",
				"PHP: fastcgi_buffer_size 32k; fastcgi_buffers 16 16k;",
				"sudo nginx -t && sudo systemctl reload nginx",
			},
			Learn: "nginx reads the whole response header into one buffer before it decides anything about the response. " +
				"large_client_header_buffers is for the client's request headers and does not help here, nor does proxy_buffering off. " +
				"nginx -t checks that proxy_busy_buffers_size fits the other two, which is why the three are raised together. Better still, make the backend send smaller headers. " +
				"Read: https://nginx.org/r/proxy_buffer_size.",
		},
		{
			Cause: CauseInvalid,
			Meaning: "The backend answered, but not with something nginx can read as a response of the location's protocol: a header name with a space or control character, " +
				"an HTTP server behind fastcgi_pass or grpc_pass, or another service on that port. nginx answers 502. " +
				"One case is no 502: after \"upstream sent no valid HTTP/1.0 header\" nginx relays the raw bytes (HTTP/0.9), the access log says 009 and browsers show garbage.",
			LogLines: []string{
				`[error] 1234#1234: *55 upstream sent invalid header: "X-Bad\x20..." while reading response header from upstream` + logCtx(reqAPI, peerHTTP),
				`[error] 1234#1234: *57 upstream sent unsupported FastCGI protocol version: 72 while reading response header from upstream` + logCtx(reqPHP, "fastcgi://127.0.0.1:8080"),
				`[error] 1234#1234: *59 upstream sent too large http2 frame: 4740180 while reading response header from upstream` + logCtx("POST /app.Service/Call HTTP/2.0", "grpc://127.0.0.1:8080"),
				`# 72 is the "H" of "HTTP/1.1", 4740180 the bytes "HTT": an HTTP server answered`,
				`[error] 1234#1234: *61 upstream sent no valid HTTP/1.0 header while reading response header from upstream` + logCtx(reqAPI, "http://127.0.0.1:8443/api/"),
			},
			Decides: "Error-log upstream sent … lines at [error] about the response header (observed). The probe speaks the location's protocol (HTTP, FastCGI, uwsgi, SCGI, gRPC) " +
				"and an answer it cannot parse is reproduced evidence. Step 5 proposes restarting the backend, but the usual fix is the address or the directive.\n" + ladder,
			Fix: []string{
				"curl -sv -o /dev/null http://127.0.0.1:8080/api/   # the raw status line and headers",
				"printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 127.0.0.1 8080 | head -c 200 | od -c | head   # what the port really speaks",
				"the directive must match the service: fastcgi_pass 127.0.0.1:9000; for php-fpm, proxy_pass http://127.0.0.1:8080; for an HTTP app, grpc_pass grpc://127.0.0.1:50051; for gRPC",
				"fix the backend's header: no spaces in names, no status line printed by a FastCGI script",
			},
			Learn: "Each *_pass directive fixes the protocol nginx speaks to the backend; a port speaking another one produces bytes nginx cannot parse. " +
				"nginx 1.21.1 began rejecting header names with spaces or control characters and 1.23.0 rejects duplicate Content-Length or Transfer-Encoding headers, " +
				"so an nginx upgrade can expose a backend bug that was always there. " +
				"Read: https://nginx.org/r/proxy_pass, https://nginx.org/r/fastcgi_pass and https://nginx.org/r/grpc_pass.",
		},
		{
			Cause: CauseTLS,
			Meaning: "proxy_pass https:// (or grpc_pass grpcs://) could not complete a TLS handshake with the backend. " +
				"Usually the port speaks plain HTTP (wrong version number), the backend needs SNI and nginx sends none because proxy_ssl_server_name is off by default, " +
				"or proxy_ssl_verify is on and the certificate does not verify or does not match proxy_ssl_name. The client gets 502 (504 when the handshake times out).",
			LogLines: []string{
				`[error] 1234#1234: *63 SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream` + logCtx(reqAPI, "https://127.0.0.1:8080/api/"),
				`[error] 1234#1234: *65 SSL_do_handshake() failed (SSL: error:0A000410:SSL routines::sslv3 alert handshake failure:SSL alert number 40) while SSL handshaking to upstream` + logCtx(reqAPI, "https://10.0.0.5:443/api/"),
				`[error] 1234#1234: *67 peer closed connection in SSL handshake while SSL handshaking to upstream` + logCtx(reqAPI, "https://10.0.0.5:443/api/"),
				`[error] 1234#1234: *69 upstream SSL certificate verify error: (18:self-signed certificate) while SSL handshaking to upstream` + logCtx(reqAPI, "https://10.0.0.5:443/api/"),
				`[error] 1234#1234: *71 upstream SSL certificate does not match "backend" while SSL handshaking to upstream` + logCtx(reqAPI, "https://10.0.0.5:443/api/"),
			},
			Decides: "Error-log lines while SSL handshaking to upstream, and upstream SSL certificate … lines (observed). " +
				"The probe makes the handshake with nginx's settings for that location: SNI only with proxy_ssl_server_name on, proxy_ssl_name, proxy_ssl_verify, the trusted CA, verify depth and client certificate; " +
				"a failure there is reproduced evidence. A reload applies the fix.\n" + ladder,
			Fix: []string{
				"openssl s_client -connect 10.0.0.5:443 -servername app.example.com </dev/null   # compare with -noservername",
				"proxy_ssl_server_name on; proxy_ssl_name app.example.com;   # the name is needed when proxy_pass names an IP or an upstream{} group",
				"proxy_ssl_verify on; proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;   # RHEL: /etc/pki/tls/certs/ca-bundle.crt",
				"a plain-HTTP backend needs proxy_pass http://, not https://",
			},
			Learn: "In a TLS handshake the client names the site it wants (SNI), the server sends a certificate for it and the client checks it against trusted CAs. " +
				"nginx sends SNI only with proxy_ssl_server_name on, and never for an IP address, so a backend behind a shared TLS front (a CDN, an ingress) needs proxy_ssl_name. " +
				"Without proxy_ssl_verify on nginx does not check the certificate at all. " +
				"Read: https://nginx.org/r/proxy_ssl_server_name and https://nginx.org/r/proxy_ssl_verify.",
		},
		{
			Cause: CauseFastCGI,
			Meaning: "php-fpm (or another FastCGI server) did not give nginx a usable answer: the script died with a fatal error, the pool's worker ended the request, or the port does not speak FastCGI properly. " +
				"nginx copies whatever the application wrote to stderr into its own log as \"FastCGI sent in stderr\"; the client then gets what PHP answered: " +
				"500 for a fatal error, 404 for \"Primary script unknown\" (a wrong SCRIPT_FILENAME or root).",
			LogLines: []string{
				`[error] 1234#1234: *73 FastCGI sent in stderr: "PHP message: PHP Fatal error:  Allowed memory size of 134217728 bytes exhausted (tried to allocate 20480 bytes) in /var/www/html/index.php on line 12" while reading response header from upstream` + logCtx(reqPHP, peerFPM),
				"# a 404, not a 502 (ngx502 only notes it):",
				`[error] 1234#1234: *75 FastCGI sent in stderr: "Primary script unknown" while reading response header from upstream` + logCtx("GET /missing.php HTTP/1.1", peerFPM),
			},
			Decides: "Error-log FastCGI sent in stderr lines (observed), with the status the client got read from the message: a PHP fatal error is a 500 and counts; " +
				"Primary script unknown (404) and security.limit_extensions (403) are rule \"not a 502\", a note. " +
				"The FastCGI probe sends the location's fastcgi_param lines to the pool; a broken answer that no connect errno explains is reproduced evidence.\n" + ladder,
			Fix: []string{
				"sudo tail -n 50 /var/log/php8.2-fpm.log   # RHEL: /var/log/php-fpm/error.log, PHP errors in www-error.log",
				"sudo systemctl status php8.2-fpm   # RHEL: php-fpm",
				"sudo php-fpm8.2 -t   # RHEL: sudo php-fpm -t; tests the pool files",
				"fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;   # Debian: include snippets/fastcgi-php.conf; with a root that exists where php-fpm runs",
				"php_admin_value[memory_limit] = 256M   # in the pool, for the memory error above",
			},
			Learn: "FastCGI carries records over one connection: stdout with the response, stderr with the application's messages, and an end-of-request record. " +
				"Ask the pool directly, without nginx: SCRIPT_NAME=/index.php SCRIPT_FILENAME=/var/www/html/index.php REQUEST_METHOD=GET cgi-fcgi -bind -connect /run/php/php8.2-fpm.sock " +
				"(package libfcgi-bin on Debian and Ubuntu, fcgi from EPEL on RHEL). " +
				"Read: https://nginx.org/r/fastcgi_param and https://www.php.net/manual/en/install.fpm.configuration.php.",
		},
		{
			Cause: CauseBodyTruncated,
			Meaning: "The backend failed after nginx had already sent the response header to the client, so nginx could no longer turn it into a 502: it closed the client's connection and the response arrived cut short, " +
				"with status 200 in the access log. Users see half-loaded pages, broken downloads or stalled event streams, not an error page.",
			LogLines: []string{
				`[error] 1234#1234: *77 upstream prematurely closed connection while reading upstream` + logCtx("GET /export.csv HTTP/1.1", "http://127.0.0.1:8080/export.csv"),
				`[error] 1234#1234: *79 upstream timed out (110: Connection timed out) while reading upstream` + logCtx("GET /events HTTP/1.1", "http://127.0.0.1:8080/events"),
				`[crit] 1234#1234: *81 open() "/var/lib/nginx/proxy/0000000001" failed (13: Permission denied) while reading upstream` + logCtx("GET /export.csv HTTP/1.1", "http://127.0.0.1:8080/export.csv"),
			},
			Decides: "Error-log lines in the phase while reading upstream (observed), after the header was sent. " +
				"ngx502 counts them but never blames a 502 on them: they are rule \"not a 502\", a note beside the verdict.",
			Fix: []string{
				"read the backend's log at the same second: a crash in the middle of a response",
				"long or streaming responses: proxy_read_timeout 300s; in that location (the longest silence between two reads)",
				"temp files: sudo ls -ld /var/lib/nginx/proxy (RHEL: /var/lib/nginx/tmp/proxy) must belong to the worker user; df -h /var/lib/nginx",
				"server-sent events and long polling: proxy_buffering off; in that location",
			},
			Learn: "HTTP cannot take back a status once it was sent, so the only way to signal a failure in the body is to cut the connection. " +
				"curl -sS -o /dev/null -w '%{http_code} %{size_download}\\n' shows 200 with fewer bytes than Content-Length, and curl reports \"transfer closed with N bytes remaining to read\". " +
				"Read: https://nginx.org/r/proxy_read_timeout and https://nginx.org/r/proxy_temp_path.",
		},
	}
}
