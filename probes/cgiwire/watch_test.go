package cgiwire

import (
	"testing"
	"time"
)

func TestWatch(t *testing.T) {
	w := &Watch{readTimeout: time.Second, connectTimeout: time.Second}
	w.check(TimerRead, 500*time.Millisecond, w.readTimeout)
	if w.exceeded != "" {
		t.Fatalf("within the limit: %q", w.exceeded)
	}
	w.check(TimerConnect, 2*time.Second, w.connectTimeout)
	w.check(TimerRead, 5*time.Second, w.readTimeout) // nginx would have stopped at the connect
	if w.exceeded != TimerConnect || w.waited != 2*time.Second {
		t.Errorf("exceeded %q waited %s", w.exceeded, w.waited)
	}
	w = &Watch{}
	w.check(TimerRead, time.Hour, 0)
	if w.exceeded != "" {
		t.Errorf("a zero limit is not compared: %q", w.exceeded)
	}
}
