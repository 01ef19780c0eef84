package cgiwire

import (
	"fmt"
	"testing"
)

func TestNginxParams(t *testing.T) {
	defaults := []Param{{"QUERY_STRING", ""}, {"HTTPS", ""}, {"SERVER_NAME", "a"}}
	cases := []struct {
		name  string
		extra []Param
		want  string
	}{
		{"defaults", nil, "[{QUERY_STRING } {SERVER_NAME a} {HTTP_USER_AGENT ngx502-probe}]"},
		{"override in place, extras after", []Param{{"X", "1"}, {"SERVER_NAME", "b"}, {"HTTPS", "on"}},
			"[{QUERY_STRING } {HTTPS on} {SERVER_NAME b} {X 1} {HTTP_USER_AGENT ngx502-probe}]"},
		{"a param carries the user agent", []Param{{"HTTP_USER_AGENT", "mine"}},
			"[{QUERY_STRING } {SERVER_NAME a} {HTTP_USER_AGENT mine}]"},
	}
	for _, c := range cases {
		if got := fmt.Sprint(NginxParams(defaults, c.extra)); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
	if fmt.Sprint(defaults) != "[{QUERY_STRING } {HTTPS } {SERVER_NAME a}]" {
		t.Errorf("defaults changed: %v", defaults)
	}
	if got := fmt.Sprint(ConnectionVars("h:8080")); got != "[{SERVER_PROTOCOL HTTP/1.1} {REQUEST_SCHEME http} {HTTPS } {REMOTE_ADDR 127.0.0.1} {REMOTE_PORT 0} {SERVER_PORT 80} {SERVER_NAME h} {HTTP_HOST h:8080}]" {
		t.Errorf("ConnectionVars = %s", got)
	}
	if DocumentURI("/a%20b") != "/a b" || DocumentURI("/bad%zz") != "/bad%zz" || HostOnly("h:8080") != "h" || HostOnly("[::1]:80") != "::1" || HostOnly("h") != "h" {
		t.Errorf("DocumentURI/HostOnly")
	}
}
