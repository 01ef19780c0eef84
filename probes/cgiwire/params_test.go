package cgiwire

import (
	"fmt"
	"testing"
)

// testParam stands for a probe's own Param type.
type testParam struct{ Name, Value string }

func TestNginxParams(t *testing.T) {
	defaults := []testParam{{"QUERY_STRING", ""}, {"HTTPS", ""}, {"SERVER_NAME", "a"}}
	cases := []struct {
		name  string
		extra []testParam
		want  string
	}{
		{"defaults", nil, "[{QUERY_STRING } {SERVER_NAME a} {HTTP_USER_AGENT ua}]"},
		{"override in place, extras after", []testParam{{"X", "1"}, {"SERVER_NAME", "b"}, {"HTTPS", "on"}},
			"[{QUERY_STRING } {HTTPS on} {SERVER_NAME b} {X 1} {HTTP_USER_AGENT ua}]"},
		{"a param carries the user agent", []testParam{{"HTTP_USER_AGENT", "mine"}},
			"[{QUERY_STRING } {SERVER_NAME a} {HTTP_USER_AGENT mine}]"},
	}
	for _, c := range cases {
		if got := fmt.Sprint(NginxParams(defaults, c.extra, "ua")); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
	if fmt.Sprint(defaults) != "[{QUERY_STRING } {HTTPS } {SERVER_NAME a}]" {
		t.Errorf("defaults changed: %v", defaults)
	}
	if DocumentURI("/a%20b") != "/a b" || DocumentURI("/bad%zz") != "/bad%zz" || HostOnly("h:8080") != "h" || HostOnly("[::1]:80") != "::1" || HostOnly("h") != "h" {
		t.Errorf("DocumentURI/HostOnly")
	}
}
