// Package lab runs practice setups: a real nginx (the installed binary)
// in its own prefix on 127.0.0.1, in front of a backend broken in one
// known way. The scenario table is the one source of truth: `ngx502 lab`
// starts them for learners, and the test suite starts every one and
// checks that ngx502's verdict names the cause.
package lab

import (
	"fmt"

	"ngx502/steps"
)

// Scenario is one broken setup.
type Scenario struct {
	Name    string
	Summary string        // one line for `lab list`
	Cause   steps.CauseID // what ngx502 must conclude
	// Confidence is the least confidence the verdict may have.
	Confidence steps.Confidence
	// HTTP is the http{} content, a text/template over Data.
	HTTP string
	// Backends are started before nginx, in order: .B 0, .B 1, …
	Backends []Backend
	// Paths are requested through nginx after it starts, so that nginx
	// logs the failure as it would for a user; default "/" three times.
	Paths []string
	// Edited, when set, replaces HTTP in nginx.conf after the requests,
	// without a reload: the config on disk is not the one running.
	Edited string
	// Root: the scenario needs root (workers as another user, a mount
	// namespace).
	Root bool
	// Hosts, when set, is the /etc/hosts nginx sees (its own mount
	// namespace; needs root).
	Hosts string
	// Hint is what the learner should look at first (for `lab start`).
	Hint string
}

// Backend is a broken backend process: one of BackendMain's kinds, on a
// free 127.0.0.1 port, on [::1] (IPv6), or on a unix socket in the lab
// directory with Mode.
type Backend struct {
	Kind string
	Net  string // "tcp" (default), "tcp6" or "unix"
	Mode uint32 // unix: the socket's mode, 0 for 0666
}

// Data is what HTTP's template sees.
type Data struct {
	Port int      // nginx's port on 127.0.0.1
	Dir  string   // the lab directory (no trailing slash)
	B    []string // the backends' addresses as nginx writes them: 127.0.0.1:P, [::1]:P, unix:/path
	BP   []int    // their ports (0 for a socket)
	Free []string // addresses on which nothing listens: 127.0.0.1:P
}

// site is a server on the lab's port with location / holding body.
func site(body string) string {
	return `server {
    listen 127.0.0.1:{{.Port}};
    server_name lab.test;
    location / {
        ` + body + `
    }
}`
}

