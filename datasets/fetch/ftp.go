package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"net/url"
	"time"

	"github.com/jlaffaye/ftp"
)

func (f *Fetcher) ftpTimeout() time.Duration {
	if f.FTPTimeout > 0 {
		return f.FTPTimeout
	}
	return 30 * time.Second
}

// openFTP logs in (anonymously unless the URL carries a user), asks for the
// size, and retrieves the file from offset with REST.
func (f *Fetcher) openFTP(ctx context.Context, src string, offset, end int64) (*body, error) {
	u, err := url.Parse(src)
	if err != nil {
		return nil, permanent(err)
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "21")
	}
	c, err := ftp.Dial(host, ftp.DialWithContext(ctx), ftp.DialWithTimeout(f.ftpTimeout()))
	if err != nil {
		return nil, fmt.Errorf("ftp connect %s: %w", host, err)
	}
	user, pass := "anonymous", "anonymous@"
	if u.User != nil {
		user = u.User.Username()
		if p, ok := u.User.Password(); ok {
			pass = p
		}
	}
	if err := c.Login(user, pass); err != nil {
		c.Quit()
		return nil, ftpError(fmt.Errorf("ftp login to %s: %w", host, err))
	}
	total := int64(-1)
	if n, err := c.FileSize(u.Path); err == nil {
		total = n
		if offset >= n && offset > 0 && end == 0 {
			offset = 0 // .part longer than the file: start over
		}
	}
	resp, err := c.RetrFrom(u.Path, uint64(offset))
	if err != nil {
		c.Quit()
		return nil, ftpError(fmt.Errorf("ftp RETR %s: %w", u.Path, err))
	}
	// Cancellation unblocks a stalled read by expiring the data connection.
	stop := context.AfterFunc(ctx, func() { resp.SetDeadline(time.Unix(1, 0)) })
	return &body{
		r:     resp,
		start: offset,
		total: total,
		closer: func(complete bool) error {
			stop()
			err := resp.Close()
			c.Quit()
			if end > 0 {
				return nil // a prefix download aborts the transfer on purpose
			}
			return err
		},
	}, nil
}

// ftpError marks permanent FTP replies (5xx: no such file, login refused)
// so they are not retried.
func ftpError(err error) error {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return permanent(err)
	}
	return err
}
