package external

import (
	"github.com/annbench/annbench/algorithms/procstat"

	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrAdapter marks errors caused by an adapter process (it crashed, hung,
// answered garbage or reported a failure). A run reports them and goes on
// with the rest of its sweep.
var ErrAdapter = errors.New("adapter failed")

// adapterError is an error caused by an adapter; errors.Is(err,
// ErrAdapter) holds for it without ErrAdapter's text in the message.
type adapterError struct {
	msg string
	err error
}

func (e *adapterError) Error() string        { return e.msg }
func (e *adapterError) Unwrap() error        { return e.err }
func (e *adapterError) Is(target error) bool { return target == ErrAdapter }

// adapterErr formats an adapterError wrapping cause (which may be nil).
func adapterErr(cause error, format string, args ...any) error {
	return &adapterError{msg: fmt.Sprintf(format, args...), err: cause}
}

// maxLine bounds one protocol line; anything longer is garbage.
const maxLine = 1 << 20

// tailLines is how many lines of the adapter's stderr an error quotes.
const tailLines = 12

// Timeouts bound each protocol step. A step that takes longer kills the
// adapter.
type Timeouts struct {
	Hello, Build, SetQuery, Search, Close time.Duration
}

// DefaultTimeouts are generous: they catch a hung adapter, not a slow one.
var DefaultTimeouts = Timeouts{Hello: time.Minute, Build: 6 * time.Hour, SetQuery: time.Minute,
	Search: time.Hour, Close: 10 * time.Second}

// process is one running adapter.
type process struct {
	name  string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan []byte
	// readErr is set before lines is closed.
	readErr error
	stderr  *tail
	done    chan struct{} // closed when the process has exited
	waitErr error
	dead    error // sticky: set when the session cannot go on
}

// start launches command with the given extra environment.
func start(name string, command []string, env []string, dir string, log io.Writer) (*process, error) {
	if len(command) == 0 {
		return nil, fmt.Errorf("%s: empty adapter command", name)
	}
	cmd := exec.Command(command[0], command[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Dir = dir
	setProcessGroup(cmd)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, stdin: stdin, lines: make(chan []byte, 1),
		stderr: &tail{max: tailLines, log: log, prefix: "[" + name + "] "}, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		return nil, adapterErr(err, "%s: start adapter %s: %v", name, strings.Join(command, " "), err)
	}
	go p.read(stdout)
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// read forwards stdout lines to p.lines.
func (p *process) read(r io.Reader) {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := readLine(br)
		if len(line) > 0 {
			p.lines <- line
		}
		if err != nil {
			p.readErr = err
			close(p.lines)
			return
		}
	}
}

// readLine returns the next non-empty line without its newline, or an
// error for a line longer than maxLine.
func readLine(br *bufio.Reader) ([]byte, error) {
	for {
		var buf []byte
		for {
			chunk, isPrefix, err := br.ReadLine()
			buf = append(buf, chunk...)
			if len(buf) > maxLine {
				return nil, fmt.Errorf("a line longer than %d bytes", maxLine)
			}
			if err != nil {
				return buf, err
			}
			if !isPrefix {
				break
			}
		}
		if len(bytes.TrimSpace(buf)) > 0 {
			return buf, nil
		}
	}
}

// pid returns the adapter's process id.
func (p *process) pid() int { return p.cmd.Process.Pid }

// call sends req and decodes the answer into resp within timeout. Any
// failure other than an error reported by the adapter itself ends the
// session.
func (p *process) call(ctx context.Context, op string, timeout time.Duration, req, resp any) error {
	if p.dead != nil {
		return p.dead
	}
	b, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("%s: encode %s request: %w", p.name, op, err)
	}
	if _, err := p.stdin.Write(append(b, '\n')); err != nil {
		return p.fail(op, fmt.Errorf("cannot send the %s request: %w", op, err))
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case line, ok := <-p.lines:
		if !ok {
			return p.fail(op, p.exitReason(op))
		}
		return p.decode(op, line, resp)
	case <-timer.C:
		return p.fail(op, fmt.Errorf("no answer to %s within %v (hung?); adapter killed", op, timeout))
	case <-ctx.Done():
		return p.fail(op, fmt.Errorf("%s interrupted: %w", op, ctx.Err()))
	}
}

// decode parses one answer line.
func (p *process) decode(op string, line []byte, resp any) error {
	var env envelope
	if err := json.Unmarshal(line, &env); err != nil {
		return p.fail(op, fmt.Errorf("malformed JSON answer to %s: %v: %s", op, err, quote(line)))
	}
	if env.OK == nil {
		return p.fail(op, fmt.Errorf("answer to %s has no \"ok\" field: %s", op, quote(line)))
	}
	if !*env.OK {
		msg := env.Error
		if msg == "" {
			msg = "failed without a message"
		}
		if op == "hello" {
			return adapterErr(nil, "%s: %s", p.name, msg)
		}
		return adapterErr(nil, "%s: %s: %s", p.name, op, msg)
	}
	if resp != nil {
		if err := json.Unmarshal(line, resp); err != nil {
			return p.fail(op, fmt.Errorf("answer to %s does not match the protocol: %v: %s", op, err, quote(line)))
		}
	}
	return nil
}

// exitReason explains why stdout ended.
func (p *process) exitReason(op string) error {
	if p.readErr != nil && p.readErr != io.EOF {
		return fmt.Errorf("unreadable answer to %s: %v", op, p.readErr)
	}
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		return fmt.Errorf("closed its output during %s", op)
	}
	if p.waitErr != nil {
		return fmt.Errorf("exited during %s (%v)", op, p.waitErr)
	}
	return fmt.Errorf("exited during %s without answering", op)
}

// fail kills the adapter and records why, quoting its last stderr lines.
func (p *process) fail(op string, why error) error {
	p.kill()
	msg := fmt.Sprintf("%s: adapter %v", p.name, why)
	if t := p.stderr.String(); t != "" {
		msg += "; last stderr lines:\n" + t
	} else {
		msg += " (stderr was empty)"
	}
	p.dead = adapterErr(why, "%s", msg)
	return p.dead
}

// kill ends the process (and its group) and waits for it.
func (p *process) kill() {
	select {
	case <-p.done:
		return
	default:
	}
	killProcess(p.cmd)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
	}
}

