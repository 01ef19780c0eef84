//go:build !race

package errlog

// raceBuild: see race_test.go.
const raceBuild = false
