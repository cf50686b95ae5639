//go:build race

package peer

// raceEnabled: the race detector slows everything about tenfold.
const raceEnabled = true
