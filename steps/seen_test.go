package steps

import "testing"

func TestLoggedURI(t *testing.T) {
	cases := []struct {
		upstream, request, want string
		ok                      bool
	}{
		{"http://127.0.0.1:18099/refused", "GET /x HTTP/1.1", "/refused", true},
		{"http://127.0.0.1:8081/api/x?y=1", "", "/api/x?y=1", true},
		{"http://unix:/tmp/ngxlab/sock/missing.sock:/", "GET /enoent HTTP/1.1", "/", true},
		{"http://unix:/run/app.sock:/app/v1?q", "", "/app/v1?q", true},
		{"fastcgi://unix:/run/php/php8.2-fpm.sock:", "GET /index.php?a=1 HTTP/1.1", "/index.php?a=1", true},
		{"fastcgi://127.0.0.1:9000", "GET /a b HTTP/1.1", "/a", true},
		{"", "GET http://evil/ HTTP/1.1", "", false},
		{"", "GET /a\x1b[2J HTTP/1.1", "", false},
		{"", "", "", false},
	}
	for _, c := range cases {
		got, ok := loggedURI(c.upstream, c.request)
		if got != c.want || ok != c.ok {
			t.Errorf("loggedURI(%q, %q) = %q %v, want %q %v", c.upstream, c.request, got, ok, c.want, c.ok)
		}
	}
}

func FuzzLoggedURI(f *testing.F) {
	f.Add("http://unix:/run/a.sock:/x", "GET / HTTP/1.1")
	f.Add("http://127.0.0.1:1/%zz", "")
	f.Fuzz(func(t *testing.T, upstream, request string) {
		uri, ok := loggedURI(upstream, request)
		if !ok {
			return
		}
		if _, safe := safeURI(uri); !safe {
			t.Fatalf("unsafe URI %q accepted", uri)
		}
	})
}
