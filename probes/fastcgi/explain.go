package fastcgi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"time"
)

// Explain says in plain words what the probe saw, e.g. "127.0.0.1:9000 speaks HTTP,
// not FastCGI" or "answered 404 Not Found; stderr: Primary script unknown".
func Explain(r Result) string {
	where := r.Request.Address
	if r.Request.Network == "unix" {
		where = "unix:" + where
	}
	if r.Err == nil {
		s := fmt.Sprintf("%s answered %d %s in %s", where, r.Status, http.StatusText(r.Status), r.Timing.Total.Round(time.Microsecond))
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
		return fmt.Sprintf("probe of %s cancelled during %s", where, r.Phase)
	case r.Phase == PhaseConnect:
		return explainConnect(r, where)
	case errors.As(err, &ve) && ve.Version == 'H':
		return fmt.Sprintf("%s speaks HTTP, not FastCGI: use proxy_pass http://%s instead of fastcgi_pass (nginx logs %q)",
			where, r.Request.Address, "upstream sent unsupported FastCGI protocol version: 72")
	case errors.As(err, &ve):
		return fmt.Sprintf("%s does not speak FastCGI: %v", where, err)
	case isTimeout(err):
		return fmt.Sprintf("%s sent no complete FastCGI response within %s (a busy pool at pm.max_children looks like this)", where, r.Timeout)
	case errors.Is(err, syscall.ECONNRESET):
		return fmt.Sprintf("%s reset the connection (RST) during %s: the worker died or the service is not FastCGI", where, r.Phase)
	case errors.Is(err, syscall.EPIPE) && r.Phase == PhaseWrite:
		return fmt.Sprintf("%s closed the connection before the request was sent", where)
	case errors.Is(err, io.EOF) && len(r.Stdout) == 0:
		return fmt.Sprintf("%s closed the connection without a FastCGI response (nginx: upstream prematurely closed connection)", where)
	}
	return fmt.Sprintf("%s: %v", where, err)
}

// explainConnect names the errno the way nginx's "connect() failed (111: …)" does.
func explainConnect(r Result, where string) string {
	err := r.Err
	switch {
	case errors.Is(err, syscall.ECONNREFUSED) && r.Request.Network == "unix":
		return fmt.Sprintf("connection refused: the socket %s exists but no process accepts on it (php-fpm stopped?)", r.Request.Address)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("connection refused: nothing listens on %s", r.Request.Address)
	case errors.Is(err, syscall.ENOENT):
		return fmt.Sprintf("no socket at %s: the backend is not running or its pool listens elsewhere", r.Request.Address)
	case errors.Is(err, syscall.EACCES) || errors.Is(err, os.ErrPermission):
		return fmt.Sprintf("permission denied connecting to %s: check listen.owner/listen.group/listen.mode", where)
	case isTimeout(err):
		return fmt.Sprintf("no answer to the connection attempt to %s within %s", where, r.Timeout)
	}
	return fmt.Sprintf("cannot connect to %s: %v", where, err)
}

// isTimeout reports a deadline, from the context or the socket.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
}
