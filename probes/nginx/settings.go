package nginx

// isSetting reports whether a directive is a value inherited down the
// http → server → location chain, as opposed to structure, routing or a
// per-level action (modelled elsewhere or not at all).
func isSetting(name string) bool {
	switch name {
	case "include", "listen", "server_name", "location", "if", "limit_except", "set",
		"return", "rewrite", "break", "proxy_pass", "fastcgi_pass", "uwsgi_pass",
		"scgi_pass", "grpc_pass", "memcached_pass", "server", "upstream", "log_format",
		"map", "geo", "types", "split_clients", "internal", "match":
		return false
	}
	return true
}

// settingsOf collects the settings one level defines itself.
func settingsOf(items []item) Settings {
	s := Settings{}
	for _, it := range items {
		name := it.d.Directive
		if !isSetting(name) || it.d.Block != nil {
			continue
		}
		w := it.where()
		d, ok := s[name]
		if !ok {
			d = Directive{Name: name, Args: it.d.Args, Where: w}
		}
		d.All = append(d.All, it.d.Args)
		d.Wheres = append(d.Wheres, w)
		s[name] = d
	}
	return s
}

// merge applies nginx's inheritance: a level's directive replaces the
// inherited one by name — for scalars that is "inherited unless overridden",
// for arrays (proxy_set_header, fastcgi_param, add_header…) it is "inherited
// only if this level defines none", because All is replaced as a whole.
func merge(parent, own Settings) Settings {
	out := make(Settings, len(parent)+len(own))
	for k, v := range parent {
		out[k] = v
	}
	for k, v := range own {
		out[k] = v
	}
	return out
}
