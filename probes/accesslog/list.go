package accesslog

import "time"

// maxItems bounds the attempts read from one list value: nginx tries each
// server of a group at most once, and a line is bounded anyway.
const maxItems = 64

// nextItem returns the item of a $upstream_* list at b[pos:] and where the
// next one starts (len(b) at the end). Items are separated by ", " (the next
// server) or " : " (another upstream group); items never hold a space,
// while "unix:/x.sock" and "[::1]:80" hold colons.
func nextItem(b []byte, pos int) (item []byte, next int) {
	for k := pos; k < len(b); k++ {
		if b[k] != ' ' {
			continue
		}
		end := k
		if end > pos && b[end-1] == ',' {
			end--
		}
		next = k + 1
		if k+2 < len(b) && b[k+1] == ':' && b[k+2] == ' ' {
			next = k + 3
		}
		return b[pos:end], next
	}
	return b[pos:], len(b)
}

// isDash reports whether an item is nginx's "-" (no value).
func isDash(b []byte) bool { return len(b) == 1 && b[0] == '-' }

// listInts parses an $upstream_status list; "-" items are 0. A lone "-"
// is one item: whether it means "no upstream" the caller tells by
// $upstream_addr.
func listInts(b []byte) []int {
	if b == nil {
		return nil
	}
	var out []int
	for pos := 0; pos < len(b) && len(out) < maxItems; {
		var it []byte
		it, pos = nextItem(b, pos)
		n, ok := num(it)
		if !ok || n > 999 {
			n = 0
		}
		out = append(out, n)
	}
	return out
}

// listStrings parses an $upstream_addr list; "-" items are "".
func listStrings(b []byte) []string {
	if b == nil {
		return nil
	}
	var out []string
	for pos := 0; pos < len(b) && len(out) < maxItems; {
		var it []byte
		it, pos = nextItem(b, pos)
		s := string(it)
		if isDash(it) {
			s = ""
		}
		out = append(out, s)
	}
	return out
}

// listDurations parses an $upstream_*_time list; "-" (or junk) items are -1.
func listDurations(b []byte) []time.Duration {
	if b == nil {
		return nil
	}
	var out []time.Duration
	for pos := 0; pos < len(b) && len(out) < maxItems; {
		var it []byte
		it, pos = nextItem(b, pos)
		d, ok := parseSeconds(it)
		if !ok {
			d = -1
		}
		out = append(out, d)
	}
	return out
}

// lastItem returns the last item of a list value (the attempt whose
// answer the client got), without allocating.
func lastItem(b []byte) []byte {
	var last []byte
	for pos, n := 0, 0; pos < len(b) && n < maxItems; n++ {
		last, pos = nextItem(b, pos)
	}
	return last
}
