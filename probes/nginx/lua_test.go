package nginx

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	crossplane "github.com/nginxinc/nginx-go-crossplane"
)

// The three OpenResty snippets crossplane's Lua lexer gets wrong.
const (
	luaEscapedQuote = `content_by_lua_block { ngx.say("a \" b") }`
	luaLongBracket  = `access_by_lua_block { local s = [[ } ]] }`
	luaLineComment  = "rewrite_by_lua_block { -- }\n        }"
)

// openResty holds all three, a set_by_lua_block, an upstream and passes;
// the line numbers below are this text's.
const openResty = `http {
    upstream app { server 127.0.0.1:9001; }
    server {
        listen 8080;
        location /say {
            ` + luaEscapedQuote + `
            proxy_pass http://127.0.0.1:9002;
        }
        location /gate {
            ` + luaLongBracket + `
            set_by_lua_block $who { return "}" .. '{' }
            proxy_pass http://app;
        }
        location /rw {
            ` + luaLineComment + `
            proxy_pass http://app;
        }
        location / {
            content_by_lua_block {
                --[==[ a long comment with } and " in it ]==]
                local t = { "x", [[y]], '{' }
            }
            proxy_pass http://app;
        }
    }
}
`

// crossplaneAlone parses text as crossplane does with its own Lua lexer.
func crossplaneAlone(t *testing.T, text string) crossplane.Config {
	t.Helper()
	p, err := crossplane.Parse("/x.conf", &crossplane.ParseOptions{SingleFile: true,
		Open:       func(string) (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(text)), nil },
		LexOptions: crossplane.LexOptions{Lexers: []crossplane.RegisterLexer{(&crossplane.Lua{}).RegisterLexer()}}})
	if err != nil || len(p.Config) == 0 {
		t.Errorf("crossplane: %v", err) // not Fatal: fuzzing calls this off the test goroutine
		return crossplane.Config{}
	}
	return p.Config[0]
}

// What crossplane v0.4.89 does alone, which is why rewriteLua exists. If
// this fails after an upgrade, crossplane may have fixed its Lua lexer.
func TestCrossplaneAloneMisreadsLua(t *testing.T) {
	wrap := func(lua string) string {
		return "http {\n server {\n  location / {\n   " + lua + "\n  }\n  location /p { proxy_pass http://u; }\n }\n}\n"
	}
	for _, c := range []struct{ name, lua, err string }{
		{"escaped quote", luaEscapedQuote, "premature end of file"},
		{"long bracket", luaLongBracket, `unexpected "}"`},
	} {
		cfg := crossplaneAlone(t, wrap(c.lua))
		if len(cfg.Parsed) != 0 || len(cfg.Errors) != 1 || !strings.Contains(cfg.Errors[0].Error.Error(), c.err) {
			t.Errorf("%s: crossplane now gives %d directives, errors %v", c.name, len(cfg.Parsed), cfg.Errors)
		}
	}
	// "-- }" ends the block early: the Lua block's own '}' then closes the
	// location, and the next location lands outside its server.
	cfg := crossplaneAlone(t, wrap(luaLineComment))
	if len(cfg.Errors) == 0 || !strings.Contains(cfg.Errors[0].Error.Error(), `"location" directive is not allowed here`) {
		t.Errorf("line comment: crossplane now gives errors %v", cfg.Errors)
	}
}

func TestLoadOpenResty(t *testing.T) {
	prefix := tempPrefix(t, map[string]string{"nginx.conf": "events {}\ninclude site.conf;\n", "site.conf": openResty})
	c, err := Load(context.Background(), prefix+"nginx.conf", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Errors) != 0 || len(c.Servers) != 1 || len(c.Upstreams) != 1 {
		t.Fatalf("errors %v servers %+v upstreams %+v", c.Errors, c.Servers, c.Upstreams)
	}
	site := prefix + "site.conf"
	var got []string
	for _, l := range c.Servers[0].Locations {
		got = append(got, l.Match+" "+l.Where.String()+" "+l.Pass.Raw+" "+l.Pass.Where.String())
	}
	want := []string{
		"/say " + site + ":5 http://127.0.0.1:9002 " + site + ":7",
		"/gate " + site + ":9 http://app " + site + ":12",
		"/rw " + site + ":14 http://app " + site + ":17",
		"/ " + site + ":19 http://app " + site + ":24",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("locations\n got %q\nwant %q", got, want)
	}
	eps := c.Endpoints()
	if len(eps) != 2 || eps[0].Address != "127.0.0.1:9001" || eps[0].Where != (Where{site, 2}) || len(eps[0].Routes) != 3 || eps[1].Address != "127.0.0.1:9002" {
		t.Fatalf("endpoints %+v", eps)
	}
	// The Lua text reaches the model, minimally changed.
	if d := c.Servers[0].Locations[0].Settings["content_by_lua_block"]; len(d.Args) != 1 || d.Args[0] != ` ngx.say("a \' b") ` || d.Where != (Where{site, 6}) {
		t.Fatalf("content_by_lua_block %+v", d)
	}
	if d := c.Servers[0].Locations[1].Settings["set_by_lua_block"]; len(d.Args) != 2 || d.Args[0] != "$who" || d.Args[1] != ` return "}" .. '{' ` {
		t.Fatalf("set_by_lua_block %+v", d)
	}
}

