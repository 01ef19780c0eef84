package fastcgi

import (
	"bytes"
	"fmt"
	"net/http"
	"net/textproto"
	"sort"
	"strconv"
	"strings"
)

// withDefaults fills in what an empty field means.
func withDefaults(r Request) Request {
	if r.Network == "" {
		r.Network = "tcp"
	}
	if r.RequestURI == "" {
		r.RequestURI = "/"
	}
	return r
}

// buildParams returns what Debian's /etc/nginx/fastcgi.conf sends for a GET of
// r.RequestURI from 127.0.0.1, overridden by r.Params.
func buildParams(r Request) map[string]string {
	path, query, _ := strings.Cut(r.RequestURI, "?")
	p := map[string]string{
		"QUERY_STRING":      query,
		"REQUEST_METHOD":    "GET",
		"CONTENT_TYPE":      "",
		"CONTENT_LENGTH":    "",
		"SCRIPT_NAME":       path,
		"REQUEST_URI":       r.RequestURI,
		"DOCUMENT_URI":      path,
		"SERVER_PROTOCOL":   "HTTP/1.1",
		"REQUEST_SCHEME":    "http",
		"GATEWAY_INTERFACE": "CGI/1.1",
		"SERVER_SOFTWARE":   "nginx",
		"REMOTE_ADDR":       "127.0.0.1",
		"REMOTE_PORT":       "0",
		"SERVER_ADDR":       "127.0.0.1",
		"SERVER_PORT":       "80",
		"SERVER_NAME":       "localhost",
		"REDIRECT_STATUS":   "200", // php-cgi's force-cgi-redirect wants it
		"HTTP_HOST":         "localhost",
	}
	if r.ScriptFilename != "" {
		p["SCRIPT_FILENAME"] = r.ScriptFilename
		// $document_root$fastcgi_script_name: the root is what precedes the URI path.
		if root, ok := strings.CutSuffix(r.ScriptFilename, path); ok && path != "/" {
			p["DOCUMENT_ROOT"] = root
		}
	}
	for k, v := range r.Params {
		p[k] = v
	}
	return p
}

// sortedPairs renders params as sorted "NAME=value" strings.
func sortedPairs(p map[string]string) []string {
	out := make([]string, 0, len(p))
	for k, v := range p {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// command is the cgi-fcgi (Debian package libfcgi-bin) line that sends the same
// request: cgi-fcgi passes its environment as params, hence env -i.
func command(r Request, p map[string]string) string {
	words := []string{"env", "-i"}
	for _, kv := range sortedPairs(p) {
		if !strings.HasSuffix(kv, "=") { // empty params only add noise to a command line
			words = append(words, shellQuote(kv))
		}
	}
	return strings.Join(append(words, "cgi-fcgi", "-bind", "-connect", shellQuote(r.Address)), " ")
}

// shellQuote single-quotes a word unless a POSIX shell leaves it alone.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@,+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// splitHeader returns the CGI header of stdout when its blank line has arrived.
func splitHeader(stdout []byte) ([]byte, bool) {
	crlf := bytes.Index(stdout, []byte("\r\n\r\n"))
	lf := bytes.Index(stdout, []byte("\n\n"))
	switch {
	case crlf >= 0 && (lf < 0 || crlf < lf):
		return stdout[:crlf+2], true
	case lf >= 0:
		return stdout[:lf+1], true
	}
	return nil, false
}

// parseHeader reads CGI header lines into res.Header and res.Status, rejecting what
// nginx rejects: lines without a colon or with a bad name (`"HTTP\x20..."` when the app
// prints a status line), and a non-numeric Status.
func parseHeader(hdr []byte, res *Result) error {
	h := http.Header{}
	for _, line := range strings.Split(strings.TrimRight(string(hdr), "\r\n"), "\n") {
		line = strings.TrimSuffix(line, "\r")
		name, value, ok := strings.Cut(line, ":")
		if !ok || !validName(name) {
			return fmt.Errorf("upstream sent invalid header: %q", truncate(line, 40))
		}
		h.Add(textproto.CanonicalMIMEHeaderKey(name), strings.TrimSpace(value))
	}
	res.Header = h
	res.Status = http.StatusOK
	if s := h.Get("Status"); s != "" {
		code, err := strconv.Atoi(strings.Fields(s + " ")[0])
		if err != nil || code < 100 || code > 999 {
			return fmt.Errorf("upstream sent invalid status %q", s)
		}
		res.Status = code
	} else if h.Get("Location") != "" {
		res.Status = http.StatusFound // nginx turns a bare Location into a 302
	}
	return nil
}

// validName accepts the header-name bytes nginx accepts (letters, digits, '-', '_').
func validName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range []byte(name) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
