package errlog

import (
	"testing"
)

// TestClassifySamples asserts Kind, Status and Peer for real lab lines,
// each found by a needle that must match exactly one line of the file.
func TestClassifySamples(t *testing.T) {
	const (
		fullSock = "unix:/tmp/ngxlab/sock/full.sock"
	)
	tests := []struct {
		scenario, needle string
		kind             Kind
		status           int
		peer             string
	}{
		{"refused", "*133 ", KindRefused, 502, "127.0.0.1:18099"},
		{"refused 1.31.5", "*39 ", KindRefused, 502, "127.0.0.1:18099"},
		{"enoent", "*135 ", KindSocketMissing, 502, "unix:/tmp/ngxlab/sock/missing.sock"},
		{"eacces", "*137 ", KindSocketPermission, 502, "unix:/tmp/ngxlab/sock/rootonly.sock"},
		{"stale unix refused", "*139 ", KindRefused, 502, "unix:/tmp/ngxlab/sock/stale.sock"},
		{"bighdr", "*141 ", KindHeaderTooBig, 502, "127.0.0.1:18002"},
		{"closed", "*143 ", KindClosed, 502, "127.0.0.1:18003"},
		{"reset", "*145 ", KindReset, 502, "127.0.0.1:18004"},
		{"slow", "*147 ", KindTimeout, 504, "127.0.0.1:18005"},
		{"badhdr", "*149 ", KindInvalidResponse, 502, "127.0.0.1:18006"},
		{"garbage (HTTP/0.9, access log 009)", "*151 ", KindInvalidResponse, 0, "127.0.0.1:18007"},
		{"short body", "*161 ", KindTruncated, 0, "127.0.0.1:18010"},
		{"badchunk", "*163 ", KindTruncated, 0, "127.0.0.1:18011"},
		{"slowbody", "*165 ", KindTruncated, 0, "127.0.0.1:18014"},
		{"twodead first peer", "[error] 3459#3459: *169 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: lab.example, request: \"GET /twodead HTTP/1.1\", upstream: \"http://127.0.0.1:18091", KindRefused, 502, "127.0.0.1:18091"},
		{"twodead disabled companion", "[warn] 3459#3459: *169 upstream server temporarily disabled while connecting to upstream, client: 127.0.0.1, server: lab.example, request: \"GET /twodead HTTP/1.1\", upstream: \"http://127.0.0.1:18091", KindNone, 0, "127.0.0.1:18091"},
		{"twodead", "*172 ", KindNoLive, 502, "twodead"},
		{"dual ::1", "[error] 3459#3459: *173 ", KindRefused, 502, "[::1]:18001"},
		{"tlsplain", "*176 ", KindTimeout, 504, "127.0.0.1:18001"},
		{"tls400", "*178 ", KindTLS, 502, "127.0.0.1:18018"},
		{"tlsclose", "*180 ", KindTLS, 502, "127.0.0.1:18024"},
		{"tlsrst", "*182 ", KindTLS, 502, "127.0.0.1:18025"},
		{"tlsverify", "*184 ", KindTLS, 502, "127.0.0.1:18026"},
		{"tlsmismatch", "*186 ", KindTLS, 502, "127.0.0.1:18028"},
		{"tlsnosni", "*188 ", KindTLS, 502, "127.0.0.1:18027"},
		{"fcgihttp", "*192 ", KindInvalidResponse, 502, "127.0.0.1:18001"},
		{"fcgi404", "*194 ", KindFastCGI, 404, "127.0.0.1:18021"},
		{"fcgiclose", "*198 ", KindClosed, 502, "127.0.0.1:18023"},
		{"grpchttp", "*200 ", KindInvalidResponse, 502, "127.0.0.1:18001"},
		{"uwsgiclosed", "*202 ", KindClosed, 502, "127.0.0.1:18003"},
		{"noresolver", "*204 ", KindResolver, 502, "backend.invalid"},
		{"resolvfail", "*205 ", KindResolver, 502, "backend.invalid"},
		{"emptyvar", "*208 ", KindConfig, 500, ""},
		{"conntimeout", "*209 ", KindTimeout, 504, "127.0.0.1:18019"},
		{"full backlog", "*217 ", KindBusy, 502, fullSock},
		{"clte", "*59 ", KindInvalidResponse, 502, "127.0.0.1:18008"},
		{"dupte", "*61 ", KindInvalidResponse, 502, "127.0.0.1:18009"},
		{"dupcl", "*63 ", KindInvalidResponse, 502, "127.0.0.1:18015"},
		{"unkte", "*65 ", KindInvalidResponse, 502, "127.0.0.1:18016"},
		{"kacdef POST", "*119 ", KindClosed, 502, "127.0.0.1:18020"},
		{"static 404 is not upstream", "*110 ", KindNone, 0, ""},
		{"EMFILE socket()", "*3 socket() failed", KindTooManyFiles, 500, "127.0.0.1:18005"},
		{"worker_connections reusing", "reusing connections", KindTooManyFiles, 0, ""},
		{"emerg host not found", "[emerg] 5935#5935", KindConfig, 0, "nonexistent-host.invalid"},
		{"truncated 2047", "*227 ", KindRefused, 502, ""},
		{"raw quotes", "*229 ", KindRefused, 502, "127.0.0.1:18099"},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			e := mustParse(t, sampleLine(t, tt.needle))
			if k := Classify(e); k != tt.kind {
				t.Errorf("Classify = %q, want %q (message %q)", k, tt.kind, e.Message)
			}
			if s := Status(e); s != tt.status {
				t.Errorf("Status = %d, want %d", s, tt.status)
			}
			if p := Peer(e); p != tt.peer {
				t.Errorf("Peer = %q, want %q", p, tt.peer)
			}
		})
	}
}

