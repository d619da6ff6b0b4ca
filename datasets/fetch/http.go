package fetch

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// opener picks the transfer implementation for src's scheme.
func (f *Fetcher) opener(src string) (opener, error) {
	u, err := url.Parse(src)
	if err != nil {
		return nil, fmt.Errorf("bad URL %q: %w", src, err)
	}
	switch u.Scheme {
	case "http", "https":
		return f.openHTTP, nil
	case "ftp":
		return f.openFTP, nil
	}
	return nil, fmt.Errorf("URL %q: scheme %q not supported (want http, https or ftp)", src, u.Scheme)
}

// StatusError is an unexpected HTTP response status.
type StatusError struct {
	// URL is the requested URL.
	URL string
	// Code is the HTTP status code.
	Code int
	// Status is the status line, e.g. "404 Not Found".
	Status string
}

// Error describes the status and the URL.
func (e *StatusError) Error() string { return fmt.Sprintf("HTTP %s from %s", e.Status, e.URL) }

// retryable reports statuses worth retrying: server errors, timeouts and
// rate limiting.
func (e *StatusError) retryable() bool {
	return e.Code >= 500 || e.Code == http.StatusRequestTimeout || e.Code == http.StatusTooManyRequests
}

func (f *Fetcher) client() *http.Client {
	if f.Client != nil {
		return f.Client
	}
	return http.DefaultClient
}

func (f *Fetcher) openHTTP(ctx context.Context, src string, offset, end int64) (*body, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return nil, permanent(err)
	}
	req.Header.Set("User-Agent", "annbench")
	switch {
	case end > 0:
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", offset, end-1))
	case offset > 0:
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", offset))
	}
	resp, err := f.client().Do(req)
	if err != nil {
		return nil, err
	}
	switch resp.StatusCode {
	case http.StatusOK:
		total := resp.ContentLength
		return &body{r: resp.Body, start: 0, total: total}, nil
	case http.StatusPartialContent:
		start, total, err := parseContentRange(resp.Header.Get("Content-Range"))
		if err != nil {
			resp.Body.Close()
			return nil, err
		}
		return &body{r: resp.Body, start: start, total: total}, nil
	case http.StatusRequestedRangeNotSatisfiable:
		resp.Body.Close()
		// "bytes */N" with N equal to what we have: the .part file is
		// already complete (e.g. a crash before the rename).
		if size, ok := strings.CutPrefix(resp.Header.Get("Content-Range"), "bytes */"); ok && end == 0 {
			if n, err := strconv.ParseInt(size, 10, 64); err == nil && n == offset {
				return &body{r: io.NopCloser(strings.NewReader("")), start: offset, total: n}, nil
			}
		}
		if offset > 0 {
			// The .part file is as long as the object or longer: start over.
			return f.openHTTP(ctx, src, 0, end)
		}
	}
	resp.Body.Close()
	se := &StatusError{URL: src, Code: resp.StatusCode, Status: resp.Status}
	if se.retryable() {
		return nil, se
	}
	return nil, permanent(se)
}

// parseContentRange reads "bytes START-END/TOTAL" (TOTAL may be "*").
func parseContentRange(s string) (start, total int64, err error) {
	rest, ok := strings.CutPrefix(s, "bytes ")
	if !ok {
		return 0, 0, fmt.Errorf("bad Content-Range %q", s)
	}
	rng, tot, ok := strings.Cut(rest, "/")
	a, _, ok2 := strings.Cut(rng, "-")
	if !ok || !ok2 {
		return 0, 0, fmt.Errorf("bad Content-Range %q", s)
	}
	if start, err = strconv.ParseInt(a, 10, 64); err != nil {
		return 0, 0, fmt.Errorf("bad Content-Range %q", s)
	}
	total = -1
	if tot != "*" {
		if total, err = strconv.ParseInt(tot, 10, 64); err != nil {
			return 0, 0, fmt.Errorf("bad Content-Range %q", s)
		}
	}
	return start, total, nil
}
