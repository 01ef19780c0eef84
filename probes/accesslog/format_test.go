package accesslog

import (
	"errors"
	"strings"
	"testing"
)

func TestParseFormat(t *testing.T) {
	f := mustFormat(t, "combined")
	eq(t, f.Vars(), []string{"remote_addr", "remote_user", "time_local", "request", "status", "body_bytes_sent", "http_referer", "http_user_agent"})
	eq(t, f.Escape(), EscapeDefault)
	eq(t, f.lead, "")
	eq(t, f.toks[2].lit, `] "`)
	eq(t, f.toks[7].lit, `"`)

	f = mustFormat(t, `${Status}x$request_time${upstream_addr}`)
	eq(t, f.Vars(), []string{"status", "request_time", "upstream_addr"}) // nginx lower-cases names
	eq(t, f.Has("$STATUS"), true)
	eq(t, f.Has("host"), false)
	eq(t, f.toks[0].lit, "x")

	f = mustFormat(t, `escape=none $request`)
	eq(t, f.Escape(), EscapeNone)
	eq(t, f.String(), "$request")
	f = mustFormat(t, `escape=default [$status]`)
	eq(t, f.Escape(), EscapeDefault)
	eq(t, f.lead, "[")
	eq(t, mustFormat(t, "escape=json combined").Escape(), EscapeJSON)
	eq(t, EscapeJSON.String(), "json")
	eq(t, mustFormat(t, "no variables at all").Vars(), []string{})

	for _, bad := range []string{"", "$", "x $", "${status", "${}", "$-x", "a $ b", "escape=xml $status", "escape=json"} {
		if _, err := ParseFormat(bad); !errors.Is(err, ErrFormat) {
			t.Errorf("ParseFormat(%q) err = %v, want ErrFormat", bad, err)
		}
	}
}

func TestLacks(t *testing.T) {
	missing, line := mustFormat(t, "combined").Lacks()
	eq(t, missing, []string{"$upstream_status", "$upstream_addr", "$request_time", "$upstream_response_time", "$host", "$upstream_header_time"})
	eq(t, line, SuggestedLogFormat)
	if !strings.HasPrefix(line, "log_format ngx502 '"+Combined+" ") || !strings.HasSuffix(line, "';") {
		t.Errorf("suggestion %q does not extend combined", line)
	}
	missing, line = mustFormat(t, SuggestedFormat).Lacks()
	eq(t, missing, []string(nil))
	eq(t, line, "")
	missing, _ = mustFormat(t, `$http_host $upstream_status $upstream_addr $request_time $upstream_response_time $upstream_header_time`).Lacks()
	eq(t, missing, []string(nil)) // $http_host serves as the host
}

func TestParseLineAdjacentVariables(t *testing.T) {
	// a number ends where its digits do, so a variable may follow at once
	f := mustFormat(t, `[$status$http_user_agent]`)
	r := mustLine(t, f, `[502curl/8.1]`)
	eq(t, r.Status, 502)
	eq(t, r.UserAgent, "curl/8.1")
	// two text variables with nothing between: the second takes it all
	f = mustFormat(t, `$remote_addr$http_user_agent`)
	r = mustLine(t, f, `10.0.0.1curl`)
	eq(t, r.RemoteAddr, "")
	eq(t, r.UserAgent, "10.0.0.1curl")
}

func TestParseLineEscapeNone(t *testing.T) {
	// raw quotes: the last literal is the line's tail, so the value keeps its quote
	f := mustFormat(t, `escape=none $status "$http_user_agent"`)
	r := mustLine(t, f, `200 "say "hi" \x41"`)
	eq(t, r.UserAgent, `say "hi" \x41`)
}

func TestParseLineNoTimeNoStatus(t *testing.T) {
	f := mustFormat(t, `$request_method $uri?$args $server_protocol $server_name`)
	r := mustLine(t, f, `POST /login?next=%2F HTTP/2.0 shop.example`)
	eq(t, [3]string{r.Method, r.URI, r.Proto}, [3]string{"POST", "/login?next=%2F", "HTTP/2.0"})
	eq(t, r.Host, "shop.example")
	eq(t, r.Time.IsZero(), true)
	eq(t, r.Status, 0)
}
