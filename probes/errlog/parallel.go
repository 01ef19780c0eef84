package errlog

import (
	"bytes"
	"context"
	"errors"
	"io"
	"runtime"
	"runtime/debug"
	"sync"
	"time"
)

// chunkSize is how much of a file one worker classifies at a time: big
// enough that a chunk's table, boundary search and mapping (mapped.go)
// cost nothing next to its parse (8 MiB took 5% less CPU than 4 on a
// 1 GiB log), small enough that the cores finish close together and the
// mappings in flight stay a few MiB.
const chunkSize = 8 << 20

// maxChunkGroups bounds a chunk's table: a chunk with more peer × kind
// keys is read again in order instead. It keeps the tables in flight
// small (each holds at most this many samples, and server names no longer
// than its chunk) whatever the log.
const maxChunkGroups = MaxGroups / 4

// probeLen is how much of a line the boundary search reads: more than
// readHeader ever looks at.
const probeLen = 512

// plan is how tallyPlanned splits the work.
type plan struct {
	chunk   int64 // bytes per chunk, about
	workers int   // goroutines classifying chunks
}

// mappedBudget bounds the chunk bytes mapped at once (one chunk per
// worker), which count in the resident set: chunks shrink on a machine
// of many cores, down to 1 MiB.
const mappedBudget = 32 << 20

// defaultPlan uses every core with chunkSize chunks, or smaller ones
// within mappedBudget.
func defaultPlan() plan {
	workers := runtime.GOMAXPROCS(0)
	return plan{chunk: max(1<<20, min(chunkSize, mappedBudget/int64(max(workers, 1)))), workers: workers}
}

// chunk is a byte range of the file that starts with an entry.
type chunk struct {
	start, end int64
	out        chan chunkResult // buffered: a worker never waits on the merger
}

// chunkResult is what a worker made of a chunk.
type chunkResult struct {
	chunk
	tally
	table  *groupTable // the chunk's groups (nil only when it was never read)
	err    error
	replay bool // the chunk had more keys than its table holds
}

// tallyPlanned classifies the entries of ra[start:end) (start at a line
// start) into acc, with the result of tallyStream on the same bytes. Chunks that
// start at entry starts are parsed on every core, each into its own
// noEvict table, and merged in file order (groupTable.mergeFrom). When a
// chunk has more keys than maxChunkGroups, or merging it would evict, it
// is read again, in order, straight into acc: eviction depends on the
// order of every entry, so many-peer logs (where evictions happen) cost a
// sequential read and get the same exact result. Memory is bounded: at
// most 2×workers+1 chunks are in flight, each with one bounded table.
// Fewer than two workers, or under two chunks, read as a stream.
func tallyPlanned(ctx context.Context, ra io.ReaderAt, start, end int64, loc *time.Location, since time.Time, acc *groupTable, pl plan) (tally, error) {
	workers := pl.workers
	if workers < 2 || end-start < 2*pl.chunk {
		return tallyStream(ctx, io.NewSectionReader(ra, start, end-start), loc, since, acc)
	}
	ctx, cancel := context.WithCancel(ctx)
	jobs := make(chan chunk)
	inOrder := make(chan chunk, workers) // the merge order; with the workers' own, it bounds the chunks in flight
	tables := make(chan *groupTable, 2*workers+1)
	var wg sync.WaitGroup
	wg.Go(func() { split(ctx, ra, start, end, pl.chunk, loc, jobs, inOrder) })
	for range workers {
		wg.Go(func() {
			var w chunkWorker
			w.er = entryReader{p: parser{loc: loc}, since: since}
			for c := range jobs {
				c.out <- w.classify(ctx, ra, c, takeTable(tables, acc))
			}
		})
	}
	defer func() {
		cancel() // an early return stops the splitter and the workers
		wg.Wait()
	}()
	var total tally
	var replayer chunkWorker // reads chunks again in order, keeping its buffers
	replayer.er = entryReader{p: parser{loc: loc}, since: since}
	for c := range inOrder {
		res := <-c.out
		if res.err != nil && ctx.Err() != nil {
			return total, ctx.Err()
		}
		if res.err == nil && !res.replay && acc.mergeFrom(res.table) {
			total.add(res.tally)
		} else {
			// in order, into acc: a read error then stops where a stream would
			t, err := replayer.replay(ctx, ra, c, acc)
			total.add(t)
			if err != nil {
				return total, err
			}
		}
		if res.table != nil {
			select {
			case tables <- res.table:
			default:
			}
		}
	}
	return total, ctx.Err()
}

// takeTable returns a cleared chunk table sharing acc's bound and seed.
func takeTable(free chan *groupTable, acc *groupTable) *groupTable {
	select {
	case t := <-free:
		t.clearFor(acc)
		return t
	default:
	}
	t := &groupTable{}
	t.clearFor(acc)
	return t
}