// close ends the session politely, then by force.
func (p *process) close(timeout time.Duration) error {
	if p.dead != nil {
		p.kill()
		return nil
	}
	err := p.call(context.Background(), "close", timeout, closeRequest{Op: "close"}, nil)
	p.stdin.Close()
	select {
	case <-p.done:
	case <-time.After(timeout):
		p.kill()
	}
	return err
}

// status reads VmHWM and VmRSS of the process from /proc, in bytes; zeros
// where /proc is unavailable.
func (p *process) status() (hwm, rss int64) {
	hwm, rss, err := procstat.Read(p.pid())
	if err != nil {
		return 0, 0
	}
	return hwm, rss
}

func quote(line []byte) string {
	if len(line) > 200 {
		line = append(line[:197:197], "..."...)
	}
	return strconv.Quote(string(line))
}

// tail keeps the last lines written to it and forwards everything to log.
type tail struct {
	mu     sync.Mutex
	max    int
	lines  []string
	part   []byte
	log    io.Writer
	prefix string
}

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.part = append(t.part, b...)
	for {
		i := bytes.IndexByte(t.part, '\n')
		if i < 0 {
			break
		}
		t.add(string(t.part[:i]))
		t.part = t.part[i+1:]
	}
	if len(t.part) > 4096 {
		t.add(string(t.part))
		t.part = t.part[:0]
	}
	return len(b), nil
}

func (t *tail) add(line string) {
	line = strings.TrimRight(line, "\r")
	if len(line) > 500 {
		line = line[:497] + "..."
	}
	if t.log != nil {
		fmt.Fprintf(t.log, "%s%s\n", t.prefix, line)
	}
	t.lines = append(t.lines, line)
	if len(t.lines) > t.max {
		t.lines = t.lines[len(t.lines)-t.max:]
	}
}

// String returns the kept lines, indented, plus an unfinished last line.
func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := append([]string(nil), t.lines...)
	if len(t.part) > 0 {
		lines = append(lines, string(t.part))
	}
	for i, l := range lines {
		lines[i] = "    " + l
	}
	return strings.Join(lines, "\n")
}
