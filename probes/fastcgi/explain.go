package fastcgi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"syscall"

	"ngx502/probes/explain"
)

// peer is how this probe's explanations name php-fpm and its pool's settings.
func peer() explain.Peer {
	return explain.Peer{Module: "fastcgi", Name: "the backend",
		RefusedHint: " (php-fpm stopped?)",
		MissingHint: " (php-fpm: the pool's listen)",
		QueueHint:   " (php-fpm: all pm.max_children busy, or listen.backlog too small)",
		ModeHint:    " (php-fpm: listen.owner/listen.group/listen.mode)"}
}

// Explain says in plain words what the probe saw, e.g. "127.0.0.1:9000 speaks HTTP,
// not FastCGI" or "answered 404 Not Found; stderr: Primary script unknown".
func Explain(r Result) string {
	where := explain.Where(r.Request.Network, r.Request.Address)
	if r.Err == nil {
		s := explain.Answered(where, r.Status, r.Timing.Total)
		if r.Stderr != "" {
			s += fmt.Sprintf("; stderr: %q", truncate(strings.TrimSpace(r.Stderr), 200))
		}
		if strings.Contains(r.Stderr, "Primary script unknown") {
			s += fmt.Sprintf(" (the backend cannot open SCRIPT_FILENAME %s)", r.Request.ScriptFilename)
		}
		return s
	}
	err := r.Err
	var ve *VersionError
	switch {
	case errors.Is(err, context.Canceled):
		return explain.Cancelled(where, r.Phase)
	case r.Phase == PhaseConnect:
		return peer().Connect(r.Request.Network, r.Request.Address, r.Timeout, err)
	case errors.As(err, &ve) && ve.Version == 'H':
		return fmt.Sprintf("%s speaks HTTP, not FastCGI: use proxy_pass http://%s instead of fastcgi_pass (nginx logs %q)",
			where, r.Request.Address, "upstream sent unsupported FastCGI protocol version: 72")
	case errors.As(err, &ve):
		return fmt.Sprintf("%s does not speak FastCGI: %v", where, err)
	case explain.IsTimeout(err):
		return fmt.Sprintf("%s sent no complete FastCGI response within %s (a busy pool at pm.max_children looks like this)", where, explain.Round(r.Timeout))
	case errors.Is(err, syscall.ECONNRESET):
		return fmt.Sprintf("%s reset the connection (RST) during %s: the worker died or the service is not FastCGI", where, r.Phase)
	case errors.Is(err, syscall.EPIPE) && r.Phase == PhaseWrite:
		return fmt.Sprintf("%s closed the connection before the request was sent", where)
	case errors.Is(err, io.EOF) && len(r.Stdout) == 0:
		return fmt.Sprintf("%s closed the connection without a FastCGI response (nginx: upstream prematurely closed connection)", where)
	}
	return fmt.Sprintf("%s: %v", where, err)
}
