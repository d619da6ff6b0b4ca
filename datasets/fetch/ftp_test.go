package fetch

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// ftpServer is a minimal passive-mode FTP server for tests: USER, PASS,
// FEAT, TYPE, SIZE, EPSV, PASV, REST, RETR, QUIT.
type ftpServer struct {
	ln    net.Listener
	files map[string][]byte
	// dropFirst, when positive, ends the first RETR after that many bytes.
	dropFirst int

	mu    sync.Mutex
	cmds  []string
	retrs int
}

func startFTP(t *testing.T, files map[string][]byte) *ftpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &ftpServer{ln: ln, files: files}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *ftpServer) url(p string) string { return "ftp://" + s.ln.Addr().String() + p }

func (s *ftpServer) commands() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.cmds...)
}

func (s *ftpServer) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	reply := func(format string, args ...any) { fmt.Fprintf(c, format+"\r\n", args...) }
	reply("220 test server ready")
	var data net.Listener
	var rest int64
	defer func() {
		if data != nil {
			data.Close()
		}
	}()
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		cmd, arg, _ := strings.Cut(line, " ")
		cmd = strings.ToUpper(cmd)
		s.mu.Lock()
		s.cmds = append(s.cmds, line)
		s.mu.Unlock()
		switch cmd {
		case "USER":
			reply("331 password please")
		case "PASS":
			reply("230 logged in")
		case "TYPE":
			reply("200 type set")
		case "SIZE":
			if b, ok := s.files[arg]; ok {
				reply("213 %d", len(b))
			} else {
				reply("550 no such file")
			}
		case "EPSV", "PASV":
			if data != nil {
				data.Close()
			}
			data, err = net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				reply("425 cannot open data connection")
				continue
			}
			port := data.Addr().(*net.TCPAddr).Port
			if cmd == "EPSV" {
				reply("229 Entering Extended Passive Mode (|||%d|)", port)
			} else {
				reply("227 Entering Passive Mode (127,0,0,1,%d,%d)", port/256, port%256)
			}
		case "REST":
			rest, _ = strconv.ParseInt(arg, 10, 64)
			reply("350 restarting at %d", rest)
		case "RETR":
			b, ok := s.files[arg]
			if !ok || data == nil {
				reply("550 no such file")
				continue
			}
			reply("150 opening data connection")
			dc, err := data.Accept()
			if err != nil {
				reply("425 no data connection")
				continue
			}
			s.mu.Lock()
			s.retrs++
			first := s.retrs == 1
			s.mu.Unlock()
			body := b[min(rest, int64(len(b))):]
			rest = 0
			if first && s.dropFirst > 0 {
				dc.Write(body[:s.dropFirst])
				dc.Close()
				reply("426 connection closed; transfer aborted")
				continue
			}
			_, werr := dc.Write(body)
			dc.Close()
			if werr != nil {
				reply("426 transfer aborted")
			} else {
				reply("226 transfer complete")
			}
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 %s not implemented", cmd)
		}
	}
}

func TestFTP(t *testing.T) {
	data := payload(80_000, 11)
	t.Run("download", func(t *testing.T) {
		s := startFTP(t, map[string][]byte{"/corpus/set.bin": data})
		f := newFetcher(t)
		if err := f.Fetch(context.Background(), []Item{{URL: s.url("/corpus/set.bin"), Path: "set.bin", SHA256: shaHex(data)}}); err != nil {
			t.Fatal(err)
		}
		if got := readFile(t, filepath.Join(f.Dir, "set.bin")); !bytes.Equal(got, data) {
			t.Fatal("ftp download differs")
		}
		if cmds := strings.Join(s.commands(), "|"); !strings.Contains(cmds, "USER anonymous") || !strings.Contains(cmds, "RETR /corpus/set.bin") {
			t.Errorf("unexpected command sequence %s", cmds)
		}
	})
	t.Run("dropped then resumed with REST", func(t *testing.T) {
		s := startFTP(t, map[string][]byte{"/set.bin": data})
		s.dropFirst = 25_000
		f := newFetcher(t)
		if err := f.Fetch(context.Background(), []Item{{URL: s.url("/set.bin"), Path: "set.bin", Size: int64(len(data))}}); err != nil {
			t.Fatal(err)
		}
		if got := readFile(t, filepath.Join(f.Dir, "set.bin")); !bytes.Equal(got, data) {
			t.Fatal("resumed ftp download differs")
		}
		if cmds := strings.Join(s.commands(), "|"); !strings.Contains(cmds, "REST 25000") {
			t.Errorf("no REST 25000 in %s", cmds)
		}
	})
	t.Run("prefix", func(t *testing.T) {
		s := startFTP(t, map[string][]byte{"/big.bin": data})
		f := newFetcher(t)
		if err := f.Fetch(context.Background(), []Item{{URL: s.url("/big.bin"), Path: "small.bin", Prefix: 1000,
			Patches: []Patch{{Offset: 0, Data: []byte("HDR!")}}}}); err != nil {
			t.Fatal(err)
		}
		got := readFile(t, filepath.Join(f.Dir, "small.bin"))
		want := append([]byte("HDR!"), data[4:1000]...)
		if !bytes.Equal(got, want) {
			t.Fatalf("prefix of %d bytes differs", len(got))
		}
	})
	t.Run("missing file", func(t *testing.T) {
		s := startFTP(t, map[string][]byte{})
		f := newFetcher(t)
		err := f.Fetch(context.Background(), []Item{{URL: s.url("/nope"), Path: "nope"}})
		if err == nil || !strings.Contains(err.Error(), "ftp RETR /nope: 550") {
			t.Fatalf("error %v", err)
		}
		if n := strings.Count(strings.Join(s.commands(), "|"), "RETR"); n != 1 {
			t.Errorf("550 retried: %d RETR commands", n)
		}
		if _, err := os.Stat(filepath.Join(f.Dir, "nope")); err == nil {
			t.Error("final file exists after failure")
		}
	})
	t.Run("plan probes size", func(t *testing.T) {
		s := startFTP(t, map[string][]byte{"/set.bin": data})
		f := newFetcher(t)
		plan, err := f.Plan(context.Background(), []Item{{URL: s.url("/set.bin"), Path: "set.bin"}}, true)
		if err != nil || plan[0].Size != int64(len(data)) {
			t.Fatalf("plan %+v, %v; want size %d", plan, err, len(data))
		}
	})
}
