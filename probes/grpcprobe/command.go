package grpcprobe

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Command returns the grpcurl command line a person would type to make the same call
// from the same box.
func Command(r Request, timeout time.Duration) string {
	r = withDefaults(r)
	args := []string{"grpcurl"}
	if r.Scheme == "grpcs" {
		if r.Insecure {
			args = append(args, "-insecure")
		}
		if r.ServerName != "" {
			args = append(args, "-servername", r.ServerName)
		}
	} else {
		args = append(args, "-plaintext")
	}
	if r.Network == "unix" {
		args = append(args, "-unix")
	}
	args = append(args, "-authority", r.Host, "-max-time", fmt.Sprint(max(1, int(math.Ceil(timeout.Seconds())))))
	for _, p := range r.Params {
		args = append(args, "-H", p.Name+": "+p.Value)
	}
	args = append(args, r.Address, strings.TrimPrefix(r.Path, "/"))
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = shellQuote(a)
	}
	return strings.Join(quoted, " ")
}

// shellQuote single-quotes a word unless a POSIX shell leaves it alone.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@,+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
