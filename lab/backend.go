package lab

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// BackendArg is the hidden first argument with which ngx502 runs itself
// as one of a lab's broken backends: a process of its own, so the lab
// outlives `ngx502 lab start`.
const BackendArg = "__lab-backend"

// The backend kinds a scenario can ask for; each breaks in one way nginx
// reports with its own message.
const (
	kindOK        = "ok"         // 200 "lab ok"
	kindSlow      = "slow"       // answers after 3 s: longer than the lab's proxy_read_timeout 1s
	kindCrash     = "crash"      // half a status line, then close: "prematurely closed"
	kindReset     = "reset"      // reads the request, then RST: "Connection reset by peer"
	kindBigHeader = "big-header" // an 8 KiB header: more than proxy_buffer_size 4k
	kindApp502    = "app-502"    // the application itself answers 502
	kindIdle1s    = "idle-1s"    // HTTP/1.1 keep-alive, idle connections closed after 1 s
	// kindHold keeps the lab's reserved ports (ports.go) bound, never
	// listening, while the lab lives.
	kindHold = "hold"
)

var kinds = map[string]bool{kindHold: true, kindOK: true, kindSlow: true, kindCrash: true, kindReset: true, kindBigHeader: true, kindApp502: true, kindIdle1s: true}

// BackendMain serves one backend: args are KIND NETWORK ADDRESS [MODE]
// (MODE: a unix socket's octal mode). It runs until SIGTERM/SIGINT and
// returns the process's exit code.
func BackendMain(args []string) int {
	if len(args) < 3 || !kinds[args[0]] || (args[1] != "tcp" && args[1] != "unix") {
		fmt.Fprintln(os.Stderr, "ngx502 lab backend: want KIND tcp|unix ADDRESS [MODE]")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if args[0] == kindHold {
		// The reserved sockets are this process's inherited descriptors:
		// holding them is all there is to do.
		fmt.Println("holding", args[2])
		<-ctx.Done()
		return 0
	}
	l, err := listen(args[1], args[2], args[3:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "ngx502 lab backend:", err)
		return 1
	}
	go func() { <-ctx.Done(); l.Close() }()
	if err := serve(ctx, args[0], l); err != nil && ctx.Err() == nil {
		fmt.Fprintln(os.Stderr, "ngx502 lab backend:", err)
		return 1
	}
	return 0
}

func listen(network, addr string, mode []string) (net.Listener, error) {
	if network == "unix" {
		_ = os.Remove(addr) // a socket left by an earlier run of this lab
	}
	l, err := net.Listen(network, addr)
	if err != nil {
		return nil, err
	}
	if network == "unix" && len(mode) == 1 {
		var m uint32
		if _, err := fmt.Sscanf(mode[0], "%o", &m); err != nil {
			l.Close()
			return nil, fmt.Errorf("mode %q: %w", mode[0], err)
		}
		if err := os.Chmod(addr, os.FileMode(m)); err != nil {
			l.Close()
			return nil, err
		}
	}
	return l, nil
}

// serve runs kind on l until l is closed.
func serve(ctx context.Context, kind string, l net.Listener) error {
	switch kind {
	case kindCrash, kindReset:
		return serveRaw(ctx, l, kind)
	}
	srv := &http.Server{Handler: handler(kind), ReadHeaderTimeout: 10 * time.Second}
	if kind == kindIdle1s {
		srv.IdleTimeout = time.Second
	}
	go func() { <-ctx.Done(); srv.Close() }()
	if err := srv.Serve(l); err != http.ErrServerClosed {
		return err
	}
	return nil
}

func handler(kind string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch kind {
		case kindSlow:
			select {
			case <-time.After(3 * time.Second):
			case <-r.Context().Done():
				return
			}
		case kindBigHeader:
			w.Header().Set("X-Lab-Big", strings.Repeat("b", 8<<10))
		case kindApp502:
			http.Error(w, "the application says: bad gateway", http.StatusBadGateway)
			return
		}
		fmt.Fprintln(w, "lab ok")
	})
}

// serveRaw answers below HTTP: half a status line then a clean close
// (crash), or an RST once the request arrived (reset).
func serveRaw(ctx context.Context, l net.Listener, kind string) error {
	for {
		c, err := l.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		go func() {
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(10 * time.Second))
			readHead(c)
			if kind == kindCrash {
				_, _ = c.Write([]byte("HTTP/1.1 200 OK\r\nContent-"))
				return
			}
			if tc, ok := c.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // close sends RST
			}
		}()
	}
}

// readHead reads up to the end of a request head (bounded).
func readHead(c net.Conn) {
	r := bufio.NewReaderSize(c, 4096)
	for range 100 {
		line, err := r.ReadString('\n')
		if err != nil || line == "\r\n" || line == "\n" {
			return
		}
	}
}