// TestClassifyBuilt covers shapes from nginx-errors.md §3 that the lab did
// not produce; lines are built with nginx's grammar.
func TestClassifyBuilt(t *testing.T) {
	const ctx = ", client: 10.0.0.1, server: app.example, request: \"POST /api HTTP/1.1\", upstream: \"http://10.0.0.5:8080/api\", host: \"app.example\""
	const pre = "2026/11/25 12:00:00 [error] 11#11: *42 "
	tests := []struct {
		name, line string
		kind       Kind
		status     int
		peer       string
	}{
		{"selinux TCP EACCES", "2026/11/25 12:00:00 [crit] 11#11: *42 connect() to 10.0.0.5:8080 failed (13: Permission denied) while connecting to upstream" + ctx, KindPermission, 502, "10.0.0.5:8080"},
		{"port exhaustion glibc", "2026/11/25 12:00:00 [crit] 11#11: *42 connect() to 10.0.0.5:8080 failed (99: Cannot assign requested address) while connecting to upstream" + ctx, KindPortExhaustion, 502, "10.0.0.5:8080"},
		{"port exhaustion musl", "2026/11/25 12:00:00 [crit] 11#11: *42 connect() to 10.0.0.5:8080 failed (99: Address not available) while connecting to upstream" + ctx, KindPortExhaustion, 502, "10.0.0.5:8080"},
		{"no route", pre + "connect() failed (113: No route to host) while connecting to upstream" + ctx, KindUnreachable, 502, "10.0.0.5:8080"},
		{"musl unreachable", pre + "connect() failed (113: Host is unreachable) while connecting to upstream" + ctx, KindUnreachable, 502, "10.0.0.5:8080"},
		{"network unreachable v6", pre + "connect() failed (101: Network is unreachable) while connecting to upstream, client: 1.1.1.1, server: a, request: \"GET / HTTP/1.1\", upstream: \"http://[2001:db8::1]:80/\", host: \"a\"", KindUnreachable, 502, "[2001:db8::1]:80"},
		{"kernel connect timeout is 502", pre + "connect() failed (110: Connection timed out) while connecting to upstream" + ctx, KindTimeout, 502, "10.0.0.5:8080"},
		{"old nginx Unknown error", pre + "connect() failed (111: Unknown error) while connecting to upstream" + ctx, KindRefused, 502, "10.0.0.5:8080"},
		{"send timeout 504", pre + "upstream timed out (110: Connection timed out) while sending request to upstream" + ctx, KindTimeout, 504, "10.0.0.5:8080"},
		{"musl timeout text", pre + "upstream timed out (110: Operation timed out) while reading response header from upstream" + ctx, KindTimeout, 504, "10.0.0.5:8080"},
		{"unix timeout without colon", pre + "upstream timed out (110: Connection timed out) while reading response header from upstream, client: 1.1.1.1, server: a, request: \"GET /full HTTP/1.1\", upstream: \"http://unix:/tmp/ngxlab/sock/full.sock/\", host: \"a\"", KindTimeout, 504, "unix:/tmp/ngxlab/sock/full.sock"},
		{"fastcgi unix socket", "2026/11/25 12:00:00 [crit] 11#11: *42 connect() to unix:/run/php/php8.1-fpm.sock failed (2: No such file or directory) while connecting to upstream, client: 1.1.1.1, server: a, request: \"GET /i.php HTTP/1.1\", upstream: \"fastcgi://unix:/run/php/php8.1-fpm.sock:\", host: \"a\"", KindSocketMissing, 502, "unix:/run/php/php8.1-fpm.sock"},
		{"unix:/// verbatim", pre + "upstream prematurely closed connection while reading response header from upstream, client: 1.1.1.1, server: a, request: \"GET / HTTP/1.1\", upstream: \"uwsgi://unix:///var/sockets/x.sock:\", host: \"a\"", KindClosed, 502, "unix:/var/sockets/x.sock"},
		{"broken pipe on send", pre + "writev() failed (32: Broken pipe) while sending request to upstream" + ctx, KindClosed, 502, "10.0.0.5:8080"},
		{"sendfile reset", pre + "sendfile() failed (104: Connection reset by peer) while sending request to upstream" + ctx, KindReset, 502, "10.0.0.5:8080"},
		{"readv reset mid-body", pre + "readv() failed (104: Connection reset by peer) while reading upstream" + ctx, KindTruncated, 0, "10.0.0.5:8080"},
		{"temp file denied mid-body", "2026/11/25 12:00:00 [crit] 11#11: *42 open() \"/var/lib/nginx/proxy/1/00/0000000001\" failed (13: Permission denied) while reading upstream" + ctx, KindTruncated, 0, "10.0.0.5:8080"},
		{"buffered to temp file warn", "2026/11/25 12:00:00 [warn] 11#11: *42 an upstream response is buffered to a temporary file /var/lib/nginx/proxy/1/00/0000000001 while reading upstream" + ctx, KindNone, 0, "10.0.0.5:8080"},
		{"websocket idle info", "2026/11/25 12:00:00 [info] 11#11: *42 upstream timed out (110: Connection timed out) while proxying upgraded connection" + ctx, KindNone, 0, "10.0.0.5:8080"},
		{"client closed info", "2026/11/25 12:00:00 [info] 11#11: *42 client prematurely closed connection while reading upstream" + ctx, KindNone, 0, "10.0.0.5:8080"},
		{"client TLS handshake", "2026/11/25 12:00:00 [crit] 11#11: *42 SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share) while SSL handshaking, client: 1.2.3.4, server: 0.0.0.0:443", KindNone, 0, ""},
		{"client reset", "2026/11/25 12:00:00 [info] 11#11: *42 recv() failed (104: Connection reset by peer) while reading client request line, client: 1.2.3.4, server: 0.0.0.0:80", KindNone, 0, ""},
		{"unrecognized name TLS crit", "2026/11/25 12:00:00 [crit] 11#11: *42 SSL_do_handshake() failed (SSL: error:0A000458:SSL routines::tlsv1 unrecognized name:SSL alert number 112) while SSL handshaking to upstream" + ctx, KindTLS, 502, "10.0.0.5:8080"},
		{"SSL_read eof old nginx", "2026/11/25 12:00:00 [crit] 11#11: *42 SSL_read() failed (SSL: error:0A000126:SSL routines::unexpected eof while reading) while reading response header from upstream" + ctx, KindClosed, 502, "10.0.0.5:8080"},
		{"musl EMFILE", "2026/11/25 12:00:00 [alert] 11#11: *42 socket() failed (24: No file descriptors available) while connecting to upstream" + ctx, KindTooManyFiles, 500, "10.0.0.5:8080"},
		{"accept4 EMFILE", "2026/11/25 12:00:00 [crit] 11#11: accept4() failed (24: Too many open files)", KindTooManyFiles, 0, ""},
		{"accept4 other", "2026/11/25 12:00:00 [alert] 11#11: accept4() failed (22: Invalid argument)", KindNone, 0, ""},
		{"no port runtime", pre + "no port in upstream \"backend\", client: 1.1.1.1, server: a, request: \"GET / HTTP/1.1\", host: \"a\"", KindConfig, 500, "backend"},
		{"bind invalid", "2026/11/25 12:00:00 [crit] 11#11: *42 bind(192.0.2.1) failed (99: Cannot assign requested address) while connecting to upstream" + ctx, KindConfig, 500, "10.0.0.5:8080"},
		{"resolver nxdomain", pre + "app could not be resolved (3: Host not found), client: 1.1.1.1, server: a, request: \"GET / HTTP/1.1\", host: \"a\"", KindResolver, 502, "app"},
		{"http2 goaway", pre + "upstream sent goaway with error 11 while reading response header from upstream, client: 1.1.1.1, server: a, request: \"GET / HTTP/2.0\", upstream: \"grpc://10.0.0.5:50051\", host: \"a\"", KindReset, 502, "10.0.0.5:50051"},
		{"duplicate ignored warn", "2026/11/25 12:00:00 [warn] 11#11: *42 upstream sent duplicate header line: \"Date: x\", previous value: \"Date: y\", ignored while reading response header from upstream" + ctx, KindNone, 0, "10.0.0.5:8080"},
		{"invalid header at info (1.21.1-1.21.3)", "2026/11/25 12:00:00 [info] 11#11: *42 upstream sent invalid header: \"x-id\\x20...\" while reading response header from upstream" + ctx, KindInvalidResponse, 502, "10.0.0.5:8080"},
		{"php fatal", pre + "FastCGI sent in stderr: \"PHP message: PHP Fatal error:  boom\" while reading response header from upstream, client: 1.1.1.1, server: a, request: \"GET / HTTP/1.1\", upstream: \"fastcgi://unix:/run/php/php-fpm.sock:\", host: \"a\"", KindFastCGI, 500, "unix:/run/php/php-fpm.sock"},
		{"fastcgi request truncated", pre + "upstream prematurely closed FastCGI request while reading upstream" + ctx, KindTruncated, 0, "10.0.0.5:8080"},
		{"fastcgi stdout closed", pre + "upstream prematurely closed FastCGI stdout while reading response header from upstream" + ctx, KindClosed, 502, "10.0.0.5:8080"},
		{"emerg unknown directive", "2026/11/25 12:00:00 [emerg] 1#1: unknown directive \"proxy_pas\" in /etc/nginx/sites-enabled/app:12", KindConfig, 0, ""},
		{"emerg bind in use is not config", "2026/11/25 12:00:00 [emerg] 1#1: bind() to 0.0.0.0:80 failed (98: Address already in use)", KindNone, 0, ""},
		{"worker exited", "2026/11/25 12:00:00 [alert] 1#1: worker process 1234 exited on signal 9", KindNone, 0, ""},
		{"unknown upstream error", pre + "upstream did something new while reading response header from upstream" + ctx, KindOther, 0, "10.0.0.5:8080"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := mustParse(t, tt.line)
			if k := Classify(e); k != tt.kind {
				t.Errorf("Classify = %q, want %q (message %q, action %q)", k, tt.kind, e.Message, e.Action)
			}
			if s := Status(e); s != tt.status {
				t.Errorf("Status = %d, want %d", s, tt.status)
			}
			if p := Peer(e); p != tt.peer {
				t.Errorf("Peer = %q, want %q", p, tt.peer)
			}
		})
	}
}
