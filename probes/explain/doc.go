// Package explain holds the sentences the probes' Explain functions share: a failed
// connect named by its errno the way nginx's error log names it, a failed TLS
// handshake, the nginx timer an exchange ran past, and the helpers that keep
// durations, sizes and a peer's first bytes readable. It is a shared library like
// probes/logfile, not a probe: what only one protocol says stays in its probe, which
// names its upstream through a Peer.
package explain
