//go:build !linux

package stock

import "syscall"

func sysProcAttr() *syscall.SysProcAttr { return nil }

// lock does not lock: two builds at once are only wasteful, as each
// renames a complete binary into place.
func lock(string) (func(), error) { return func() {}, nil }

func memory(int) (rss, peak int64, ok bool) { return 0, 0, false }
