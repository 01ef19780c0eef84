package main

import (
	"strings"
	"testing"

	"ngx502/steps"
)

func TestExplainCommand(t *testing.T) {
	var out, errb strings.Builder
	if code := run([]string{"explain"}, &out, &errb); code != exitOK {
		t.Fatalf("ngx502 explain: exit %d, %s", code, errb.String())
	}
	for _, e := range steps.Explanations() {
		if !strings.Contains(out.String(), string(e.Cause)) {
			t.Errorf("the list lacks %s", e.Cause)
		}
	}
	out.Reset()
	if code := run([]string{"explain", "upstream-timeout"}, &out, &errb); code != exitOK || !strings.Contains(out.String(), "proxy_read_timeout") || !strings.Contains(out.String(), "How to fix it") {
		t.Errorf("ngx502 explain upstream-timeout: exit %d\n%s", code, out.String())
	}
	errb.Reset()
	if code := run([]string{"explain", "no-such-cause"}, &out, &errb); code != exitUsage || !strings.Contains(errb.String(), `no cause "no-such-cause"`) {
		t.Errorf("an unknown cause: exit %d, %q", code, errb.String())
	}
	if code := run([]string{"explain", "a", "b"}, &out, &errb); code != exitUsage {
		t.Errorf("two causes: exit %d", code)
	}
}
