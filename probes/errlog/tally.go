package errlog

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"
	"unsafe"

	"ngx502/probes/logfile"
)

// tally is what reading a log adds to a Summary besides its groups.
type tally struct {
	entries  int // entries with Time >= since, not counting own
	own      int // entries of ngx502's own requests
	upstream int // entries with a Kind, all added to the group table
}

// add sums u into t.
func (t *tally) add(u tally) {
	t.entries += u.entries
	t.own += u.own
	t.upstream += u.upstream
}

// errTableFull stops a chunk whose noEvict table met one key too many.
var errTableFull = errors.New("group table full")

// tallier does for each entry what Summarize's readFile did with Scan and
// Classify, without a string per entry: entries the pre-filter clears are
// only counted, the others are parsed in place (their strings alias the
// reader's buffer) and reach the table through addScratch, which copies
// what it keeps.
type tallier struct {
	tally
	acc  *groupTable
	msgs msgCache
}

// entry counts one entry; errTableFull when the table refused it.
func (c *tallier) entry(raw []byte, h *header) error {
	if !mayMatter(raw, h) {
		c.entries++
		return nil
	}
	// e stays on the stack, and its strings alias raw: valid during this call only
	var e Entry
	v := c.msgs.parse(&e, unsafe.String(unsafe.SliceData(raw), len(raw)), h)
	if strings.Contains(e.Request, logfile.ProbeMarker) {
		c.own++ // ngx502's own request through nginx
		return nil
	}
	c.entries++
	if v.kind == KindNone {
		return nil
	}
	c.upstream++
	if !c.acc.addScratch(&e, v.kind, v.status, v.peerOf(&e), raw) {
		return errTableFull
	}
	return nil
}

// tallyStream classifies the entries of r with Time >= since into acc, in
// file order: what Scan with Summarize's callback did, for a source that
// cannot be split (a .gz file) or is too small to be worth it.
func tallyStream(ctx context.Context, r io.Reader, loc *time.Location, since time.Time, acc *groupTable) (tally, error) {
	er := entryReader{p: parser{loc: loc}, since: since}
	c := tallier{acc: acc}
	err := er.read(ctx, r, c.entry)
	return c.tally, err
}

// tallyRead classifies into acc the entries with Time >= since of window
// (the bytes of an uncompressed file from an entry start: a
// logfile.Reader's Section or Window) in parallel chunks, or, when window
// is nil (a .gz file), of src as one stream. It is what readFile did with
// Scan and its callback.
func tallyRead(ctx context.Context, window *io.SectionReader, src io.Reader, loc *time.Location, since time.Time, acc *groupTable) (tally, error) {
	return tallyReadPlanned(ctx, window, src, loc, since, acc, defaultPlan())
}

// tallyReadPlanned is tallyRead with chunks and workers as pl says.
func tallyReadPlanned(ctx context.Context, window *io.SectionReader, src io.Reader, loc *time.Location, since time.Time, acc *groupTable, pl plan) (tally, error) {
	if window != nil {
		return tallyPlanned(ctx, window, 0, window.Size(), loc, since, acc, pl)
	}
	return tallyStream(ctx, src, loc, since, acc)
}
