package cgiwiretest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"ngx502/probes/cgiwire"
	"ngx502/probes/nginxtest"
)

// getAs asks nginx for path with only Host and User-Agent, so that the variables nginx
// derives from request headers are the ones the probe sends.
func getAs(t *testing.T, n *nginxtest.Nginx, path, host string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+n.Addr+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	req.Header.Set("User-Agent", cgiwire.UserAgent)
	tr := &http.Transport{Proxy: nil, DisableCompression: true} // no Accept-Encoding, no Connection: close
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatalf("GET via nginx: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, string(b)
}

// The probe's request carries the variables nginx sends through Debian's params file,
// by name and in order, and nginx reads the backend's answer as the probe does.
func testSameVarsAsNginx(t *testing.T, s Suite) {
	app := s.Server(t, nginxtest.AppReply("Status: 201 Created\r\nContent-Type: text/plain\r\n\r\nmade"))
	n := nginxtest.Start(t, nginxtest.Options{HTTP: fmt.Sprintf(`server {
    listen 127.0.0.1:{{.Port}};
    server_name test.local;
    location / {
        include /etc/nginx/%[1]s_params;
        %[1]s_param SCRIPT_NAME /app;
        %[1]s_pass %[2]s;
    }
}`, s.Module, app.Addr)})
	status, body := getAs(t, n, "/app/x?q=1", "test.local")
	if status != 201 || body != "made" {
		t.Fatalf("via nginx: %d %q\n%s", status, body, n.ErrorLogText())
	}
	viaNginx, _ := app.Last()
	r := s.ProbeLogged(t, cgiwire.Request{Address: app.Addr, Path: "/app/x?q=1", Host: "test.local", Params: []cgiwire.Param{{Name: "SCRIPT_NAME", Value: "/app"}}}, 5*time.Second)
	if r.Err != nil || r.Status != 201 {
		t.Fatalf("probe: %d %v", r.Status, r.Err)
	}
	direct, _ := app.Last()
	t.Logf("nginx sent %q", viaNginx.Vars)
	var nginxNames, probeNames []string
	for _, v := range viaNginx.Vars {
		nginxNames = append(nginxNames, v.Name)
	}
	for _, v := range direct.Vars {
		probeNames = append(probeNames, v.Name)
	}
	if !slices.Equal(nginxNames, probeNames) {
		t.Fatalf("variable names differ\nnginx %v\nprobe %v", nginxNames, probeNames)
	}
	for _, i := range s.SameBytesAt {
		if viaNginx.Raw[i] != direct.Raw[i] {
			t.Errorf("byte %d: nginx %d, probe %d", i, viaNginx.Raw[i], direct.Raw[i])
		}
	}
	for i, v := range viaNginx.Vars {
		switch v.Name {
		case "REMOTE_PORT", "SERVER_PORT", "DOCUMENT_ROOT":
		default:
			if direct.Vars[i].Value != v.Value {
				t.Errorf("%s: nginx %q, probe %q", v.Name, v.Value, direct.Vars[i].Value)
			}
		}
	}
}
