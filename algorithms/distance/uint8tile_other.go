//go:build !amd64 || purego

package distance

// Uint8TileAccelerated reports whether L2SqUint8Tile runs as assembly.
func Uint8TileAccelerated() bool { return false }

func l2sqUint8Tile(qs *Uint8Queries, rows *Uint8Rows, from, to int, out []float32, ostride int) {
	l2sqUint8TileGeneric(qs, rows, from, to, out, ostride)
}
