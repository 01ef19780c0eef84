package nginxtest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// AppVar is one variable of a uwsgi or SCGI request, in the order it was sent.
type AppVar struct {
	Name, Value string
}

// AppRequest is what a uwsgi or SCGI test backend received.
type AppRequest struct {
	Raw  []byte   // the request as sent: the uwsgi packet or the SCGI netstring (body excluded)
	Vars []AppVar // the variables decoded from Raw, in order
	Body []byte   // the CONTENT_LENGTH bytes that followed
}

// AppHandler answers one request by writing the raw response to c (a status line or
// CGI header, then the body); c is closed when it returns.
type AppHandler func(c net.Conn, req AppRequest)

// AppServer is a uwsgi or SCGI test backend on 127.0.0.1 that records what it receives.
type AppServer struct {
	Addr string // "127.0.0.1:port"
	rec  recorder[AppRequest]
}

// Last returns the most recent request and how many have arrived.
func (s *AppServer) Last() (AppRequest, int) { return s.rec.Last() }

// recorder keeps the most recent request a test backend received and how many came;
// handlers record from their own goroutines.
type recorder[T any] struct {
	mu    sync.Mutex
	last  T
	count int
}

// Last returns the most recent request and how many have arrived.
func (r *recorder[T]) Last() (T, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last, r.count
}

// record notes req as the most recent request.
func (r *recorder[T]) record(req T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.last, r.count = req, r.count+1
}

// AppReply is a handler that answers every request with response, verbatim.
func AppReply(response string) AppHandler {
	return func(c net.Conn, _ AppRequest) { _, _ = io.WriteString(c, response) }
}

// ResetConn closes c with a RST instead of a FIN (SO_LINGER 0).
func ResetConn(c net.Conn) {
	if tc, ok := c.(*trackedConn); ok {
		c = tc.Conn
	}
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}

// UWSGIServer starts a uwsgi backend; a nil h answers "HTTP/1.1 200 OK" and "ok", as
// uWSGI itself starts its answers with a status line.
func UWSGIServer(t testing.TB, h AppHandler) *AppServer {
	t.Helper()
	if h == nil {
		h = AppReply("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok")
	}
	return serveApp(t, readUWSGI, h)
}

// SCGIServer starts an SCGI backend; a nil h answers "Status: 200 OK" and "ok".
func SCGIServer(t testing.TB, h AppHandler) *AppServer {
	t.Helper()
	if h == nil {
		h = AppReply("Status: 200 OK\r\nContent-Type: text/plain\r\n\r\nok")
	}
	return serveApp(t, readSCGI, h)
}

// serveApp reads one request per connection with read, records it and lets h answer.
func serveApp(t testing.TB, read func(io.Reader) (AppRequest, error), h AppHandler) *AppServer {
	s := &AppServer{}
	s.Addr = serveRaw(t, func(c net.Conn, _ <-chan struct{}) {
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		req, err := read(c)
		if err == nil {
			req.Body, err = readBody(c, req.Vars)
		}
		s.rec.record(req)
		if err != nil {
			return
		}
		_ = c.SetReadDeadline(time.Time{})
		h(c, req)
	})
	return s
}

// readUWSGI reads a uwsgi packet: modifier1, uint16 LE size, modifier2, then vars as
// uint16 LE length-prefixed name and value.
func readUWSGI(r io.Reader) (AppRequest, error) {
	head := make([]byte, 4)
	if _, err := io.ReadFull(r, head); err != nil {
		return AppRequest{Raw: head}, fmt.Errorf("uwsgi header: %w", err)
	}
	body := make([]byte, binary.LittleEndian.Uint16(head[1:3]))
	n, err := io.ReadFull(r, body)
	req := AppRequest{Raw: append(head, body[:n]...)}
	if err != nil {
		return req, fmt.Errorf("uwsgi vars: %w", err)
	}
	for len(body) > 0 {
		var name, value string
		if name, body, err = uwsgiString(body); err == nil {
			value, body, err = uwsgiString(body)
		}
		if err != nil {
			return req, err
		}
		req.Vars = append(req.Vars, AppVar{name, value})
	}
	return req, nil
}

func uwsgiString(b []byte) (string, []byte, error) {
	if len(b) < 2 || len(b) < 2+int(binary.LittleEndian.Uint16(b)) {
		return "", nil, errors.New("uwsgi var runs past the packet")
	}
	n := 2 + int(binary.LittleEndian.Uint16(b))
	return string(b[2:n]), b[n:], nil
}

