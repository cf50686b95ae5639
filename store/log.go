package store

import (
	"io"
	"os"
)

var logOutput io.Writer = os.Stderr

// SetLogOutput sends the store's diagnostics (Badger's warnings) to w.
func SetLogOutput(w io.Writer) { logOutput = w }
