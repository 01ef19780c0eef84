package grpcprobe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"

	"ngx502/probes/explain"
)

// peer is how this probe's explanations name the upstream and nginx's directives.
func peer() explain.Peer {
	return explain.Peer{Module: "grpc", Name: "the server", Scheme: "grpc"}
}

// Explain says in plain words what the probe saw, e.g. "127.0.0.1:50051 answered
// SERVING in 2ms" or "not HTTP/2: it answered "HTTP/1.1 400 Bad Request" …".
func Explain(r Result) string {
	return explainOutcome(r, explain.Where(r.Request.Network, r.Request.Address)) + explainTimer(r)
}

func explainOutcome(r Result, where string) string {
	if r.Err == nil {
		return explainAnswer(r, where)
	}
	err := r.Err
	var nh *NotHTTP2Error
	switch {
	case errors.Is(err, context.Canceled):
		return explain.Cancelled(where, r.Phase)
	case r.Phase == PhaseConnect:
		return peer().Connect(r.Request.Network, r.Request.Address, r.Timeout, err)
	case r.Phase == PhaseTLS:
		return peer().Handshake(where, r.Timeout, err)
	case errors.As(err, &nh):
		s := fmt.Sprintf("%s is %v, not a gRPC server", where, nh)
		if n, ferr := frameLength(nh.Head); ferr == nil && n > 1<<14 {
			s += fmt.Sprintf(": nginx logs \"upstream sent too large http2 frame: %d\" and answers 502", n)
		}
		return s
	case r.Phase == PhaseWrite:
		return explain.NotSent(where, err)
	case r.Phase == PhaseBody:
		return explain.CutOff(where, r.Status, r.BodyBytes, err)
	case explain.IsTimeout(err):
		return fmt.Sprintf("%s sent no response header within %s", where, explain.Round(r.Timeout))
	case errors.Is(err, syscall.ECONNRESET):
		return fmt.Sprintf("%s reset the connection (RST) before answering: nginx logs \"recv() failed (104: Connection reset by peer)\"", where)
	case strings.Contains(err.Error(), "GOAWAY"):
		return fmt.Sprintf("%s refused the call with GOAWAY (shutting down or overloaded): nginx logs \"upstream sent goaway\": %v", where, err)
	case strings.Contains(err.Error(), "stream error"):
		return fmt.Sprintf("%s reset the call's stream (RST_STREAM): nginx logs \"upstream rejected request\": %v", where, err)
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Sprintf("%s closed the connection before answering (nginx: \"upstream prematurely closed connection\")", where)
	}
	return fmt.Sprintf("%s: the call failed: %v", where, err)
}

// explainAnswer puts an HTTP/2 answer in words: gRPC or not, healthy or not.
func explainAnswer(r Result, where string) string {
	took := explain.Round(r.Timing.Total)
	switch {
	case r.GRPCStatus == 0 && r.Serving == "SERVING":
		return fmt.Sprintf("%s answered SERVING to the gRPC health check in %s", where, took)
	case r.GRPCStatus == 0 && r.Serving != "":
		return fmt.Sprintf("%s is a live gRPC server, but its health service reports %s (in %s): the application says it cannot serve", where, r.Serving, took)
	case r.GRPCStatus == 12:
		return fmt.Sprintf("%s is a live gRPC server without the health service (grpc-status 12 UNIMPLEMENTED, %q) in %s: an answer, so the server and the way to it work", where, r.GRPCMessage, took)
	case r.GRPCStatus >= 0:
		return fmt.Sprintf("%s is a gRPC server; the health check got grpc-status %d %s (%q) in %s", where, r.GRPCStatus, codeName(r.GRPCStatus), r.GRPCMessage, took)
	}
	return fmt.Sprintf("%s speaks HTTP/2 but is not a gRPC server: it answered %d %s (content-type %q) without grpc-status in %s",
		where, r.Status, http.StatusText(r.Status), r.ContentType, took)
}

// explainTimer adds what nginx's own timer would have done with this exchange.
func explainTimer(r Result) string {
	switch r.Exceeded {
	case TimerConnect:
		return peer().ConnectTimer(r.Waited, r.Request.ConnectTimeout)
	case TimerRead:
		return peer().ReadTimer(r.Waited, r.Request.ReadTimeout)
	}
	return ""
}
