package scgi

import (
	"testing"
	"time"

	"ngx502/probes/cgiwire/cgiwiretest"
	"ngx502/probes/nginxtest"
)

func suite() cgiwiretest.Suite {
	return cgiwiretest.Suite{
		Module:      "scgi",
		Application: "an SCGI application",
		Probe:       Probe,
		Explain:     Explain,
		Command:     Command,
		Protocol:    protocol(),
		Server:      nginxtest.SCGIServer,
		AnswerVars:  map[string]string{"DOCUMENT_URI": "/app/a b", "CONTENT_LENGTH": "0", "SCGI": "1"},
		OverrideOrder: "CONTENT_LENGTH REQUEST_METHOD REQUEST_URI QUERY_STRING CONTENT_TYPE DOCUMENT_URI DOCUMENT_ROOT SCGI SERVER_PROTOCOL " +
			"REQUEST_SCHEME HTTPS REMOTE_ADDR REMOTE_PORT SERVER_PORT SERVER_NAME HTTP_HOST SCRIPT_NAME HTTP_USER_AGENT",
	}
}

func TestProbe(t *testing.T) { cgiwiretest.Run(t, suite()) }

// SCGI applications answer with a CGI Status header or an HTTP status line; without
// either nginx takes 200.
func TestStatusForms(t *testing.T) {
	s := suite()
	for reply, want := range map[string]int{
		"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\n\r\n": 503,
		"Status: 302 Found\r\nLocation: /login\r\n\r\n":              302,
		"Location: /login\r\n\r\n":                                   302,
		"Content-Type: text/plain\r\n\r\nok":                         200,
	} {
		r := s.ProbeLogged(t, Request{Address: nginxtest.SCGIServer(t, nginxtest.AppReply(reply)).Addr}, 5*time.Second)
		if r.Err != nil || r.Status != want {
			t.Errorf("%q: status %d err %v, want %d", reply, r.Status, r.Err, want)
		}
	}
}
