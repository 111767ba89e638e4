package recommend

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// encodingMagic starts every encoded model; the digit is the layout.
const encodingMagic = "FRM1"

// Encode writes a model and its items' keys (product ids, by item index)
// as bytes, for storing in the database.
func Encode(m *Model, keys []int64) ([]byte, error) {
	if len(keys) != m.Items {
		return nil, fmt.Errorf("recommend: %d keys for %d items", len(keys), m.Items)
	}
	var b bytes.Buffer
	b.WriteString(encodingMagic)
	w := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) } // a bytes.Buffer does not fail
	w(uint32(len(m.Name)))
	b.WriteString(m.Name)
	w(uint32(m.Items))
	w(uint32(len(m.To)))
	w(uint32(len(m.Popular)))
	w(keys)
	w(m.Buyers)
	w(m.Start)
	w(m.To)
	w(m.W)
	w(m.Popular)
	return b.Bytes(), nil
}

// Decode reads what Encode wrote, checking its shape.
func Decode(data []byte) (*Model, []int64, error) {
	r := bytes.NewReader(data)
	magic := make([]byte, len(encodingMagic))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != encodingMagic {
		return nil, nil, errors.New("recommend: not an encoded model")
	}
	var err error
	rd := func(v any) {
		if err == nil {
			err = binary.Read(r, binary.LittleEndian, v)
		}
	}
	var nameLen, items, nnz, npop uint32
	rd(&nameLen)
	if err != nil || int64(nameLen) > int64(r.Len()) {
		return nil, nil, errors.New("recommend: truncated model")
	}
	name := make([]byte, nameLen)
	rd(name)
	rd(&items)
	rd(&nnz)
	rd(&npop)
	if err != nil || int64(items)*16+4+int64(nnz)*8+int64(npop)*4 != int64(r.Len()) {
		return nil, nil, errors.New("recommend: truncated model")
	}
	m := &Model{Name: string(name), Items: int(items), Buyers: make([]int32, items), Start: make([]int32, items+1),
		To: make([]int32, nnz), W: make([]float32, nnz), Popular: make([]int32, npop)}
	keys := make([]int64, items)
	rd(keys)
	rd(m.Buyers)
	rd(m.Start)
	rd(m.To)
	rd(m.W)
	rd(m.Popular)
	if err != nil {
		return nil, nil, fmt.Errorf("recommend: truncated model: %w", err)
	}
	if err := m.Validate(); err != nil {
		return nil, nil, err
	}
	return m, keys, nil
}
