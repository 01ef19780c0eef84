package nginxtest

import (
	"net"
	"sync"
	"testing"
	"time"
)

// maxConns bounds the connections (and so the goroutines) each test upstream serves at once.
const maxConns = 64

// trackedListener remembers its open connections so Close can end them all, which ends
// every handler goroutine blocked on them; Accept waits while maxConns are open.
type trackedListener struct {
	net.Listener
	sem  chan struct{}
	done chan struct{}
	once sync.Once

	mu    sync.Mutex
	conns map[*trackedConn]struct{}
}

func newTrackedListener(l net.Listener) *trackedListener {
	return &trackedListener{
		Listener: l,
		sem:      make(chan struct{}, maxConns),
		done:     make(chan struct{}),
		conns:    map[*trackedConn]struct{}{},
	}
}

// Accept returns the next connection once fewer than maxConns are open.
func (l *trackedListener) Accept() (net.Conn, error) {
	select {
	case l.sem <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.sem
		return nil, err
	}
	tc := &trackedConn{Conn: c, l: l}
	l.mu.Lock()
	defer l.mu.Unlock()
	select {
	case <-l.done:
		// Close ran while this connection was being accepted and did not see it.
		c.Close()
		<-l.sem
		return nil, net.ErrClosed
	default:
	}
	l.conns[tc] = struct{}{}
	return tc, nil
}

// Close stops accepting and closes every open connection.
func (l *trackedListener) Close() error {
	var err error
	l.once.Do(func() {
		close(l.done)
		err = l.Listener.Close()
		l.mu.Lock()
		open := make([]*trackedConn, 0, len(l.conns))
		for c := range l.conns {
			open = append(open, c)
		}
		l.mu.Unlock()
		for _, c := range open {
			c.Close()
		}
	})
	return err
}

// trackedConn releases its listener slot exactly once on Close.
type trackedConn struct {
	net.Conn
	l    *trackedListener
	once sync.Once
}

// Close closes the connection and frees its slot.
func (c *trackedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.l.mu.Lock()
		delete(c.l.conns, c)
		c.l.mu.Unlock()
		<-c.l.sem
	})
	return err
}

// serveRaw listens on 127.0.0.1:0 and runs handle for each connection in its own
// goroutine; the connection is closed when handle returns. done is closed at cleanup,
// which also closes all connections and waits for every handler to return.
func serveRaw(t testing.TB, handle func(c net.Conn, done <-chan struct{})) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("nginxtest: listen: %v", err)
	}
	tl := newTrackedListener(ln)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := tl.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				handle(c, tl.done)
			}()
		}
	}()
	t.Cleanup(func() {
		tl.Close()
		wg.Wait()
	})
	return ln.Addr().String()
}

// readHead reads until the end of an HTTP request head (a blank line), at most 64 KiB,
// within 5 s. The bytes are discarded: these upstreams do not care what was asked.
func readHead(c net.Conn) error {
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	defer c.SetReadDeadline(time.Time{})
	buf := make([]byte, 0, 4096)
	tmp := make([]byte, 4096)
	for len(buf) < 64<<10 {
		n, err := c.Read(tmp)
		buf = append(buf, tmp[:n]...)
		if headEnd(buf) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// headEnd reports whether b holds a complete request head.
func headEnd(b []byte) bool { return headLen(b) > 0 }
