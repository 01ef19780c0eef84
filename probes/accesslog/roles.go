package accesslog

import "strings"

// role is what ngx502 reads from a variable.
type role int8

// The variables ngx502 reads; the rest are only stepped over.
const (
	roleNone role = iota - 1
	roleTimeLocal
	roleTimeISO
	roleMsec
	roleRemoteAddr
	roleRequest
	roleMethod     // $request_method, when $request is not logged
	roleRequestURI // $request_uri
	roleURI        // $uri (normalised path), with roleArgs
	roleArgs
	roleProto // $server_protocol
	roleHost
	roleHTTPHost
	roleServerName
	roleStatus
	roleUpStatus
	roleUpAddr
	roleReqTime
	roleUpRespTime
	roleUpHeaderTime
	roleUserAgent
	numRoles
)

// roleOf maps a variable name to its role.
func roleOf(name string) role {
	switch name {
	case "time_local":
		return roleTimeLocal
	case "time_iso8601":
		return roleTimeISO
	case "msec":
		return roleMsec
	case "remote_addr":
		return roleRemoteAddr
	case "request":
		return roleRequest
	case "request_method":
		return roleMethod
	case "request_uri":
		return roleRequestURI
	case "uri", "document_uri":
		return roleURI
	case "args", "query_string":
		return roleArgs
	case "server_protocol":
		return roleProto
	case "host":
		return roleHost
	case "http_host":
		return roleHTTPHost
	case "server_name":
		return roleServerName
	case "status":
		return roleStatus
	case "upstream_status":
		return roleUpStatus
	case "upstream_addr":
		return roleUpAddr
	case "request_time":
		return roleReqTime
	case "upstream_response_time":
		return roleUpRespTime
	case "upstream_header_time":
		return roleUpHeaderTime
	case "http_user_agent":
		return roleUserAgent
	}
	return roleNone
}

// spanKind says how a value's end is found.
type spanKind uint8

const (
	spanSearch  spanKind = iota // up to the next occurrence of the following literal
	spanFixed26                 // $time_local: "25/Nov/2026:12:43:22 +0000" (has a space)
	spanFixed25                 // $time_iso8601: "2026-11-25T12:43:22+00:00"
	spanList                    // $upstream_*: "502, 200 : 404" — ", " and " : " are part of the value
	spanNumber                  // digits and '.', so an adjacent variable can follow without a literal
)

// spanOf returns how the value of variable name ends.
func spanOf(name string) spanKind {
	switch name {
	case "time_local":
		return spanFixed26
	case "time_iso8601":
		return spanFixed25
	case "status", "msec", "request_time", "body_bytes_sent", "bytes_sent", "request_length",
		"connection", "connection_requests", "pid":
		return spanNumber
	}
	if strings.HasPrefix(name, "upstream_") {
		switch name {
		case "upstream_status", "upstream_addr", "upstream_response_time", "upstream_header_time",
			"upstream_connect_time", "upstream_bytes_received", "upstream_bytes_sent", "upstream_response_length":
			return spanList
		}
	}
	return spanSearch
}
