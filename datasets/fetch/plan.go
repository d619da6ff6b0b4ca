package fetch

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/jlaffaye/ftp"
)

// Planned is what Fetch would do for one item.
type Planned struct {
	// Item is the planned item.
	Item Item
	// Source is the URL it would be fetched from (after the mirror).
	Source string
	// Size is the number of bytes to transfer: the catalogue's size, the
	// prefix, or what the server reported when probed; -1 when unknown.
	Size int64
	// Present reports that the item (or all its members) is already on
	// disk, so nothing would be fetched.
	Present bool
}

// Plan lists what Fetch would download, without writing anything. With
// probe set, unknown sizes are asked from the server (HTTP HEAD, FTP SIZE).
func (f *Fetcher) Plan(ctx context.Context, items []Item, probe bool) ([]Planned, error) {
	lock, err := readLock(f.lockPath())
	if err != nil {
		return nil, err
	}
	var out []Planned
	for _, it := range items {
		src, err := f.SourceURL(it.URL)
		if err != nil {
			return nil, err
		}
		p := Planned{Item: it, Source: src, Size: -1}
		switch {
		case it.Prefix > 0:
			p.Size = it.Prefix
		case it.Size > 0:
			p.Size = it.Size
		}
		if len(it.Members) > 0 {
			p.Present = true
			for _, m := range it.Members {
				ok, _ := f.present(m.Path, m.Size, m.SHA256, lock)
				p.Present = p.Present && ok
			}
		} else {
			p.Present, _ = f.present(it.Path, it.Size, it.SHA256, lock)
		}
		if p.Size < 0 && probe && !p.Present {
			p.Size = f.probe(ctx, src)
		}
		out = append(out, p)
	}
	return out, nil
}

// probe asks the server for the size of src, or returns -1.
func (f *Fetcher) probe(ctx context.Context, src string) int64 {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	u, err := url.Parse(src)
	if err != nil {
		return -1
	}
	if u.Scheme == "ftp" {
		host := u.Host
		if u.Port() == "" {
			host += ":21"
		}
		c, err := ftp.Dial(host, ftp.DialWithContext(ctx), ftp.DialWithTimeout(f.ftpTimeout()))
		if err != nil {
			return -1
		}
		defer c.Quit()
		if err := c.Login("anonymous", "anonymous@"); err != nil {
			return -1
		}
		n, err := c.FileSize(u.Path)
		if err != nil {
			return -1
		}
		return n
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, src, nil)
	if err != nil {
		return -1
	}
	req.Header.Set("User-Agent", "annbench")
	resp, err := f.client().Do(req)
	if err != nil {
		return -1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return -1
	}
	return resp.ContentLength
}
