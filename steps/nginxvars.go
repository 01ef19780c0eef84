package steps

import "strings"

// expandVars evaluates the nginx variables of a proxy_set_header or
// *_param value the probe can know for its own request; ok is false when
// the value uses one it cannot ($cookie_…, $upstream_…, a map), so the
// caller leaves that header out rather than invent a value.
func expandVars(value string, vars map[string]string) (string, bool) {
	if !strings.Contains(value, "$") {
		return value, true
	}
	var b strings.Builder
	for i := 0; i < len(value); {
		if value[i] != '$' {
			b.WriteByte(value[i])
			i++
			continue
		}
		name, next := varName(value, i+1)
		if name == "" {
			b.WriteByte('$')
			i++
			continue
		}
		v, ok := lookupVar(name, vars)
		if !ok {
			return "", false
		}
		b.WriteString(v)
		i = next
	}
	return b.String(), true
}

// varName reads "name" or "{name}" at value[i:], returning it and the index
// after it.
func varName(value string, i int) (string, int) {
	if i < len(value) && value[i] == '{' {
		end := strings.IndexByte(value[i:], '}')
		if end < 0 {
			return "", i
		}
		return value[i+1 : i+end], i + end + 1
	}
	j := i
	for j < len(value) && (value[j] == '_' || value[j] >= 'a' && value[j] <= 'z' || value[j] >= 'A' && value[j] <= 'Z' || value[j] >= '0' && value[j] <= '9') {
		j++
	}
	return value[i:j], j
}

// lookupVar knows the request's own variables; $http_* and $arg_* headers
// and arguments the probe does not send are empty, as they are for nginx.
func lookupVar(name string, vars map[string]string) (string, bool) {
	if v, ok := vars[name]; ok {
		return v, true
	}
	if strings.HasPrefix(name, "http_") || strings.HasPrefix(name, "arg_") || strings.HasPrefix(name, "sent_http_") {
		return "", true
	}
	return "", false
}

// orDefault is s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
