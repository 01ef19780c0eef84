package nginx

import "testing"

func TestParsePass(t *testing.T) {
	cases := []struct {
		dir, raw string
		want     Pass
	}{
		{"proxy_pass", "http://app", Pass{Scheme: "http", Host: "app"}},
		{"proxy_pass", "HTTPS://Api.example.com:8443/v2/?x=1", Pass{Scheme: "https", Host: "Api.example.com", Port: 8443, URI: "/v2/?x=1"}},
		{"proxy_pass", "http://[::1]:8080/", Pass{Scheme: "http", Host: "::1", Port: 8080, URI: "/"}},
		{"proxy_pass", "http://unix:/run/app.sock:/api/", Pass{Scheme: "http", Unix: "/run/app.sock", URI: "/api/"}},
		{"proxy_pass", "http://unix:/run/app.sock", Pass{Scheme: "http", Unix: "/run/app.sock"}},
		{"proxy_pass", "$upstream", Pass{Host: "$upstream", Variable: true}},
		{"proxy_pass", "http://$host:$port$request_uri", Pass{Scheme: "http", Host: "$host", Variable: true}},
		{"proxy_pass", "ftp://x", Pass{}},
		{"fastcgi_pass", "127.0.0.1:9000", Pass{Scheme: "fastcgi", Host: "127.0.0.1", Port: 9000}},
		{"fastcgi_pass", "unix:/run/php/php-fpm.sock", Pass{Scheme: "fastcgi", Unix: "/run/php/php-fpm.sock"}},
		{"fastcgi_pass", "php", Pass{Scheme: "fastcgi", Host: "php"}},
		{"uwsgi_pass", "suwsgi://10.0.0.1:3031", Pass{Scheme: "suwsgi", Host: "10.0.0.1", Port: 3031}},
		{"uwsgi_pass", "uwsgi://unix:/tmp/u.sock", Pass{Scheme: "uwsgi", Unix: "/tmp/u.sock"}},
		{"scgi_pass", "localhost:4000", Pass{Scheme: "scgi", Host: "localhost", Port: 4000}},
		{"grpc_pass", "grpcs://[2001:db8::1]:443", Pass{Scheme: "grpcs", Host: "2001:db8::1", Port: 443}},
		{"grpc_pass", "127.0.0.1:50051", Pass{Scheme: "grpc", Host: "127.0.0.1", Port: 50051}},
		{"grpc_pass", "backend:99999", Pass{Scheme: "grpc", Host: "backend"}},
	}
	for _, c := range cases {
		got := ParsePass(c.dir, c.raw)
		c.want.Directive, c.want.Raw = c.dir, c.raw
		if got != c.want {
			t.Errorf("ParsePass(%s %q)\n got %+v\nwant %+v", c.dir, c.raw, got, c.want)
		}
	}
}
