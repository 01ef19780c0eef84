package steps

import (
	"context"
	"sync"
	"sync/atomic"
)

// Concurrency limits for per-target work. Each probe holds one socket at
// most, so these bound the descriptors a run takes on a production box
// (far below the usual 1,024 soft limit) whatever the config lists.
const (
	connectLimit = 64 // TCP/unix connects and direct upstream probes
	pingLimit    = 16 // ICMP/TCP pings: several packets each, spaced out
	viaLimit     = 8  // requests through nginx itself: it is the patient
)

// forEach runs fn(i) for every i in [0, n) on at most limit goroutines and
// returns which i ran. Once ctx is done it starts no new work; the caller
// reports the rest as not run. fn writes its result at index i, so the
// results keep the input's order whatever order the work finished in.
func forEach(ctx context.Context, n, limit int, fn func(i int)) (ran []bool) {
	ran = make([]bool, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(0, min(limit, n)) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(i)
				ran[i] = true
			}
		})
	}
	wg.Wait()
	return ran
}