// readSCGI reads an SCGI netstring "LEN:" NUL-separated name/value pairs ",".
func readSCGI(r io.Reader) (AppRequest, error) {
	var req AppRequest
	one := make([]byte, 1)
	for len(req.Raw) < 8 {
		if _, err := io.ReadFull(r, one); err != nil {
			return req, fmt.Errorf("scgi length: %w", err)
		}
		req.Raw = append(req.Raw, one[0])
		if one[0] == ':' {
			break
		}
	}
	size, err := strconv.Atoi(string(bytes.TrimSuffix(req.Raw, []byte(":"))))
	if err != nil || size > 1<<20 {
		return req, fmt.Errorf("scgi netstring length %q", req.Raw)
	}
	body := make([]byte, size+1)
	n, err := io.ReadFull(r, body)
	req.Raw = append(req.Raw, body[:n]...)
	if err != nil || body[size] != ',' {
		return req, fmt.Errorf("scgi netstring of %d bytes not ended by ',': %v", size, err)
	}
	fields := bytes.Split(body[:size], []byte{0})
	if len(fields)%2 != 1 || len(fields[len(fields)-1]) != 0 {
		return req, errors.New("scgi headers are not NUL-terminated name/value pairs")
	}
	for i := 0; i+1 < len(fields); i += 2 {
		req.Vars = append(req.Vars, AppVar{string(fields[i]), string(fields[i+1])})
	}
	return req, nil
}

// readBody reads the CONTENT_LENGTH bytes of the request body (at most 1 MiB).
func readBody(r io.Reader, vars []AppVar) ([]byte, error) {
	for _, v := range vars {
		if v.Name == "CONTENT_LENGTH" && v.Value != "" {
			n, err := strconv.Atoi(v.Value)
			if err != nil || n < 0 || n > 1<<20 {
				return nil, fmt.Errorf("CONTENT_LENGTH %q", v.Value)
			}
			body := make([]byte, n)
			_, err = io.ReadFull(r, body)
			return body, err
		}
	}
	return nil, nil
}

// GRPCRequest is what the gRPC test backend received.
type GRPCRequest struct {
	Path      string      // :path
	Authority string      // :authority
	Proto     string      // "HTTP/2.0"
	Header    http.Header // the other request headers
	Body      []byte      // the request's length-prefixed messages
}

// GRPCServer is a gRPC backend whose grpc.health.v1.Health/Check is written by hand
// with net/http, trailers included.
type GRPCServer struct {
	Addr string // "127.0.0.1:port"
	rec  recorder[GRPCRequest]
}

// Last returns the most recent request and how many have arrived.
func (s *GRPCServer) Last() (GRPCRequest, int) { return s.rec.Last() }

// healthStatus is grpc.health.v1.HealthCheckResponse.ServingStatus by name.
func healthStatus(name string) (byte, bool) {
	for i, n := range []string{"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"} {
		if n == name {
			return byte(i), true
		}
	}
	return 0, false
}

// GRPCHealth starts an h2c (cleartext HTTP/2 only) gRPC server whose Health/Check
// answers status: "SERVING", "NOT_SERVING", "UNKNOWN" or "SERVICE_UNKNOWN"; with
// "UNIMPLEMENTED" it is a gRPC server without the health service (grpc-status 12 in a
// trailers-only response, as grpc-go sends).
func GRPCHealth(t testing.TB, status string) *GRPCServer {
	t.Helper()
	return startGRPC(t, status, false)
}

// GRPCHealthTLS is GRPCHealth over TLS with ALPN h2 and httptest's self-signed
// certificate (for grpcs:// with verification off).
func GRPCHealthTLS(t testing.TB, status string) *GRPCServer {
	t.Helper()
	return startGRPC(t, status, true)
}

func startGRPC(t testing.TB, status string, tls bool) *GRPCServer {
	t.Helper()
	code, ok := healthStatus(status)
	if !ok && status != "UNIMPLEMENTED" {
		t.Fatalf("nginxtest: unknown health status %q", status)
	}
	s := &GRPCServer{}
	hs := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		s.rec.record(GRPCRequest{Path: r.URL.Path, Authority: r.Host, Proto: r.Proto, Header: r.Header.Clone(), Body: body})
		w.Header().Set("Content-Type", "application/grpc")
		if !ok || r.URL.Path != "/grpc.health.v1.Health/Check" {
			w.Header().Set("Grpc-Status", "12")
			w.Header().Set("Grpc-Message", "unknown service grpc.health.v1.Health")
			w.WriteHeader(http.StatusOK)
			return
		}
		msg := []byte{}
		if code != 0 { // proto3 leaves a zero enum out
			msg = []byte{0x08, code}
		}
		frame := append([]byte{0, 0, 0, 0, byte(len(msg))}, msg...)
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(frame)
		w.Header().Set(http.TrailerPrefix+"Grpc-Status", "0")
		w.Header().Set(http.TrailerPrefix+"Grpc-Message", "")
	}))
	var p http.Protocols
	// Handshakes that tests make fail on purpose are no news.
	hs.Config.ErrorLog = log.New(io.Discard, "", 0)
	if tls {
		hs.EnableHTTP2 = true
		p.SetHTTP2(true)
		hs.Config.Protocols = &p
		hs.StartTLS()
	} else {
		p.SetUnencryptedHTTP2(true)
		hs.Config.Protocols = &p
		hs.Start()
	}
	t.Cleanup(hs.Close)
	s.Addr = hs.Listener.Addr().String()
	return s
}
