package errlog

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"ngx502/probes/logfile"
)

// bigLog describes a generated realistic error log.
type bigLog struct {
	path    string
	size    int64
	entries int // entries written, ngx502's own included
	own     int // entries of ngx502's own requests
}

// ownEvery is how often the big log has an entry of ngx502's own request.
const ownEvery = 1000

// labEntries returns the lab's error-log entries without their timestamp:
// the rest of the first line and any continuation lines, in file order.
func labEntries(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, l := range strings.Split(string(errorSections(tb)), "\n") {
		switch {
		case len(l) > 20 && l[4] == '/' && l[19] == ' ':
			out = append(out, []byte(l[19:]))
		case l != "" && len(out) > 0: // multi-line FastCGI stderr
			out[len(out)-1] = append(append(out[len(out)-1], '\n'), l...)
		}
	}
	if len(out) < 50 {
		tb.Fatalf("only %d lab entries", len(out))
	}
	return out
}

// appendVaried ends a big-log line and gives it what differs from one
// request to the next in a real log: nginx's connection number (*CID)
// grows, and clients come from many addresses.
func appendVaried(line []byte, i int) []byte {
	if j := bytes.Index(line, []byte(": *")); j > 0 && j < 60 {
		k := j + len(": *")
		for k < len(line) && line[k] >= '0' && line[k] <= '9' {
			k++
		}
		rest := append([]byte(nil), line[k:]...)
		line = append(strconv.AppendInt(line[:j+len(": *")], int64(1000+i), 10), rest...)
	}
	if j := bytes.Index(line, []byte("client: 127.0.0.1,")); j > 0 {
		rest := append([]byte(nil), line[j+len("client: 127.0.0.1"):]...)
		line = fmt.Appendf(line[:j], "client: 10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
		line = append(line, rest...)
	}
	return append(line, '\n')
}

// ownEntry is a lab refused connect whose request carries logfile.ProbeMarker.
func ownEntry(tb testing.TB, lab [][]byte) []byte {
	tb.Helper()
	for _, e := range lab {
		if bytes.Contains(e, []byte(`request: "GET /refused HTTP/1.1"`)) {
			return bytes.Replace(e, []byte("GET /refused "), []byte("GET /refused?"+logfile.ProbeMarker+"3f2a1c "), 1)
		}
	}
	tb.Fatal("no refused entry in the lab file")
	return nil
}

// writeBigLog writes about size bytes of error log into a fresh temporary
// directory: the lab entries in turn (continuation lines included) with
// growing connection numbers and varied clients, one of ngx502's own
// requests every ownEvery entries, and a clock spread evenly over span.
func writeBigLog(tb testing.TB, size int64, span time.Duration) bigLog {
	tb.Helper()
	lab := labEntries(tb)
	own := ownEntry(tb, lab)
	avg := 0
	for _, e := range lab {
		avg += len(e) + len("2006/01/02 15:04:05\n")
	}
	avg /= len(lab)
	expect := max(1, size/int64(avg))

	log := bigLog{path: filepath.Join(tb.TempDir(), "error.log")}
	f, err := os.Create(log.path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	t0 := time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC)
	var lastSec int64 = -1
	var stamp, line []byte
	for i := 0; log.size < size; i++ {
		sec := int64(span/time.Second) * int64(i) / expect
		if sec != lastSec {
			stamp, lastSec = t0.Add(time.Duration(sec)*time.Second).AppendFormat(stamp[:0], "2006/01/02 15:04:05"), sec
		}
		e := lab[i%len(lab)]
		if i%ownEvery == ownEvery-1 {
			e = own
			log.own++
		}
		line = appendVaried(append(append(line[:0], stamp...), e...), i)
		w.Write(line)
		log.size += int64(len(line))
		log.entries++
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return log
}
