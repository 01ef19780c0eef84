//go:build !race

package steps_test

// raceDetector is true under -race, which slows CPU-bound probing about
// tenfold: timing claims are then logged, not asserted.
const raceDetector = false
