package httpprobe

import (
	"fmt"
	"math"
	"net"
	"strings"
	"time"
)

// curlFormat prints the same breakdown as Timing, so the two can be compared by eye.
const curlFormat = `%{http_code} %{size_header}B %{time_connect}s %{time_starttransfer}s\n`

// Command returns the curl command line a person would type to send the same request
// from the same box. Without SNI curl needs an IP in the URL (it never sends SNI for an
// IP literal); with SNI --connect-to keeps the name in the URL and the address of t.
func Command(t Target, timeout time.Duration) string {
	t = withDefaults(t)
	args := []string{"curl", "-sS", "-o", "/dev/null", "-w", curlFormat,
		"-m", fmt.Sprint(int(math.Ceil(timeout.Seconds())))}
	if t.Scheme == "https" && t.Insecure {
		args = append(args, "-k")
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
		host, port, err := net.SplitHostPort(t.Address)
		if err == nil {
			args = append(args, "--connect-to", "::"+net.JoinHostPort(host, port))
			urlHost = net.JoinHostPort(t.ServerName, port)
		}
	}
	if t.UserAgent != defaultUserAgent {
		args = append(args, "-A", t.UserAgent)
	}
	args = append(args, "-H", "Host: "+t.Host, t.Scheme+"://"+urlHost+t.Path)
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = shellQuote(a)
	}
	return strings.Join(quoted, " ")
}

// shellQuote single-quotes a word unless it is made only of characters a POSIX shell
// leaves alone.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@,+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
