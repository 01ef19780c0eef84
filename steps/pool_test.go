package steps

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

func TestForEachRunsAllWithinLimit(t *testing.T) {
	var running, peak atomic.Int64
	out := make([]int, 1000)
	ran := forEach(context.Background(), len(out), 16, func(i int) {
		n := running.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(100 * time.Microsecond)
		out[i] = i * 2
		running.Add(-1)
	})
	for i := range out {
		if !ran[i] || out[i] != i*2 {
			t.Fatalf("item %d: ran %v, result %d", i, ran[i], out[i])
		}
	}
	if p := peak.Load(); p > 16 || p < 2 {
		t.Errorf("peak concurrency %d, want 2…16", p)
	}
}

func TestForEachStopsStartingWhenCancelled(t *testing.T) {
	const workers = 4
	ctx, cancel := context.WithCancel(context.Background())
	var started, late atomic.Int64
	var cancelled atomic.Bool
	ran := forEach(ctx, 10000, workers, func(i int) {
		if cancelled.Load() {
			late.Add(1) // began after cancel returned
		}
		if started.Add(1) == 20 {
			cancel()
			cancelled.Store(true)
		}
	})
	n := 0
	for _, r := range ran {
		if r {
			n++
		}
	}
	if n != int(started.Load()) || n < 20 || n == 10000 {
		t.Errorf("%d items ran, %d started: want every started one marked, and the rest not run", n, started.Load())
	}
	// A worker that checked ctx just before the cancel may start one more.
	if l := late.Load(); l > workers-1 {
		t.Errorf("%d items began after the cancel, want ≤ %d", l, workers-1)
	}
}

func TestForEachEmpty(t *testing.T) {
	if ran := forEach(context.Background(), 0, 8, func(int) { t.Error("fn called") }); len(ran) != 0 {
		t.Errorf("ran %v", ran)
	}
}