// chunkWorker classifies chunks one after the other, keeping its read
// buffer and message cache.
type chunkWorker struct {
	er entryReader
	tl tallier
}

// classify reads c into t, a noEvict table: from a mapping of the file
// when it can (mapped.go), else with reads.
func (w *chunkWorker) classify(ctx context.Context, ra io.ReaderAt, c chunk, t *groupTable) chunkResult {
	w.tl.tally, w.tl.acc = tally{}, t
	var err error
	if m := mapChunk(ra, c.start, c.end); m != nil {
		err = w.classifyMapped(ctx, m, t)
		m.unmap()
	} else {
		err = w.er.read(ctx, io.NewSectionReader(ra, c.start, c.end-c.start), w.tl.entry)
	}
	res := chunkResult{chunk: c, tally: w.tl.tally, table: t, err: err}
	if errors.Is(err, errTableFull) || errors.Is(err, errShrunk) {
		res.err, res.replay = nil, true
	}
	return res
}

// errShrunk says a mapped chunk's file lost some of its bytes while they
// were classified: the chunk is read again, in order, as a stream would.
var errShrunk = errors.New("file shrank under its mapping")

// classifyMapped classifies m's bytes into t. A page the file no longer
// holds faults: with SetPanicOnFault that is a panic of this goroutine,
// which becomes errShrunk, as does a file found shorter afterwards (its
// last page read as zeros). The entries' bytes are in m only until it is
// unmapped: t's samples borrow them until keepSamples copies the last of
// each group, and everything else copies what it keeps, as with a reused
// read buffer.
func (w *chunkWorker) classifyMapped(ctx context.Context, m *mapping, t *groupTable) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if _, fault := r.(interface{ Addr() uintptr }); !fault {
				panic(r)
			}
			err = errShrunk
		}
		if err != nil {
			t.dropSamples() // the chunk is read again: t is not used
		}
	}()
	t.lent = m.data
	if err = w.er.readBytes(ctx, m.data, w.tl.entry); err != nil {
		return err
	}
	t.keepSamples() // may fault too
	if !m.intact() {
		return errShrunk
	}
	return nil
}

// replay reads c straight into acc, in order.
func (w *chunkWorker) replay(ctx context.Context, ra io.ReaderAt, c chunk, acc *groupTable) (tally, error) {
	w.tl.tally, w.tl.acc = tally{}, acc
	err := w.er.read(ctx, io.NewSectionReader(ra, c.start, c.end-c.start), w.tl.entry)
	return w.tl.tally, err
}

// split cuts ra[start:end) into chunks of about size bytes that start at
// entry starts and hands each to the workers and, in order, to the merger.
func split(ctx context.Context, ra io.ReaderAt, start, end, size int64, loc *time.Location, jobs, inOrder chan<- chunk) {
	defer close(inOrder)
	defer close(jobs)
	p := parser{loc: loc}
	win := make([]byte, 64<<10)
	for a := start; a < end; {
		b := end
		if end-a >= 2*size {
			b = nextEntryStart(ra, a+size, end, &p, win)
		}
		c := chunk{start: a, end: b, out: make(chan chunkResult, 1)}
		select {
		case inOrder <- c:
		case <-ctx.Done():
			return
		}
		select {
		case jobs <- c:
		case <-ctx.Done():
			c.out <- chunkResult{chunk: c, err: ctx.Err()} // the merger waits for it
			return
		}
		a = b
	}
}

// nextEntryStart returns the first offset >= from (from > 0) where a line
// that readHeader accepts starts, or end. Scan flushes the pending entry at
// such a line whatever came before, so the entries of the bytes before and
// after it are those of the whole. win (longer than probeLen) is scratch.
func nextEntryStart(ra io.ReaderAt, from, end int64, p *parser, win []byte) int64 {
	for pos := from - 1; pos < end; { // win[0] is the byte before a candidate
		want := min(int64(len(win)), end-pos)
		n, _ := ra.ReadAt(win[:want], pos)
		if n == 0 {
			return end
		}
		w := win[:n]
		atEnd := int64(n) < want || pos+int64(n) >= end // a short read: the file shrank
		next := pos + int64(n)
		for i := 0; ; {
			j := bytes.IndexByte(w[i:], '\n')
			if j < 0 {
				break
			}
			c := i + j + 1 // a line starts here
			line := w[c:]
			if k := bytes.IndexByte(line, '\n'); k >= 0 {
				line = line[:k]
			} else if len(line) < probeLen && !atEnd && c > 1 {
				next = pos + int64(c) - 1 // read it whole from its '\n'
				break
			}
			if _, ok := readHeader(p, line[:min(len(line), probeLen)]); ok {
				return pos + int64(c)
			}
			i = c
		}
		pos = next
	}
	return end
}
