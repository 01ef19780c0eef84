//go:build race

package errlog

// raceBuild: the race detector's shadow memory inflates the resident set,
// so RSS bounds, set for production builds, are not asserted.
const raceBuild = true
