package steps

import (
	"fmt"
	"syscall"
	"testing"

	"ngx502/probes/nginx"
)

// A probe's connect errno names the cause the error log would: one table.
func TestErrnoFindingSharesTheLogTable(t *testing.T) {
	unix := nginx.Endpoint{Network: "unix", Address: "/run/php/fpm.sock"}
	tcp := nginx.Endpoint{Network: "tcp", Address: "127.0.0.1:8080"}
	for _, tc := range []struct {
		ep    nginx.Endpoint
		errno syscall.Errno
		want  CauseID
	}{
		{unix, syscall.EAGAIN, CauseBusy}, // a full accept queue, not "host down"
		{unix, syscall.ENOENT, CauseSocketMissing},
		{unix, syscall.EACCES, CauseSocketPerm},
		{tcp, syscall.EACCES, CauseSELinux},
		{tcp, syscall.ECONNREFUSED, CauseRefused},
		{tcp, syscall.EHOSTUNREACH, CauseUnreachable},
		{tcp, syscall.ECONNRESET, CauseReset},
		{tcp, syscall.EADDRNOTAVAIL, CausePortExhaustion},
	} {
		f := errnoFinding(tc.ep, fmt.Errorf("dial: %w", tc.errno), "probe")
		if f == nil || f.Cause != tc.want {
			t.Errorf("%s %v: %+v, want %s", tc.ep.Network, tc.errno, f, tc.want)
		}
	}
}
