package errlog

import (
	"syscall"
	"testing"
	"time"
)

// The stage benchmarks cost each step of the new path per entry, over the
// lab entries, in CPU time (cpu-ns/entry): what to look at first when the
// 1 GiB ratio moves, on a machine whose wall clock others share.

// cpuNow is this process's user+system CPU time.
func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// perEntry reports the CPU time per entry since c0.
func perEntry(b *testing.B, c0 time.Duration, n int) {
	b.ReportMetric(float64((cpuNow()-c0).Nanoseconds())/float64(b.N*n), "cpu-ns/entry")
}

// labParsed returns the lab entries, stamped, with their headers.
func labParsed(b *testing.B) ([]string, []header) {
	var raws []string
	var hs []header
	p := parser{loc: time.UTC}
	for _, e := range labEntries(b) {
		raw := "2026/11/25 12:00:00" + string(e)
		h, ok := readHeader(&p, raw)
		if !ok {
			b.Fatalf("not an entry: %q", raw)
		}
		raws, hs = append(raws, raw), append(hs, h)
	}
	return raws, hs
}

func BenchmarkStageHeader(b *testing.B) {
	raws, _ := labParsed(b)
	p := parser{loc: time.UTC}
	c0 := cpuNow()
	for b.Loop() {
		for _, r := range raws {
			readHeader(&p, r)
		}
	}
	perEntry(b, c0, len(raws))
}

func BenchmarkStagePrefilter(b *testing.B) {
	raws, hs := labParsed(b)
	bs := make([][]byte, len(raws))
	for i, r := range raws {
		bs[i] = []byte(r)
	}
	c0 := cpuNow()
	for b.Loop() {
		for i := range bs {
			mayMatter(bs[i], &hs[i])
		}
	}
	perEntry(b, c0, len(raws))
}

func BenchmarkStageFind(b *testing.B) {
	raws, hs := labParsed(b)
	var buf [16]mark
	c0 := cpuNow()
	for b.Loop() {
		for i, r := range raws {
			find(r[hs[i].msg:], buf[:])
		}
	}
	perEntry(b, c0, len(raws))
}

func BenchmarkStageParse(b *testing.B) {
	raws, hs := labParsed(b)
	var e Entry
	c0 := cpuNow()
	for b.Loop() {
		for i, r := range raws {
			parseWith(&e, r, hs[i])
		}
	}
	perEntry(b, c0, len(raws))
}

// BenchmarkStageParseCached is parse, Classify and Status through the
// message cache, all hits after the first round.
func BenchmarkStageParseCached(b *testing.B) {
	raws, hs := labParsed(b)
	var c msgCache
	c0 := cpuNow()
	for b.Loop() {
		for i, r := range raws {
			var e Entry
			c.parse(&e, r, &hs[i])
		}
	}
	perEntry(b, c0, len(raws))
}

func BenchmarkStageClassify(b *testing.B) {
	raws, hs := labParsed(b)
	es := make([]Entry, len(raws))
	for i, r := range raws {
		parseWith(&es[i], r, hs[i])
	}
	c0 := cpuNow()
	for b.Loop() {
		for i := range es {
			statusOf(&es[i], classify(&es[i]))
		}
	}
	perEntry(b, c0, len(raws))
}

func BenchmarkStageCount(b *testing.B) {
	raws, hs := labParsed(b)
	es := make([]Entry, len(raws))
	ks := make([]Kind, len(raws))
	sts := make([]int, len(raws))
	for i, r := range raws {
		parseWith(&es[i], r, hs[i])
		ks[i] = classify(&es[i])
		sts[i] = statusOf(&es[i], ks[i])
	}
	t := newGroupTable(MaxGroups)
	c0 := cpuNow()
	for b.Loop() {
		for i := range es {
			if ks[i] != KindNone {
				t.addScratch(&es[i], ks[i], sts[i], peerOf(&es[i]), []byte(raws[i]))
			}
		}
	}
	perEntry(b, c0, len(raws))
}
