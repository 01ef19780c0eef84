// Package logsource finds where nginx's error log really goes when it is
// not a plain file: the journal of the unit that runs it (error_log
// stderr), the file a local syslog daemon writes (error_log syslog:), or
// a container runtime's log (stdout/stderr inside a container). It reads
// facts — config files, /proc, journalctl's output — and decides nothing:
// every answer says where, and why it thinks so. The readers it returns
// yield nginx's own error-log lines, so errlog.Scan parses them as if
// they came from a file.
package logsource
