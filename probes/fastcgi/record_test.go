package fastcgi

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestParseRecordsRoundTrip(t *testing.T) {
	var b []byte
	b = AppendRecord(b, Record{Version: 1, Type: TypeStdout, RequestID: 1, Content: []byte("Status: 404\r\n\r\nnope")})
	b = AppendRecord(b, Record{Version: 1, Type: TypeStderr, RequestID: 1, Content: []byte("Primary script unknown")})
	b = AppendRecord(b, Record{Version: 1, Type: TypeEndRequest, RequestID: 1, Content: []byte{0, 0, 0, 7, 0, 0, 0, 0}})
	if len(b)%8 != 0 {
		t.Fatalf("records not padded to 8 bytes: %d", len(b))
	}
	recs, err := ParseRecords(b)
	if err != nil || len(recs) != 3 {
		t.Fatalf("ParseRecords = %d records, %v", len(recs), err)
	}
	if recs[1].Type != TypeStderr || string(recs[1].Content) != "Primary script unknown" || recs[1].Padding != 2 {
		t.Errorf("record 1 = %+v", recs[1])
	}
	app, proto, err := endRequest(recs[2].Content)
	if app != 7 || proto != 0 || err != nil {
		t.Errorf("endRequest = %d %d %v", app, proto, err)
	}
	if _, err := ParseRecords(b[:len(b)-1]); !errors.Is(err, ErrTruncated) {
		t.Errorf("truncated stream: %v", err)
	}
}

// An HTTP server answers nginx's binary request with "HTTP/1.1 400 …": byte 0 is 'H'.
func TestParseRecordsHTTP(t *testing.T) {
	_, err := ParseRecords([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
	var ve *VersionError
	if !errors.As(err, &ve) || ve.Version != 72 {
		t.Fatalf("err = %v, want version 72", err)
	}
	if !strings.Contains(err.Error(), "unsupported FastCGI protocol version: 72") || !strings.Contains(err.Error(), "HTTP") {
		t.Errorf("message = %q", err)
	}
}

func TestStreamSplitsLongContent(t *testing.T) {
	content := bytes.Repeat([]byte("x"), 150000)
	recs, err := ParseRecords(appendStream(nil, TypeParams, 1, content))
	if err != nil {
		t.Fatal(err)
	}
	var got []byte
	for _, r := range recs[:len(recs)-1] {
		if len(r.Content) > 65535 || r.Type != TypeParams {
			t.Fatalf("record %+v", r.Type)
		}
		got = append(got, r.Content...)
	}
	if !bytes.Equal(got, content) || len(recs[len(recs)-1].Content) != 0 {
		t.Errorf("stream lost bytes or lacks its empty terminator: %d records", len(recs))
	}
}

func TestEncodeParamsLengths(t *testing.T) {
	long := strings.Repeat("v", 300)
	b := encodeParams(map[string]string{"A": "1", "LONG": long})
	want := append([]byte{1, 1, 'A', '1', 4, 0x80, 0, 1, 44}, "LONG"+long...)
	if !bytes.Equal(b, want) {
		t.Errorf("encodeParams = %q...", b[:12])
	}
}

func TestParseHeader(t *testing.T) {
	cases := []struct {
		hdr    string
		status int
		err    string
	}{
		{"Content-type: text/html\r\n", 200, ""},
		{"Status: 404 Not Found\r\nContent-type: text/html\r\n", 404, ""},
		{"Location: /login\n", 302, ""},
		{"Status: abc\n", 0, "invalid status"},
		{"HTTP/1.1 200 OK\r\n", 0, `invalid header: "HTTP/1.1 200 OK"`},
		{"X Bad: 1\n", 0, "invalid header"},
	}
	for _, c := range cases {
		var res Result
		err := parseHeader([]byte(c.hdr), &res)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: err = %v, want %q", c.hdr, err, c.err)
			}
			continue
		}
		if err != nil || res.Status != c.status {
			t.Errorf("%q: status %d err %v, want %d", c.hdr, res.Status, err, c.status)
		}
	}
	if h, ok := splitHeader([]byte("A: b\n\nbody\r\n\r\n")); !ok || string(h) != "A: b\n" {
		t.Errorf("splitHeader LF = %q %v", h, ok)
	}
}

// FuzzParseRecords: any input either decodes into records that re-encode and decode
// to the same records, or fails with one of the two documented errors.
func FuzzParseRecords(f *testing.F) {
	f.Add(AppendRecord(nil, Record{Version: 1, Type: TypeStdout, RequestID: 1, Content: []byte("Status: 200\r\n\r\nok")}))
	f.Add([]byte("HTTP/1.1 400 Bad Request\r\n"))
	f.Add([]byte{1, 6, 0, 1, 0xff, 0xff, 0xff, 0})
	f.Add([]byte{1, 3, 0, 1, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := ParseRecords(b)
		var ve *VersionError
		if err != nil && !errors.Is(err, ErrTruncated) && !errors.As(err, &ve) {
			t.Fatalf("unexpected error type %T: %v", err, err)
		}
		var again []byte
		for _, r := range recs {
			if r.Version != Version1 || len(r.Content) > 65535 {
				t.Fatalf("bad record %+v", r)
			}
			again = AppendRecord(again, r)
		}
		recs2, err := ParseRecords(again)
		if err != nil || len(recs2) != len(recs) {
			t.Fatalf("re-parse: %d vs %d records, %v", len(recs2), len(recs), err)
		}
		for i := range recs {
			if recs[i].Type != recs2[i].Type || recs[i].RequestID != recs2[i].RequestID || !bytes.Equal(recs[i].Content, recs2[i].Content) {
				t.Fatalf("record %d changed: %+v vs %+v", i, recs[i], recs2[i])
			}
		}
	})
}

func BenchmarkParseRecords(b *testing.B) {
	var stream []byte
	for range 64 {
		stream = AppendRecord(stream, Record{Version: 1, Type: TypeStdout, RequestID: 1, Content: bytes.Repeat([]byte("x"), 1000)})
	}
	b.SetBytes(int64(len(stream)))
	for b.Loop() {
		if _, err := ParseRecords(stream); err != nil {
			b.Fatal(err)
		}
	}
}
