package steps

import (
	"path/filepath"
	"strings"

	"ngx502/probes/fastcgi"
	"ngx502/probes/nginx"
)

// probeScript is the script a FastCGI probe asks for when neither the
// location nor the log names one: it does not exist, so php-fpm answers
// "Primary script unknown" (404) — alive, and no application code runs.
const probeScript = "/ngx502-probe.php"

// fcgiReq is the FastCGI request nginx sends for a location: its
// fastcgi_param lines evaluated for a GET of path.
type fcgiReq struct {
	req      fastcgi.Request
	pathFrom string   // "config", "error log" or "probe" (a script that does not exist)
	unknown  []string // params whose value is known only per request
	read     limit
}

// fastcgiRequestOf builds nginx's FastCGI request to ep through its first
// location: SCRIPT_FILENAME as the config computes it, for the script
// nginx really ran when the log names one.
func fastcgiRequestOf(c *Case, ep nginx.Endpoint, seen map[string]string) fcgiReq {
	r := fcgiReq{pathFrom: "probe"}
	path := probeScript
	s := nginx.Settings{}
	server := ""
	if route, ok := firstRoute(c, ep); ok {
		s, server = route.loc.Settings, serverName(route.server)
		if p, ok := locationPath(route.loc.Match); ok && !strings.HasSuffix(p, "/") {
			path, r.pathFrom = p, "config"
		}
	}
	if uri, ok := seen[subjectOf(ep)]; ok {
		path, r.pathFrom = uri, "error log"
	}
	r.read = timeLimit(s, ep.Protocol, "read_timeout")
	uri, query, _ := strings.Cut(path, "?")
	root := s.Arg("root", "html")
	if !filepath.IsAbs(root) {
		root = filepath.Join(c.prefix(), root)
	}
	script := uri
	if strings.HasSuffix(script, "/") {
		script += s.Arg("fastcgi_index", "")
	}
	vars := map[string]string{
		"document_root": root, "realpath_root": root, "fastcgi_script_name": script, "fastcgi_path_info": "",
		"request_uri": path, "document_uri": uri, "uri": uri, "query_string": query, "args": query,
		"request_method": "GET", "content_type": "", "content_length": "", "server_protocol": "HTTP/1.1",
		"request_scheme": "http", "scheme": "http", "https": "", "remote_addr": "127.0.0.1", "remote_port": "0",
		"server_addr": "127.0.0.1", "server_port": "80", "server_name": server, "host": orDefault(server, "localhost"),
		"nginx_version": c.Install.Build.Version, "http_user_agent": "ngx502-probe",
	}
	params := map[string]string{}
	for _, args := range s["fastcgi_param"].All {
		if len(args) < 2 {
			continue
		}
		v, ok := expandVars(args[1], vars)
		if !ok {
			r.unknown = append(r.unknown, args[0])
			continue
		}
		if len(args) == 3 && args[2] == "if_not_empty" && v == "" {
			continue
		}
		params[args[0]] = v
	}
	r.req = fastcgi.Request{Network: ep.Network, Address: ep.Address, RequestURI: path, Params: params,
		ScriptFilename: params["SCRIPT_FILENAME"]}
	if r.req.ScriptFilename == "" {
		// No SCRIPT_FILENAME in the config: php-fpm then has no script and
		// answers "Primary script unknown" for every request.
		r.req.ScriptFilename = filepath.Join(root, script)
		r.unknown = append(r.unknown, "SCRIPT_FILENAME (not set in the location: php-fpm finds no script)")
	}
	return r
}

// note says where the script came from and what could not be sent.
func (r fcgiReq) note() string {
	var parts []string
	switch r.pathFrom {
	case "error log":
		parts = append(parts, "script "+r.req.RequestURI+" from the error log")
	case "probe":
		parts = append(parts, "SCRIPT_FILENAME "+r.req.ScriptFilename+" (no script named by the config or the log: expect 404)")
	}
	if len(r.unknown) > 0 {
		parts = append(parts, "not sent: "+strings.Join(r.unknown, ", "))
	}
	return strings.Join(parts, "; ")
}
