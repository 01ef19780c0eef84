package fastcgi

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// Caps on what one probe keeps and reads: enough to see a page and its error, bounded
// against a backend that streams forever.
const (
	maxStdout   = 64 << 10
	maxStderr   = 8 << 10
	maxReadable = 16 << 20
)

// Phase names, in the order a request passes through them.
const (
	PhaseConnect = "connect"
	PhaseWrite   = "write"
	PhaseHeader  = "header" // no complete CGI header (and no END_REQUEST) yet
	PhaseBody    = "body"   // the header arrived; the rest of the response did not
)

// requestID is the id nginx uses: one request per connection.
const requestID = 1

// Request is one FastCGI request, as nginx builds it from fastcgi_params.
type Request struct {
	Network        string            // "tcp" (default) or "unix"
	Address        string            // host:port, or the socket path for unix
	ScriptFilename string            // SCRIPT_FILENAME: the file php-fpm runs
	RequestURI     string            // REQUEST_URI; default "/"
	Params         map[string]string // extra params; they override the defaults
}

// Timing is how long the probe took: Connect is the dial; FirstByte and Total count
// from the start.
type Timing struct {
	Connect, FirstByte, Total time.Duration
}

// Result is what one probe saw.
type Result struct {
	Request        Request       // the request with defaults filled in
	Params         []string      // the params sent, "NAME=value", sorted
	Status         int           // from the "Status:" header; 200 when absent and output present
	Header         http.Header   // the CGI response header
	Stdout         []byte        // FCGI_STDOUT, header included, capped at 64 KiB
	Stderr         string        // FCGI_STDERR (what nginx logs as "FastCGI sent in stderr"), capped at 8 KiB
	Phase          string        // "" on success, else the phase that failed (Phase* constants)
	Err            error         // the failure, nil on success
	Timing         Timing        // phase durations
	AppStatus      uint32        // END_REQUEST's application status
	ProtocolStatus uint8         // END_REQUEST's protocol status (0 = request complete)
	Timeout        time.Duration // the bound the probe ran under
	Command        string        // the cgi-fcgi command a person would type for the same request
}

// Probe sends one GET request to r's address and reads the response until END_REQUEST,
// all within timeout.
func Probe(ctx context.Context, r Request, timeout time.Duration) (res Result) {
	r = withDefaults(r)
	params := buildParams(r)
	res = Result{Request: r, Timeout: timeout, Params: sortedPairs(params), Command: command(r, params)}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	defer func() { res.Timing.Total = time.Since(start) }()

	conn, err := (&net.Dialer{}).DialContext(ctx, r.Network, r.Address)
	if err != nil {
		res.Phase, res.Err = PhaseConnect, err
		return res
	}
	defer conn.Close()
	res.Timing.Connect = time.Since(start)
	// Cancelling the context must unblock reads and writes at once.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	msg := AppendRecord(nil, Record{Version: Version1, Type: TypeBeginRequest, RequestID: requestID, Content: beginRequest()})
	msg = appendStream(msg, TypeParams, requestID, encodeParams(params))
	msg = appendLineEnds(msg, TypeStdin, requestID)
	if _, err := conn.Write(msg); err != nil {
		res.Phase, res.Err = PhaseWrite, ctxErr(ctx, err)
		return res
	}

	rd := &firstByteReader{r: conn, start: start}
	err = readResponse(bufio.NewReader(rd), &res)
	res.Timing.FirstByte = rd.first
	if err != nil {
		res.Phase, res.Err = PhaseHeader, ctxErr(ctx, err)
		if res.Header != nil {
			res.Phase = PhaseBody
		}
	}
	return res
}

// readResponse reads records until END_REQUEST, filling res; the checks are the ones
// nginx's ngx_http_fastcgi_process_record makes, with its wording.
func readResponse(br *bufio.Reader, res *Result) error {
	var stdout []byte
	stdoutSeen, total := 0, 0
	for total < maxReadable {
		rec, err := readRecord(br)
		if err != nil {
			if (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)) && stdoutSeen > 0 {
				return fmt.Errorf("upstream prematurely closed FastCGI stdout: %w", err)
			}
			return err
		}
		total += headerLen + len(rec.Content)
		if rec.RequestID != requestID {
			return fmt.Errorf("upstream sent invalid FastCGI request id: %d", rec.RequestID)
		}
		switch rec.Type {
		case TypeStdout:
			stdoutSeen += len(rec.Content)
			if room := maxStdout - len(stdout); room > 0 {
				stdout = append(stdout, rec.Content[:min(room, len(rec.Content))]...)
			}
			res.Stdout = stdout
			if res.Header == nil {
				if hdr, ok := splitHeader(stdout); ok {
					if err := parseHeader(hdr, res); err != nil {
						return err
					}
				}
			}
		case TypeStderr:
			if room := maxStderr - len(res.Stderr); room > 0 {
				res.Stderr += string(rec.Content[:min(room, len(rec.Content))])
			}
		case TypeEndRequest:
			return finish(rec, stdoutSeen, res)
		default:
			return fmt.Errorf("upstream sent invalid FastCGI record type: %d", rec.Type)
		}
	}
	return fmt.Errorf("response larger than %d bytes without END_REQUEST", maxReadable)
}

// finish checks the END_REQUEST record and what came before it.
func finish(rec Record, stdoutSeen int, res *Result) error {
	app, proto, err := endRequest(rec.Content)
	if err != nil {
		return err
	}
	res.AppStatus, res.ProtocolStatus = app, proto
	switch {
	case proto != 0:
		return fmt.Errorf("the application refused the request: protocol status %d (%s)", proto, protocolStatusText(proto))
	case stdoutSeen == 0:
		return errors.New("the application ended the request without any output (nginx: upstream sent unexpected FastCGI record: 3)")
	case res.Header == nil:
		return errors.New("the output ended before the end of the CGI header (nginx: upstream prematurely closed FastCGI stdout)")
	}
	return nil
}

func protocolStatusText(s uint8) string {
	switch s {
	case 1:
		return "cannot multiplex connections"
	case 2:
		return "overloaded"
	case 3:
		return "unknown role"
	}
	return "unknown"
}

// firstByteReader notes when the first response byte arrived.
type firstByteReader struct {
	r     io.Reader
	start time.Time
	first time.Duration
}

// Read reads from the connection and stamps the first byte.
func (f *firstByteReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if n > 0 && f.first == 0 {
		f.first = time.Since(f.start)
	}
	return n, err
}

// ctxErr prefers the context's reason (deadline, cancel) over the socket's timeout
// that AfterFunc provoked.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	return err
}
