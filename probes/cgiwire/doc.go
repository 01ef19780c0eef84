// Package cgiwire is the part nginx's uwsgi and SCGI modules share, for the probes that
// speak those protocols: the request and its result, the variables both params files
// send, the response-header parser they apply (an HTTP status line or a CGI Status
// header, nginx's header rules and error texts), nginx's connect and read timers, the
// exchange of one request and its answer, and its explanation. It is a shared library
// like probes/logfile, not a probe: the uwsgi and scgi probes build and encode their
// own variables and word their own explanations through a Protocol.
package cgiwire
