// Package postmortem reads what a box keeps about a service that died —
// kernel OOM kills (journalctl -k, /var/log/kern.log, /var/log/messages,
// dmesg), systemd's last words about the unit, php-fpm's own log, an init
// script's log — so that the reason is known before anyone restarts it. It
// reports facts with the line that shows each; deciding what to do is for
// the caller.
package postmortem
