package postmortem

import (
	"bufio"
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
)

// FPMLog is where a php-fpm master writes its own log (its [global]
// error_log).
type FPMLog struct {
	Path   string // the file; "" when it logs to syslog
	Syslog bool   // error_log = syslog: the lines are in the journal or syslog, tagged Ident
	Ident  string // syslog.ident ("php-fpm" unless set)
	From   string // where that was read: "FILE:LINE", or "php-fpm's default"
}

// Bounds of reading php-fpm's configuration.
const (
	maxConfBytes = 1 << 20 // one php-fpm.conf or included file
	maxIncludes  = 64      // files an include glob may pull in
)

// defaultFPMLog is error_log's default, relative to the prefix.
const defaultFPMLog = "log/php-fpm.log"

// fpmVarDir is what a relative error_log is relative to without -p: the
// localstatedir php-fpm was built with, /var in Debian's and most builds.
const fpmVarDir = "/var"

// FPMLogOf reads the php-fpm.conf at confPath (and the files its include=
// globs name, as php-fpm reads them, after it) for the [global] error_log
// and syslog.ident. prefix is the master's -p (--prefix), "" when it had
// none: relative paths are php-fpm's prefix's, else /var's.
func FPMLogOf(confPath, prefix string) (FPMLog, error) {
	l := FPMLog{Ident: "php-fpm", From: "php-fpm's default"}
	errorLog := defaultFPMLog
	err := readFPMConf(confPath, prefix, func(file string, n int, key, value string) {
		switch key {
		case "error_log":
			errorLog, l.From = value, fmt.Sprintf("%s:%d", file, n)
		case "syslog.ident":
			l.Ident = value
		}
	})
	if err != nil {
		return FPMLog{}, err
	}
	if errorLog == "syslog" {
		l.Syslog = true
		return l, nil
	}
	l.Path = fpmPath(errorLog, prefix)
	return l, nil
}

// fpmPath makes p absolute as php-fpm does (fpm_evaluate_full_path).
func fpmPath(p, prefix string) string {
	switch {
	case filepath.IsAbs(p):
		return filepath.Clean(p)
	case prefix != "":
		return filepath.Join(prefix, p)
	}
	return filepath.Join(fpmVarDir, p)
}

// readFPMConf calls fn with every key of the global section (and of no
// section) of path and of the files it includes, in the order php-fpm
// reads them.
func readFPMConf(path, prefix string, fn func(file string, n int, key, value string)) error {
	includes, err := readFPMFile(path, fn)
	if err != nil {
		return err
	}
	read := 0
	for _, glob := range includes {
		matches, err := filepath.Glob(fpmPath(glob, prefix))
		if err != nil {
			return fmt.Errorf("include %s in %s: %w", glob, path, err)
		}
		for _, m := range matches {
			if read++; read > maxIncludes {
				return fmt.Errorf("%s includes more than %d files", path, maxIncludes)
			}
			// Included files may hold pools only; their own includes are not followed.
			if _, err := readFPMFile(m, fn); err != nil {
				return err
			}
		}
	}
	return nil
}

// readFPMFile reads one INI file of php-fpm: "key = value" lines, "[section]"
// headers, ";" and "#" comments, values in optional double quotes.
func readFPMFile(path string, fn func(file string, n int, key, value string)) (includes []string, err error) {
	b, err := readRegular(path, maxConfBytes)
	if err != nil {
		return nil, fmt.Errorf("read php-fpm config: %w", err)
	}
	return parseFPMINI(path, b, fn)
}

// parseFPMINI is readFPMFile on the text b of path.
func parseFPMINI(path string, b []byte, fn func(file string, n int, key, value string)) (includes []string, err error) {
	global := true
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == ';' || line[0] == '#' {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			global = strings.TrimSpace(line[1:len(line)-1]) == "global"
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		key, value = strings.TrimSpace(key), iniValue(value)
		if key == "include" {
			includes = append(includes, value)
		} else if global {
			fn(path, n, key, value)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return includes, nil
}

// iniValue is an INI value without its quotes or trailing ";" comment.
func iniValue(v string) string {
	v = strings.TrimSpace(v)
	if len(v) >= 2 && v[0] == '"' {
		if end := strings.IndexByte(v[1:], '"'); end >= 0 {
			return v[1 : end+1]
		}
	}
	if i := strings.Index(v, " ;"); i >= 0 {
		v = v[:i]
	}
	return strings.TrimSpace(v)
}
