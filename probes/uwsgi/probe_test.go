package uwsgi

import (
	"context"
	"strings"
	"testing"
	"time"

	"ngx502/probes/cgiwire"
	"ngx502/probes/cgiwire/cgiwiretest"
	"ngx502/probes/nginxtest"
)

func suite() cgiwiretest.Suite {
	return cgiwiretest.Suite{
		Module:      "uwsgi",
		Application: "a uwsgi application",
		Probe:       Probe,
		Explain:     Explain,
		Command:     Command,
		Protocol:    protocol(),
		Server:      nginxtest.UWSGIServer,
		AnswerVars:  map[string]string{"PATH_INFO": "/app/a b"},
		OverrideOrder: "QUERY_STRING REQUEST_METHOD CONTENT_TYPE CONTENT_LENGTH REQUEST_URI PATH_INFO DOCUMENT_ROOT SERVER_PROTOCOL " +
			"REQUEST_SCHEME HTTPS REMOTE_ADDR REMOTE_PORT SERVER_PORT SERVER_NAME HTTP_HOST SCRIPT_NAME HTTP_USER_AGENT",
		SameBytesAt: []int{0, 3}, // modifier1 and modifier2
	}
}

func TestProbe(t *testing.T) { cgiwiretest.Run(t, suite()) }

// Variables past the uint16 packet size fail before connecting, in nginx's words.
func TestTooBigForOnePacket(t *testing.T) {
	big := strings.Repeat("a", 30000)
	r := Probe(context.Background(), Request{Address: nginxtest.Refusing(t),
		Params: []Param{{Name: "X_A", Value: big}, {Name: "X_B", Value: big}, {Name: "X_C", Value: big}}}, time.Second)
	if r.Phase != cgiwire.PhaseWrite || r.Err == nil || r.Timing.Connect != 0 || !strings.HasPrefix(r.Command, "# uwsgi request is too big: ") {
		t.Fatalf("phase %q err %v connect %s command %.60s", r.Phase, r.Err, r.Timing.Connect, r.Command)
	}
	if e := Explain(r); !strings.Contains(e, "does not fit in one uwsgi packet (uwsgi request is too big: ") || !strings.Contains(e, "refuses it with a 500") {
		t.Errorf("Explain = %q", e)
	}
}
