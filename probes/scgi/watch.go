package scgi

import (
	"io"
	"time"
)

// watch measures what nginx's timers would: the connect against ConnectTimeout, and
// every wait for the upstream to send something against ReadTimeout (nginx re-arms its
// read timer after each read, so it is the longest gap that matters, not the total).
type watch struct {
	connectTimeout, readTimeout time.Duration
	start, last                 time.Time
	firstByte                   time.Duration
	exceeded                    string
	waited                      time.Duration
}

func newWatch(connectTimeout, readTimeout time.Duration) *watch {
	now := time.Now()
	return &watch{connectTimeout: connectTimeout, readTimeout: readTimeout, start: now, last: now}
}

// connected ends the connect, successful or not, and returns its duration.
func (w *watch) connected() time.Duration {
	d := time.Since(w.start)
	w.check(TimerConnect, d, w.connectTimeout)
	w.last = time.Now()
	return d
}

// sent marks the request written: the read timer starts now.
func (w *watch) sent() { w.last = time.Now() }

// check notes a wait of d at the timer named kind when it ran past limit; the first
// timer run past is the one nginx would have hit.
func (w *watch) check(kind string, d, limit time.Duration) {
	if limit <= 0 || d <= limit || (w.exceeded != "" && w.exceeded != kind) {
		return
	}
	w.exceeded, w.waited = kind, max(w.waited, d)
}

// reader returns r with every read timed.
func (w *watch) reader(r io.Reader) io.Reader { return &timedReader{r: r, w: w} }

// timedReader times each wait for data, including the last one that ended in an error.
type timedReader struct {
	r io.Reader
	w *watch
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
