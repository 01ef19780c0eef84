package errlog

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// genLog builds about size bytes of error log from the lab entries, with a
// clock that advances every few lines like a busy server's log.
func genLog(b *testing.B, size int) []byte {
	b.Helper()
	var lines []string
	for _, l := range strings.Split(string(errorSections(b)), "\n") {
		if len(l) > 20 && l[4] == '/' {
			lines = append(lines, l[19:]) // without the timestamp
		}
	}
	var buf bytes.Buffer
	buf.Grow(size + 4096)
	t0 := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	for i := 0; buf.Len() < size; i++ {
		buf.WriteString(t0.Add(time.Duration(i/7) * time.Second).Format("2006/01/02 15:04:05"))
		buf.WriteString(lines[i%len(lines)])
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

func BenchmarkScan(b *testing.B) {
	data := genLog(b, 50<<20)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		n, up := 0, 0
		err := Scan(context.Background(), bytes.NewReader(data), time.UTC, time.Time{}, func(e Entry) {
			n++
			if Classify(e) != KindNone {
				up++
			}
		})
		if err != nil || n == 0 || up == 0 {
			b.Fatal(err, n, up)
		}
	}
}

func BenchmarkScanSinceWindow(b *testing.B) {
	data := genLog(b, 50<<20)
	since := time.Date(2026, 11, 25, 23, 0, 0, 0, time.UTC) // only the tail of the file
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := Scan(context.Background(), bytes.NewReader(data), time.UTC, since, func(Entry) {}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseLine(b *testing.B) {
	line := []byte(sampleLine(b, "*133 "))
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := ParseLine(line, time.UTC); !ok {
			b.Fatal("rejected")
		}
	}
}

func BenchmarkClassify(b *testing.B) {
	e := mustParse(b, sampleLine(b, "*209 "))
	b.ReportAllocs()
	for b.Loop() {
		if Classify(e) != KindTimeout {
			b.Fatal("kind")
		}
	}
}

func BenchmarkSanitize(b *testing.B) {
	s := strings.Repeat("GET /caf\xc3\xa9?q=\xff\x1b[31m ", 20)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		_ = Sanitize(s)
	}
}
