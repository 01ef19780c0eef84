package steps

import (
	"encoding/json"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"syscall"
	"time"
)

// auditRecord is one line of the audit log: what ran, for whom, how it
// ended. An admin reading it later sees exactly what ngx502 changed.
type auditRecord struct {
	Time     time.Time `json:"time"`
	User     string    `json:"user"`
	ID       string    `json:"id,omitempty"`
	Label    string    `json:"label"`
	Argv     []string  `json:"argv"`
	Ran      bool      `json:"ran"`
	ExitCode int       `json:"exit_code"`
	Fixed    bool      `json:"fixed"`
	Summary  string    `json:"summary"`
}

// DefaultAuditLog is where actions are recorded: /var/log/ngx502 for
// root, the XDG state directory for anyone else.
func DefaultAuditLog() string {
	if os.Geteuid() == 0 {
		return "/var/log/ngx502/actions.log"
	}
	if d := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "ngx502", "actions.log")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "state", "ngx502", "actions.log")
	}
	return ""
}

// audit appends ex to the audit log; the error says why it could not.
// The file is created 0600 in a 0700 directory, appended to only when it
// is a regular file reached without a symlink at its last step.
func audit(path string, ex Execution) error {
	if path == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0o600)
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return fmt.Errorf("audit log %s is not a regular file", path)
	}
	who := fmt.Sprintf("uid %d", os.Getuid())
	if u, err := user.Current(); err == nil {
		who = u.Username
	}
	line, err := json.Marshal(auditRecord{Time: time.Now().UTC(), User: who, ID: ex.Action.ID, Label: ex.Action.Label,
		Argv: ex.Action.Argv, Ran: ex.Ran, ExitCode: ex.ExitCode, Fixed: ex.Fixed, Summary: ex.Summary})
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	return nil
}
