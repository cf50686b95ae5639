package stock

import (
	"os/exec"
	"runtime"
)

// process is a started program and its end.
type process struct {
	cmd    *exec.Cmd
	exited chan struct{}
	err    error // how it ended; set before exited is closed
}

// startProcess starts cmd; onExit runs once it has ended. The goroutine
// that starts the program keeps its thread until the program ends: the
// kernel's parent-death signal (see sysProcAttr) follows the thread, not
// the process, so it must not go away while the program runs.
func startProcess(cmd *exec.Cmd, onExit func()) (*process, error) {
	p := &process{cmd: cmd, exited: make(chan struct{})}
	cmd.SysProcAttr = sysProcAttr()
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		p.err = cmd.Wait()
		if onExit != nil {
			onExit()
		}
		close(p.exited)
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return p, nil
}

// kill ends the program at once and waits for it.
func (p *process) kill() {
	p.cmd.Process.Kill()
	<-p.exited
}