// Scenarios lists every lab, in the order `lab list` shows them.
func Scenarios() []Scenario {
	return []Scenario{
		{Name: "healthy", Summary: "a healthy control: nginx and its backend both fine",
			Cause: steps.CauseHealthy, Confidence: steps.High,
			HTTP: site("proxy_pass http://{{index .B 0}};"), Backends: []Backend{{Kind: kindOK}},
			Hint: "nothing is broken: see what a clean run looks like"},
		{Name: "upstream-down", Summary: "the backend is not running: connect() refused",
			Cause: steps.CauseRefused, Confidence: steps.High,
			HTTP: site("proxy_pass http://{{index .Free 0}};"),
			Hint: "what does the error log say nginx tried to connect to?"},
		{Name: "wrong-port", Summary: "the app runs, but nginx proxies to another port",
			Cause: steps.CauseRefused, Confidence: steps.High,
			HTTP: site("proxy_pass http://{{index .Free 0}};"), Backends: []Backend{{Kind: kindOK}},
			Hint: "compare the port nginx uses with the ports that listen (ss -ltnp)"},
		{Name: "slow-backend", Summary: "the backend answers after 3 s; proxy_read_timeout is 1s (504)",
			Cause: steps.CauseTimeout, Confidence: steps.High,
			HTTP: site("proxy_pass http://{{index .B 0}};\n        proxy_read_timeout 1s;"), Backends: []Backend{{Kind: kindSlow}},
			Hint: "users get 504, not 502: which timeout fired?"},
		{Name: "backend-crash", Summary: "the backend dies in the middle of its answer",
			Cause: steps.CauseClosed, Confidence: steps.High,
			HTTP: site("proxy_pass http://{{index .B 0}};"), Backends: []Backend{{Kind: kindCrash}},
			Hint: "nginx got half a response: what did it log?"},
		{Name: "reset", Summary: "the backend resets the connection (RST) instead of answering",
			Cause: steps.CauseReset, Confidence: steps.High,
			HTTP: site("proxy_pass http://{{index .B 0}};"), Backends: []Backend{{Kind: kindReset}},
			Hint: "errno 104 in the error log"},
		{Name: "big-header", Summary: "the backend sends an 8 KiB header; proxy_buffer_size is 4k",
			Cause: steps.CauseHeaderTooBig, Confidence: steps.High,
			HTTP: site("proxy_pass http://{{index .B 0}};\n        proxy_buffer_size 4k;"), Backends: []Backend{{Kind: kindBigHeader}},
			Hint: "the backend answers 200 to curl; nginx answers 502"},
		{Name: "missing-socket", Summary: "nginx proxies to a unix socket that does not exist",
			Cause: steps.CauseSocketMissing, Confidence: steps.High,
			HTTP: site("proxy_pass http://unix:{{.Dir}}/app.sock;"),
			Hint: "ls -l the socket path from the config"},
		{Name: "socket-permission", Summary: "the socket is root's, mode 0600: nginx's workers may not connect",
			Cause: steps.CauseSocketPerm, Confidence: steps.High, Root: true,
			HTTP: site("proxy_pass http://{{index .B 0}};"), Backends: []Backend{{Kind: kindOK, Net: "unix", Mode: 0o600}},
			Hint: "errno 13: which user do nginx's workers run as?"},
		{Name: "localhost-ipv6", Summary: "the app listens on [::1] only; nginx's localhost tries 127.0.0.1 first",
			Cause: steps.CauseLocalhostIPv6, Confidence: steps.High, Root: true,
			Hosts: "127.0.0.1 localhost\n::1 localhost ip6-localhost\n",
			HTTP:  site("proxy_pass http://localhost:{{index .BP 0}};"), Backends: []Backend{{Kind: kindOK, Net: "tcp6"}},
			Hint: "some requests work, some fail: what does localhost resolve to?"},
		{Name: "dead-resolver", Summary: "proxy_pass with a variable, and the resolver does not answer",
			Cause: steps.CauseResolver, Confidence: steps.Medium,
			HTTP: site("resolver {{index .Free 0}} ipv6=off;\n        resolver_timeout 1s;\n        set $app app.lab.invalid;\n        proxy_pass http://$app:80;"),
			Hint: "a variable in proxy_pass makes nginx resolve at request time"},
		{Name: "tls-to-plain", Summary: "proxy_pass https:// to a backend that speaks plain HTTP",
			Cause: steps.CauseTLS, Confidence: steps.High,
			HTTP: site("proxy_pass https://{{index .B 0}};"), Backends: []Backend{{Kind: kindOK}},
			Hint: "SSL_do_handshake() failed: what does the backend speak?"},
		{Name: "app-502", Summary: "the application itself answers 502 (nginx only passes it on)",
			Cause: steps.CauseUpstreamStatus, Confidence: steps.Medium,
			// The log format ngx502 suggests: it tells the app's 502 from nginx's.
			HTTP: "log_format upstream '$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent " +
				"\"$http_referer\" \"$http_user_agent\" host=$host us=$upstream_status ua=$upstream_addr " +
				"rt=$request_time urt=$upstream_response_time uht=$upstream_header_time';\naccess_log {{.Dir}}/logs/app.log upstream;\n" +
				site("proxy_pass http://{{index .B 0}};"), Backends: []Backend{{Kind: kindApp502}},
			Hint: "the error log is quiet: look at the access log and the app"},
		{Name: "all-failed", Summary: "every server of an upstream{} failed: no live upstreams",
			Cause: steps.CauseRefused, Confidence: steps.High, Paths: []string{"/", "/", "/", "/"},
			HTTP: `upstream pool {
    server {{index .Free 0}} max_fails=1 fail_timeout=30s;
    server {{index .Free 1}} max_fails=1 fail_timeout=30s;
}
` + site("proxy_pass http://pool;"),
			Hint: `"no live upstreams" is what nginx says after the real failures: find them`},
		{Name: "keepalive-idle", Summary: "the backend closes idle keep-alive connections after 1 s; nginx keeps them 60 s",
			Cause: steps.CauseKeepalive, Confidence: steps.Low, Paths: []string{"/", "/"},
			HTTP: `upstream app {
    server {{index .B 0}};
    keepalive 4;
}
` + site("proxy_pass http://app;\n        proxy_http_version 1.1;\n        proxy_set_header Connection \"\";"),
			Backends: []Backend{{Kind: kindIdle1s}},
			Hint:     "nothing failed yet: the race comes under load"},
		{Name: "not-reloaded", Summary: "the config was fixed on disk but nginx was never reloaded",
			Cause: steps.CauseConfigStale, Confidence: steps.High,
			HTTP:     site("proxy_pass http://{{index .Free 0}};"),
			Edited:   site("proxy_pass http://{{index .B 0}};"),
			Backends: []Backend{{Kind: kindOK}},
			Hint:     "the config looks right: what does nginx run?"},
	}
}

// Find returns the scenario called name.
func Find(name string) (Scenario, error) {
	for _, s := range Scenarios() {
		if s.Name == name {
			return s, nil
		}
	}
	return Scenario{}, fmt.Errorf("no lab %q: ngx502 lab list shows them", name)
}
