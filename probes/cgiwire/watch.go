package cgiwire

import (
	"io"
	"time"
)

// Timer names, for Exchange.Exceeded: nginx's *_connect_timeout and *_read_timeout.
const (
	TimerConnect = "connect"
	TimerRead    = "read"
)

// Watch measures what nginx's timers would: the connect against the connect timeout,
// and every wait for the upstream to send something against the read timeout (nginx
// re-arms its read timer after each read, so it is the longest gap that matters, not
// the total). It is used by one exchange, from one goroutine.
type Watch struct {
	connectTimeout, readTimeout time.Duration
	start, last                 time.Time
	firstByte                   time.Duration
	exceeded                    string
	waited                      time.Duration
}

// NewWatch starts the clock; a zero timeout is not compared.
func NewWatch(connectTimeout, readTimeout time.Duration) *Watch {
	now := time.Now()
	return &Watch{connectTimeout: connectTimeout, readTimeout: readTimeout, start: now, last: now}
}

// Connected ends the connect, successful or not, and returns its duration.
func (w *Watch) Connected() time.Duration {
	d := time.Since(w.start)
	w.check(TimerConnect, d, w.connectTimeout)
	w.last = time.Now()
	return d
}

// Sent marks the request written: the read timer starts now.
func (w *Watch) Sent() { w.last = time.Now() }

// Reader returns r with every read timed.
func (w *Watch) Reader(r io.Reader) io.Reader { return &timedReader{r: r, w: w} }

// Elapsed is the time since NewWatch.
func (w *Watch) Elapsed() time.Duration { return time.Since(w.start) }

// FirstByte is when the first byte arrived, counted from NewWatch; 0 before it did.
func (w *Watch) FirstByte() time.Duration { return w.firstByte }

// Exceeded names the first timer (Timer*) run past, "" if none, and the longest wait
// at it.
func (w *Watch) Exceeded() (timer string, waited time.Duration) { return w.exceeded, w.waited }

// check notes a wait of d at the timer named kind when it ran past limit; the first
// timer run past is the one nginx would have hit.
func (w *Watch) check(kind string, d, limit time.Duration) {
	if limit <= 0 || d <= limit || (w.exceeded != "" && w.exceeded != kind) {
		return
	}
	w.exceeded, w.waited = kind, max(w.waited, d)
}

// timedReader times each wait for data, including the last one that ended in an error.
type timedReader struct {
	r io.Reader
	w *Watch
}

// Read reads from the connection and times the wait.
func (t *timedReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	now := time.Now()
	t.w.check(TimerRead, now.Sub(t.w.last), t.w.readTimeout)
	if n > 0 {
		t.w.last = now
		if t.w.firstByte == 0 {
			t.w.firstByte = now.Sub(t.w.start)
		}
	}
	return n, err
}
