package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// dash marks a recall target that was not reached.
const dash = "—"

// fmtQPS prints queries per second with a precision that suits their size.
func fmtQPS(q float64) string {
	switch {
	case q >= 100:
		return groupThousands(strconv.FormatFloat(math.Round(q), 'f', 0, 64))
	case q >= 10:
		return strconv.FormatFloat(q, 'f', 1, 64)
	default:
		return strconv.FormatFloat(q, 'f', 2, 64)
	}
}

func groupThousands(s string) string {
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// fmtBytes prints a size in binary units; 0 means not reported.
func fmtBytes(n int64) string {
	if n <= 0 {
		return "n/a"
	}
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f := float64(n)
	for _, u := range []string{"KiB", "MiB", "GiB", "TiB"} {
		f /= unit
		if f < unit || u == "TiB" {
			return fmt.Sprintf("%.1f %s", f, u)
		}
	}
	return ""
}

// fmtSeconds prints a duration in seconds with three significant digits.
func fmtSeconds(s float64) string {
	switch {
	case s >= 100:
		return fmt.Sprintf("%.0f s", s)
	case s >= 1:
		return fmt.Sprintf("%.2f s", s)
	case s >= 0.001:
		return fmt.Sprintf("%.1f ms", s*1e3)
	default:
		return fmt.Sprintf("%.0f µs", s*1e6)
	}
}

// fmtRecall prints a recall with three decimals.
func fmtRecall(r float64) string { return strconv.FormatFloat(r, 'f', 3, 64) }

// fmtTarget prints a recall target compactly (0.9, 0.95).
func fmtTarget(t float64) string { return strconv.FormatFloat(t, 'f', -1, 64) }

// fmtChange prints a relative change as a signed percentage.
func fmtChange(c float64) string {
	if math.IsNaN(c) || math.IsInf(c, 0) {
		return "n/a"
	}
	return fmt.Sprintf("%+.1f%%", c*100)
}

// mdEscape makes s safe inside a markdown table cell.
func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// fmtMicros prints a latency given in microseconds; 0 means not measured.
func fmtMicros(us float64) string {
	switch {
	case !(us > 0):
		return "n/a"
	case us >= 1000:
		return fmt.Sprintf("%.2f ms", us/1000)
	}
	return fmt.Sprintf("%.0f µs", us)
}
