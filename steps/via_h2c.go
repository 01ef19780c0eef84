package steps

import (
	"context"
	"fmt"

	"ngx502/probes/grpcprobe"
	"ngx502/probes/logfile"
)

// viaNginxH2C asks a location behind a cleartext `listen … http2` port,
// which speaks HTTP/2 only: a gRPC location gets a health call through
// nginx (its marker in the query, so no log reader counts it); any other
// location is not asked, and the check says why.
func viaNginxH2C(ctx context.Context, c *Case, v viaTarget) viaAnswer {
	host := serverName(v.r.server)
	name := "via nginx " + host + v.path
	if v.r.loc.Pass == nil || v.r.loc.Pass.Directive != "grpc_pass" {
		return viaAnswer{Check: Check{Name: name, Status: Skipped, Command: "curl --http2-prior-knowledge -sS -o /dev/null -w '%{http_code}\\n' http://" + v.addr + v.path,
			Result: "nginx listens on " + v.addr + " with http2 and no TLS (HTTP/2 only); ngx502 asks such a port only for gRPC locations"}}
	}
	req := grpcprobe.Request{Network: "tcp", Address: v.addr, Scheme: "grpc", Host: host,
		Path:   grpcprobe.HealthPath + "?" + logfile.ProbeMarker + c.RunID,
		Params: []grpcprobe.Param{{Name: "user-agent", Value: logfile.ProbeUserAgent + c.RunID}}}
	r := grpcprobe.Probe(ctx, req, probeTimeout(c))
	ch := Check{Name: name, Command: r.Command, Status: Pass}
	if interrupted(ctx, r.Err != nil && r.Status == 0) {
		return viaAnswer{Check: notRunCheck(ctx, c, ch.Name, ch.Command)}
	}
	switch {
	case r.Status == 502 || r.Status == 504:
		ch.Status, ch.Result = Fail, fmt.Sprintf("nginx answers %d for a gRPC call (server %s)", r.Status, host)
	case r.Status == 0 && r.Phase == grpcprobe.PhaseHeader && isTimeout(r.Err):
		ch.Status = Warn
		ch.Result = fmt.Sprintf("nginx accepted the gRPC call but sent no answer within %s: it is still waiting for the upstream", humanDuration(probeTimeout(c)))
	case r.Status == 0:
		ch.Status, ch.Result = Warn, "nginx itself does not answer: "+grpcprobe.Explain(r)
		return viaAnswer{Check: ch, silent: true}
	default:
		ch.Result = fmt.Sprintf("nginx answers %d (grpc-status %d) in %s", r.Status, r.GRPCStatus, ms(r.Timing.Total))
	}
	return viaAnswer{Check: ch, subject: v.subject}
}
