package httpprobe

import (
	"fmt"
	"math"
	"net"
	"strconv"
	"strings"
	"time"
)

// curlFormat prints the same breakdown as Timing, so the two can be compared by eye.
const curlFormat = `%{http_code} %{size_header}B %{time_connect}s %{time_starttransfer}s\n`

// Command returns the curl command line a person would type to send the same request
// from the same box: the same protocol version, the same header lines, the same TLS
// settings. Without SNI curl needs an IP in the URL (it never sends SNI for an IP
// literal); with SNI --resolve (or --connect-to for a name) keeps the name in the URL.
func Command(t Target, timeout time.Duration) string {
	t = withDefaults(t)
	args := []string{"curl", "-sS", "-o", "/dev/null", "-w", curlFormat}
	if t.Proto == HTTP11 {
		args = append(args, "--http1.1")
	} else {
		args = append(args, "--http1.0")
	}
	if t.Scheme == "https" {
		args = append(args, tlsArgs(t)...)
	}
	urlHost := t.Address
	switch {
	case t.Network == "unix":
		args = append(args, "--unix-socket", t.Address)
		urlHost = "localhost"
		if t.ServerName != "" {
			urlHost = t.ServerName
		}
	case t.Scheme == "https" && t.ServerName != "":
		if host, port, err := net.SplitHostPort(t.Address); err == nil {
			if needsLookup(host) {
				args = append(args, "--connect-to", t.ServerName+":"+port+":"+host+":"+port)
			} else {
				args = append(args, "--resolve", t.ServerName+":"+port+":"+bracketed(host))
			}
			urlHost = net.JoinHostPort(t.ServerName, port)
		}
	}
	if t.ConnectTimeout > 0 {
		args = append(args, "--connect-timeout", seconds(t.ConnectTimeout))
	}
	args = append(args, "-m", fmt.Sprint(int(math.Ceil(timeout.Seconds()))))
	if t.UserAgent != defaultUserAgent {
		args = append(args, "-A", t.UserAgent)
	}
	for _, h := range curlHeaders(t) {
		args = append(args, "-H", h)
	}
	// curl adds "Accept: */*" of its own; nginx sends no Accept it did not get.
	args = append(args, "-H", "Accept:")
	args = append(args, t.Scheme+"://"+urlHost+requestPath(t.Path))
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = shellQuote(a)
	}
	return strings.Join(quoted, " ")
}

// tlsArgs are curl's equivalents of proxy_ssl_verify, _trusted_certificate and
// _certificate.
func tlsArgs(t Target) []string {
	var args []string
	switch {
	case t.Insecure:
		args = append(args, "-k")
	case t.CAFile != "":
		args = append(args, "--cacert", t.CAFile)
	}
	if t.CertFile != "" {
		args = append(args, "--cert", t.CertFile, "--key", t.KeyFile)
	}
	return args
}

// curlHeaders are the -H values: every header line of the request in its order, an
// empty one as "Name:" (which makes curl drop it, as nginx does).
func curlHeaders(t Target) []string {
	hs := t.Headers
	if hs == nil {
		hs = headerLines(t)
	}
	out := make([]string, 0, len(hs))
	for _, h := range hs {
		if h.Value == "" {
			out = append(out, oneLine(h.Name)+":")
			continue
		}
		out = append(out, oneLine(h.Name)+": "+oneLine(h.Value))
	}
	return out
}

// bracketed puts an IPv6 literal in brackets, as curl's --resolve wants it.
func bracketed(ip string) string {
	if strings.Contains(ip, ":") {
		return "[" + ip + "]"
	}
	return ip
}

// seconds prints d in seconds without trailing zeros (curl accepts fractions).
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

// shellQuote single-quotes a word unless it is made only of characters a POSIX shell
// leaves alone.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@,+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
