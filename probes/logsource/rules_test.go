package logsource

import (
	"testing"
)

func TestMatchSelectors(t *testing.T) {
	nginxErr := message{facility: 23, severity: 3, tag: "nginx"}
	tests := []struct {
		sel  string
		m    message
		want tri
	}{
		{"*.*", nginxErr, yes},
		{"*.*;local7.none", nginxErr, no},
		{"local7.none;*.*", nginxErr, yes}, // a later selector overrides
		{"local7.err", nginxErr, yes},
		{"local7.crit", nginxErr, no},
		{"local7.=err", nginxErr, yes},
		{"local7.=warning", nginxErr, no},
		{"local7.*;local7.!err", nginxErr, no},
		{"local7.*;local7.!crit", nginxErr, yes},
		{"local7.*;local7.!=err", nginxErr, no},
		{"local7.*;local7.!=crit", nginxErr, yes},
		{"*.info;mail.none;authpriv.none;cron.none", nginxErr, yes},
		{"uucp,news.crit", nginxErr, no},
		{"local6,local7.warn", nginxErr, yes},
		{"*.emerg", nginxErr, no},
		{"security.*", message{facility: 4, severity: 6}, yes},
	}
	for _, tc := range tests {
		sels, _, err := parseSelectorLine(tc.sel + " /x")
		if err != nil {
			t.Errorf("%s: %v", tc.sel, err)
			continue
		}
		if got := matchSelectors(sels, tc.m); got != tc.want {
			t.Errorf("%s on %+v = %v, want %v", tc.sel, tc.m, got, tc.want)
		}
	}
	for _, bad := range []string{"local8.* /x", "local7.bogus /x", "local7 /x", "local7.*", "if $x then /y", ":programname, isequal, \"x\" /y"} {
		if _, _, err := parseSelectorLine(bad); err == nil {
			t.Errorf("%q parsed as a selector line", bad)
		}
	}
}

func TestEvalCondition(t *testing.T) {
	m := message{facility: 23, severity: 3, tag: "nginx"}
	tests := []struct {
		cond string
		want tri
	}{
		{`$programname == 'nginx'`, yes},
		{`$programname == "web"`, no},
		{`$programname != 'web'`, yes},
		{`$programname == ['web', 'nginx']`, yes},
		{`$syslogtag startswith 'ngi'`, yes},
		{`$syslogtag contains_i 'NGINX:'`, yes},
		{`$syslogfacility-text == 'local7' and $syslogseverity <= 3`, yes},
		{`$syslogseverity-text == 'err'`, yes},
		{`$syslogseverity < 3`, no},
		{`not ($programname == 'nginx')`, no},
		{`$programname == 'web' or $programname == 'nginx'`, yes},
		{`$msg contains 'upstream'`, maybe},
		{`$programname == 'nginx' and $msg contains 'x'`, maybe},
		{`$programname == 'web' and $msg contains 'x'`, no},
		{`$programname == 'nginx' or $msg contains 'x'`, yes},
		{`re_match($programname, '^ngi')`, maybe},
		{`$programname == `, maybe},
		{`(((`, maybe},
	}
	for _, tc := range tests {
		if got := evalCondition(tc.cond, m); got != tc.want {
			t.Errorf("%s = %v, want %v", tc.cond, got, tc.want)
		}
	}
}

func TestPropertyFilter(t *testing.T) {
	m := message{facility: 23, severity: 3, tag: "nginx"}
	tests := []struct {
		line, act string
		want      tri
	}{
		{`:programname, isequal, "nginx" /var/log/n.log`, "/var/log/n.log", yes},
		{`:programname,!isequal,"nginx" /var/log/n.log`, "/var/log/n.log", no},
		{`:syslogtag, startswith, "ngi" -/var/log/n.log;RSYSLOG_FileFormat`, "-/var/log/n.log;RSYSLOG_FileFormat", yes},
		{`:programname, regex, "^ngi.x$" /x`, "/x", yes},
		{`:programname, regex, "^(nginx)$" /x`, "/x", maybe},
		{`:programname, ereregex, "^(nginx|web)$" /x`, "/x", yes},
		{`:msg, contains, "upstream" /x`, "/x", maybe},
		{`:hostname, isequal, "web1" /x`, "/x", maybe},
	}
	for _, tc := range tests {
		f, act, ok := parsePropertyFilter(tc.line)
		if !ok || act != tc.act {
			t.Errorf("%s: ok %v, action %q, want %q", tc.line, ok, act, tc.act)
			continue
		}
		if got := f.eval(m); got != tc.want {
			t.Errorf("%s = %v, want %v", tc.line, got, tc.want)
		}
	}
}

func TestSyslogNGFilters(t *testing.T) {
	f := ngFilterEval{m: message{facility: 23, severity: 3, tag: "nginx"}, memo: map[string]tri{}, filters: map[string]ngObj{
		"f_loop": {body: lexSyslogNG(`filter(f_loop) or filter(f_loop);`, 1)},
		"f_ng":   {body: lexSyslogNG(`program("nginx");`, 1)},
	}}
	tests := []struct {
		expr string
		want tri
	}{
		{`program("nginx");`, yes},
		{`program("^ngi");`, yes},
		{`program("NGINX" flags(ignore-case));`, yes},
		{`program("ngi" type("string"));`, no},
		{`program("ngi" type("string") flags("prefix"));`, yes},
		{`program("ng*" type(glob));`, yes},
		{`match("nginx" value("PROGRAM"));`, yes},
		{`match("upstream" value("MESSAGE"));`, maybe},
		{`facility(local6, local7) and level(err..emerg);`, yes},
		{`level(info, notice, warn);`, no},
		{`level(warning .. emerg) and not facility(auth);`, yes},
		{`not filter(f_ng);`, no},
		{`filter(f_loop);`, maybe},
		{`filter(f_missing);`, maybe},
		{`host("web1") and program("nginx");`, maybe},
		{`host("web1") or program("nginx");`, yes},
		{`(facility(mail) or facility(local7)) and program(nginx);`, yes},
		{`facility(bogus);`, maybe},
	}
	for _, tc := range tests {
		if got := f.eval(lexSyslogNG(tc.expr, 1), 0); got != tc.want {
			t.Errorf("%s = %v, want %v", tc.expr, got, tc.want)
		}
	}
}