func TestLoadLuaWithoutEnd(t *testing.T) {
	cases := []struct {
		name, text string
		errors     []string // "line: message"
		locations  []string // match:line of each location kept
	}{
		{"guessed from its closing line", `http {
    server {
        location /lua {
            content_by_lua_block {
                local s = [[ never closed
            }
        }
        location / { proxy_pass http://127.0.0.1:9; }
    }
}
`, []string{"4: content_by_lua_block at site.conf:4: cannot find its end; skipped to line 6"}, []string{"/lua:3", "/:8"}},
		{"no closing line: the rest is skipped", `http {
    server {
        listen 8081;
        location / { proxy_pass http://127.0.0.1:9; }
        location /lua { content_by_lua_block { --[[ open
    }
}
`, []string{"5: content_by_lua_block at site.conf:5: cannot find its end; skipped the rest of the file"}, []string{"/:4", "/lua:5"}},
		{"a guess that unbalances the file is dropped", `http {
    server {
        location /a { access_by_lua_block { local s = [[
        }
        location /b { proxy_pass http://127.0.0.1:1; }
    }
}
`, []string{"3: access_by_lua_block at site.conf:3: cannot find its end; skipped the rest of the file"}, []string{"/a:3"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prefix := tempPrefix(t, map[string]string{"nginx.conf": "events {}\ninclude site.conf;\n", "site.conf": tc.text})
			c, err := Load(context.Background(), prefix+"nginx.conf", LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var errs []string
			for _, e := range c.Errors {
				if e.Where.File != prefix+"site.conf" {
					t.Errorf("error in the wrong file: %+v", e)
				}
				errs = append(errs, strings.TrimPrefix(e.Where.String(), e.Where.File+":")+": "+e.Message)
			}
			if strings.Join(errs, "\n") != strings.Join(tc.errors, "\n") {
				t.Fatalf("errors\n got %q\nwant %q", errs, tc.errors)
			}
			if len(c.Servers) != 1 {
				t.Fatalf("the server around the block must stay: %+v", c.Servers)
			}
			var locs []string
			for _, l := range c.Servers[0].Locations {
				locs = append(locs, l.Match+":"+strings.TrimPrefix(l.Where.String(), l.Where.File+":"))
			}
			if strings.Join(locs, " ") != strings.Join(tc.locations, " ") {
				t.Fatalf("locations %q, want %q", locs, tc.locations)
			}
		})
	}
}

// Every name rewriteLua leaves as Lua text must be one crossplane's Lua
// lexer takes over, or crossplane would read that text as nginx syntax.
func TestCrossplaneLuaNames(t *testing.T) {
	for name := range crossplaneLua {
		args := ""
		if name == "set_by_lua_block" {
			args = "$v "
		}
		cfg := crossplaneAlone(t, name+" "+args+"{ a(b) }\n")
		if len(cfg.Errors) != 0 || len(cfg.Parsed) != 1 || cfg.Parsed[0].Args[len(cfg.Parsed[0].Args)-1] != " a(b) " {
			t.Errorf("%s is not lexed as Lua by crossplane: %+v %v", name, cfg.Parsed, cfg.Errors)
		}
	}
	// Other *_by_lua_block names get an empty body and stay in the model.
	out, issues := rewriteLua([]byte("preread_by_lua_block { ngx.say(\"}\") }\nx 1;\n"))
	if len(issues) != 0 || string(out) != "preread_by_lua_block {              }\nx 1;\n" {
		t.Fatalf("%q %v", out, issues)
	}
}

func FuzzLuaBody(f *testing.F) {
	for _, s := range []string{` ngx.say("a \" b") }`, ` local s = [[ } ]] }`, " -- }\n}", ` --[==[ } ]=] ]==] }`,
		` "x\z
		  }" }`, " 'cut\n } ", ` [=[ `, ` {{ "\\" }} }`, " s = '\\\r\n' }"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		b := []byte(in)
		var end int
		within(t, 2*time.Second, "luaBody", func() { end = luaBody(b) })
		if len(b) != len(in) || bytes.Count(b, []byte("\n")) != strings.Count(in, "\n") {
			t.Fatalf("length or lines changed: %q → %q", in, b)
		}
		if end < 0 || !utf8.Valid(b) {
			return // crossplane reads runes: invalid UTF-8 comes back changed
		}
		if b[end] != '}' {
			t.Fatalf("end %d is not a brace in %q", end, b)
		}
		// crossplane's own Lua lexer must end the block at that same '}'.
		body := string(b[:end])
		var cfg crossplane.Config
		within(t, 2*time.Second, "crossplane", func() { cfg = crossplaneAlone(t, "content_by_lua_block {"+body+"}\nnext 1;\n") })
		want := 2 + strings.Count(body, "\n")
		if len(cfg.Errors) != 0 || len(cfg.Parsed) != 2 || cfg.Parsed[0].Args[0] != body || cfg.Parsed[1].Directive != "next" || cfg.Parsed[1].Line != want {
			t.Fatalf("crossplane reads %q differently: %+v %v", body, cfg.Parsed, cfg.Errors)
		}
	})
}

func FuzzRewriteLua(f *testing.F) {
	f.Add(openResty)
	f.Add("a { content_by_lua_block { [[ }\n}\n b;")
	f.Add("set_by_lua_block $x { '\n")
	f.Add("# content_by_lua_block {\n\"content_by_lua_block\" { x }")
	f.Fuzz(func(t *testing.T, in string) {
		out, issues := rewriteLua([]byte(in))
		if len(out) != len(in) || bytes.Count(out, []byte("\n")) != strings.Count(in, "\n") {
			t.Fatalf("length or lines changed: %q → %q", in, out)
		}
		for _, is := range issues {
			if is.Line < 1 || is.Line > strings.Count(in, "\n")+1 || (is.SkipTo != 0 && is.SkipTo < is.Line) {
				t.Fatalf("issue %+v outside %q", is, in)
			}
		}
	})
}

// within fails the test when f, a scan that must end, runs longer than d.
func within(t *testing.T, d time.Duration, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s did not return within %v", what, d)
	}
}
