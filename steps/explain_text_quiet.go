package steps

// quietExplanations: the verdicts that name no cause (verdict.go's
// quietVerdict).
func quietExplanations() []Explanation {
	return []Explanation{
		{
			Cause: CauseHealthy,
			Meaning: "Nothing ngx502 looked at explains a 502 now: the error log has no current upstream failures, every upstream answered its probe and the config loads. " +
				"If users still see 502, it most likely comes from another hop, a load balancer, CDN or proxy in front of nginx or one behind the backend, " +
				"or it happened before the window ngx502 read.",
			LogLines: []string{
				"# lines a healthy box logs that are no 502:",
				`[info] 1234#1234: *97 client 127.0.0.1 closed keepalive connection`,
				`[info] 1234#1234: *99 client prematurely closed connection while reading upstream` + logCtx("GET /export.csv HTTP/1.1", "http://127.0.0.1:8080/export.csv"),
				`[warn] 1234#1234: *101 an upstream response is buffered to a temporary file /var/lib/nginx/proxy/0000000002 while reading upstream` + logCtx("GET /export.csv HTTP/1.1", "http://127.0.0.1:8080/export.csv"),
			},
			Decides: "The quiet verdict: no claim passes a cause rule of the verdict table. With the error log read and the upstreams probed it is rule \"no current failure\" with confidence high; " +
				"with only one of the two, medium. Failures of the past (rule \"recovered\") and warnings are listed as runner-ups.",
			Fix: []string{
				"curl -sv -o /dev/null -H 'Host: example.com' http://127.0.0.1/   # ask this nginx directly, past any load balancer",
				"curl -sI https://example.com/ | grep -i '^server:'   # which hop answers the public name (a CDN names itself)",
				"sudo ngx502 report --since 72h   # look further back",
				"sudo ngx502 report --follow   # print each new upstream error as nginx logs it",
			},
			Learn: "A 502 page names its maker: nginx's says \"nginx\" at the bottom, load balancers and CDNs use their own page and Server header. " +
				"Each proxy between the user and the application can answer 502 for its own next hop, so find the first hop that fails by asking each one directly, from the inside out. " +
				"Read: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/502.",
		},
		{
			Cause: CauseIncomplete,
			Meaning: "Some checks were cancelled or ran out of time before they had looked at everything, and what they did see shows no cause. " +
				"ngx502 does not call that healthy: an upstream it did not check or a part of the log it did not read may hold the answer.",
			LogLines: []string{
				"# nothing: this verdict is about ngx502's own run; the report lists each step that did not finish and why",
			},
			Decides: "When no claim is a cause and a step did not finish (Ctrl+C, its deadline), the verdict is rule \"did not finish\", confidence low, and ngx502 report exits 2. " +
				"A cause found by the steps that did finish is still named, at most with medium confidence.",
			Fix: []string{
				"sudo ngx502 report   # again, and let every step finish",
				"sudo ngx502 report --timeout 15s   # for upstreams slower than the 5s default",
				"sudo ngx502 report --since 1h   # read less of a very large error log",
			},
			Learn: "Every step has a deadline derived from --timeout, and each probe of an upstream waits at most --timeout; a backend that never answers uses all of it. " +
				"The steps that stopped early are the place to look: the upstream they were probing is often the slow one, and curl -w '%{time_starttransfer}' against it measures how slow. " +
				"Read: sudo ngx502 help.",
		},
		{
			Cause: CauseUnknown,
			Meaning: "ngx502 could not read enough to judge: neither nginx's error log nor its upstreams could be examined, usually because it ran without root, " +
				"or the config could not be read so the upstreams are unknown. It is no statement about nginx.",
			LogLines: []string{
				"# nothing ngx502 could read; nginx -t as a normal user prints, for the same reason:",
				`nginx: [alert] could not open error log file: open() "/var/log/nginx/error.log" failed (13: Permission denied)`,
			},
			Decides: "When the error-log step and the upstream step both could not run, or the config step failed without finding anything, the verdict is rule \"nothing could be read\", " +
				"confidence low, and ngx502 report exits 2.",
			Fix: []string{
				"sudo ngx502",
				"sudo ngx502 report --conf /etc/nginx/nginx.conf --error-log /var/log/nginx/error.log   # when nginx is not running or lives elsewhere",
				"sudo journalctl -u nginx -n 100   # when nginx logs to stderr or the journal",
			},
			Learn: "nginx's log files are usually readable only by root (and the adm group on Debian and Ubuntu), and the config may hold secrets, so ngx502 needs root to see what nginx sees. " +
				"ls -ld /var/log/nginx and sudo nginx -T | head show what is readable. " +
				"Read: https://nginx.org/r/error_log.",
		},
	}
}
