package errlog

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// refReadHeader is readHeader before issue 8's last changes: the level
// found by a loop to its ']', every number parsed digit by digit, the
// time from time.Date. The oracle of the faster one.
func refReadHeader(line string) (header, bool) {
	var h header
	if len(line) < headerLen+len("info] 1#0:") {
		return h, false
	}
	if line[4] != '/' || line[7] != '/' || line[10] != ' ' || line[13] != ':' ||
		line[16] != ':' || line[19] != ' ' || line[20] != '[' {
		return h, false
	}
	i := headerLen
	j := i
	for j < len(line) && j < i+len("notice") && line[j] != ']' {
		j++
	}
	if j >= len(line) || line[j] != ']' {
		return h, false
	}
	for _, name := range []string{"emerg", "alert", "crit", "error", "warn", "notice", "info", "debug"} {
		if line[i:j] == name {
			h.level = name
		}
	}
	i = j + 1
	if h.level == "" || i >= len(line) || line[i] != ' ' {
		return h, false
	}
	num := func(i int) (int64, int, bool) {
		start := i
		var n int64
		for i < len(line) && i-start < 18 && line[i] >= '0' && line[i] <= '9' {
			n = n*10 + int64(line[i]-'0')
			i++
		}
		return n, i, i > start
	}
	var n int64
	var ok bool
	if n, i, ok = num(i + 1); !ok || i >= len(line) || line[i] != '#' {
		return h, false
	}
	h.pid = int(n)
	if n, i, ok = num(i + 1); !ok || i >= len(line) || line[i] != ':' {
		return h, false
	}
	h.tid = int(n)
	i++
	if i < len(line) && line[i] == ' ' {
		i++
	}
	if i < len(line) && line[i] == '*' {
		if n, j, ok := num(i + 1); ok && j < len(line) && line[j] == ' ' {
			h.cid, i = n, j+1
		}
	}
	h.msg = i
	t, err := time.ParseInLocation("2006/01/02 15:04:05", line[:19], time.UTC)
	if err != nil {
		// time.Parse refuses some stamps stamp accepts (second 60) and
		// accepts none it refuses: ask stamp, which has its own tests
		var p parser
		p.loc = time.UTC
		if h.time, ok = stamp(&p, line[:19]); !ok {
			return h, false
		}
		return h, true
	}
	h.time = t
	return h, true
}

// checkHeader compares readHeader, on the string and the bytes, with
// refReadHeader.
func checkHeader(t *testing.T, line string) {
	t.Helper()
	want, wok := refReadHeader(line)
	p, q := parser{loc: time.UTC}, parser{loc: time.UTC}
	hs, sok := readHeader(&p, line)
	hb, bok := readHeader(&q, []byte(line))
	for _, got := range []header{hs, hb} {
		if sok != wok || bok != wok || wok && (got.level != want.level || got.pid != want.pid || got.tid != want.tid ||
			got.cid != want.cid || got.msg != want.msg || !got.time.Equal(want.time)) {
			t.Fatalf("%q:\ngot  %v %v %+v\nwant %v %+v", line, sok, bok, got, wok, want)
		}
	}
}

// TestHeaderMatchesReference: headers built from levels, numbers and
// separators, good and bad, parse as the reference parses them: PID and
// TID equal, one a prefix of the other, over 18 digits, cut short.
func TestHeaderMatchesReference(t *testing.T) {
	levels := []string{"error", "emerg", "alert", "crit", "warn", "notice", "info", "debug",
		"erro", "errorr", "notic", "noticee", "Error", "", "e", "emer"}
	nums := []string{"", "0", "7", "42", "4783", "47830", "478", "123456789012345678", "1234567890123456789", "007"}
	tails := []string{"", " ", ":", ": ", ": *", ": *1 ", ": *12", ": *12 x", ": x", ":  *3 y", "#", "x"}
	rng := rand.New(rand.NewPCG(8, 8))
	for range 50_000 {
		var b strings.Builder
		b.WriteString("2026/11/25 12:00:0")
		b.WriteByte(byte('0' + rng.IntN(10)))
		b.WriteString(" [")
		b.WriteString(levels[rng.IntN(len(levels))])
		b.WriteString([]string{"] ", "]", "  ", "]  "}[rng.IntN(4)])
		pid := nums[rng.IntN(len(nums))]
		b.WriteString(pid)
		b.WriteString([]string{"#", "", "##"}[rng.IntN(3)])
		if rng.IntN(2) == 0 {
			b.WriteString(pid)
		} else {
			b.WriteString(nums[rng.IntN(len(nums))])
		}
		b.WriteString(tails[rng.IntN(len(tails))])
		b.WriteString(strings.Repeat("m", rng.IntN(4)))
		l := b.String()
		checkHeader(t, l)
		checkHeader(t, l[:rng.IntN(len(l)+1)])
	}
	for _, l := range strings.Split(string(errorSections(t)), "\n") {
		checkHeader(t, l)
	}
}

// FuzzHeaderMatchesReference is TestHeaderMatchesReference on any line.
func FuzzHeaderMatchesReference(f *testing.F) {
	addSamples(f)
	f.Add("2026/11/25 12:00:00 [error] 12#12: *3 x")
	f.Fuzz(func(t *testing.T, line string) { checkHeader(t, line) })
}

// TestDigits: digits agrees with a plain loop on runs of every length
// at every offset of a word, with every byte after them.
func TestDigits(t *testing.T) {
	ref := func(s string, i int) (int64, int, bool) {
		start := i
		var n int64
		for i < len(s) && i-start < 18 && s[i] >= '0' && s[i] <= '9' {
			n = n*10 + int64(s[i]-'0')
			i++
		}
		return n, i, i > start
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for run := 0; run <= 20; run++ {
		for c := 0; c < 256; c++ {
			var b strings.Builder
			b.WriteString(strings.Repeat("x", rng.IntN(3)))
			from := b.Len()
			for range run {
				b.WriteByte(byte('0' + rng.IntN(10)))
			}
			b.WriteByte(byte(c))
			b.WriteString(strings.Repeat("9", rng.IntN(10)))
			s := b.String()
			for _, l := range []string{s, s[:from+run]} {
				wn, wi, wok := ref(l, from)
				gn, gi, gok := digits(l, from)
				bn, bi, bok := digits([]byte(l), from)
				if gn != wn || gi != wi || gok != wok || bn != wn || bi != wi || bok != wok {
					t.Fatalf("%q at %d: %d %d %v (bytes %d %d %v), want %d %d %v", l, from, gn, gi, gok, bn, bi, bok, wn, wi, wok)
				}
			}
		}
	}
}
