package grpcprobe

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"ngx502/probes/nginxtest"
)

// Through a real nginx (grpc_pass to the h2c health server) the probe gets the same
// answer as directly: nginx relays grpc-status in the trailers. nginx's :authority is
// the grpc_pass address, not the client's.
func TestThroughNginx(t *testing.T) {
	srv := nginxtest.GRPCHealth(t, "NOT_SERVING")
	n := nginxtest.Start(t, nginxtest.Options{HTTP: fmt.Sprintf(`server {
    listen 127.0.0.1:{{.Port}} http2;
    location / { grpc_pass grpc://%s; }
}`, srv.Addr)})
	r := probe(t, Request{Address: n.Addr, Host: "api.example"}, 5*time.Second)
	if r.Err != nil || r.Status != 200 || r.GRPCStatus != 0 || r.Serving != "NOT_SERVING" {
		t.Fatalf("via nginx: status %d grpc %d serving %q err %v\n%s", r.Status, r.GRPCStatus, r.Serving, r.Err, n.ErrorLogText())
	}
	if got, _ := srv.Last(); got.Authority != srv.Addr || got.Header.Get("Te") != "trailers" || string(got.Body) != healthRequest {
		t.Errorf("nginx passed %+v", got)
	}
}

// nginx's own HTTP/1.1 port is the classic grpc_pass mistake seen from the probe.
func TestNginxHTTP1Port(t *testing.T) {
	n := nginxtest.Start(t, nginxtest.Options{})
	r := probe(t, Request{Address: n.Addr}, 5*time.Second)
	if e := Explain(r); r.Phase != PhaseHeader || !strings.Contains(e, `is not HTTP/2: it answered "HTTP/1.1 400 Bad Request" (HTTP/1.x)`) ||
		!strings.Contains(e, `"upstream sent too large http2 frame: 4740180"`) {
		t.Errorf("phase %q: %s", r.Phase, e)
	}
}
